package dev.confine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.DBusBoundProperty;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.bin.EmbeddedDBusDaemon;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * A private bus (dbus-java's embedded daemon) with a fake systemd manager on it: just enough of
 * {@code org.freedesktop.systemd1.Manager} for {@link Systemd#startScope} and {@link
 * Systemd#start}. It records what it receives and answers as a test tells it to.
 */
final class FakeSystemd implements AutoCloseable {

  /** When the fake sends {@code JobRemoved} relative to the {@code StartTransientUnit} reply. */
  enum JobSignal {
    /** Before the reply: the client sees the job's end before it knows the job's path. */
    BEFORE_REPLY,
    /** Shortly after the reply, as systemd usually does. */
    AFTER_REPLY,
    /** Never: the job seems to hang. */
    NEVER
  }

  /** What one {@code StartTransientUnit} call carried. */
  record StartCall(String unit, String mode, List<UnitProperty> properties, List<AuxUnit> aux) {
    /** Each property as {@code "Name signature value"}, in the order sent. */
    List<String> wire() {
      return properties.stream()
          .map(p -> p.name + " " + p.value.getSig() + " " + render(p.value.getValue()))
          .collect(Collectors.toList());
    }

    /** Structs inside variants arrive as Object[], arrays as List. */
    private static String render(Object value) {
      if (value instanceof Object[] struct) {
        return Arrays.stream(struct).map(StartCall::render).collect(Collectors.joining(" ", "(", ")"));
      }
      if (value instanceof List<?> list) {
        return list.stream().map(StartCall::render).collect(Collectors.joining(", ", "[", "]"));
      }
      return String.valueOf(value);
    }
  }

  static final String VERSION = "257.9-1~deb13u1";
  /** After-reply signals wait this long: ample for the reply to reach the client first. */
  private static final long AFTER_REPLY_DELAY_MS = 50;

  private final EmbeddedDBusDaemon daemon;
  private final String address;
  private final DBusConnection connection;
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private final List<StartCall> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<String> steering = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong jobIds = new AtomicLong();
  private final AtomicInteger versionReads = new AtomicInteger();
  private final AtomicInteger cgroupReads = new AtomicInteger();
  private final AtomicInteger subscribes = new AtomicInteger();
  private volatile JobSignal jobSignal = JobSignal.AFTER_REPLY;
  private volatile String jobResult = "done";
  private volatile Supplier<? extends DBusExecutionException> error;
  private volatile String version = VERSION;
  private volatile String activeState = "inactive";
  private volatile String scopeResult = "success";
  /** Unit name to the object path the fake puts a started unit at. */
  private final Map<String, String> unitPaths = new ConcurrentHashMap<>();

  private FakeSystemd(EmbeddedDBusDaemon daemon, String address, DBusConnection connection) {
    this.daemon = daemon;
    this.address = address;
    this.connection = connection;
  }

  /** Starts a bus with its socket in {@code dir} and the fake manager on it. */
  static FakeSystemd start(Path dir) throws DBusException, IOException {
    String address = "unix:path=" + dir.resolve("bus");
    // The daemon takes the listening form of the address; clients connect to the plain one.
    EmbeddedDBusDaemon daemon = new EmbeddedDBusDaemon(address + ",listen=true");
    DBusConnection connection = null;
    try {
      daemon.startInBackgroundAndWait(5_000);
      awaitRunning(daemon);
      connection = DBusConnectionBuilder.forAddress(address).withShared(false).build();
      FakeSystemd fake = new FakeSystemd(daemon, address, connection);
      connection.requestBusName(SystemdBus.DESTINATION);
      connection.exportObject(SystemdBus.MANAGER_PATH, fake.new ManagerObject());
      return fake;
    } catch (DBusException | RuntimeException e) {
      if (connection != null) {
        connection.close();
      }
      daemon.close();
      throw e;
    }
  }

  /**
   * dbus-java 5.2.2's daemon signals "started" once its socket is bound, before its dispatch thread
   * runs; a client accepted in that window makes it stop listening, and the client's Hello fails
   * with "Underlying transport returned -1". So wait until it really runs.
   */
  private static void awaitRunning(EmbeddedDBusDaemon daemon) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!daemon.isRunning()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the embedded D-Bus daemon did not start");
      }
      Thread.onSpinWait();
    }
  }

  String address() {
    return address;
  }

  /** Puts a polkit authority with this backend on the bus, as polkitd does. */
  FakeSystemd withPolkit(String backendName, String backendVersion) throws DBusException {
    connection.requestBusName("org.freedesktop.PolicyKit1");
    connection.exportObject("/org/freedesktop/PolicyKit1/Authority", new PolkitAuthority() {
      @Override
      public String getBackendName() {
        return backendName;
      }

      @Override
      public String getBackendVersion() {
        return backendVersion;
      }

      @Override
      public UInt32 getBackendFeatures() {
        return new UInt32(1);
      }

      @Override
      public String getObjectPath() {
        return "/org/freedesktop/PolicyKit1/Authority";
      }
    });
    return this;
  }

  FakeSystemd jobSignal(JobSignal when) {
    this.jobSignal = when;
    return this;
  }

  /** The result the start job ends with: {@code done}, {@code failed}, … */
  FakeSystemd jobResult(String result) {
    this.jobResult = result;
    return this;
  }

  /** The manager's Version property, {@link #VERSION} unless set. */
  FakeSystemd version(String version) {
    this.version = version;
    return this;
  }

  /**
   * Puts a scope started as {@code unit} at {@code path}, with its ControlGroup; the fake has no
   * GetUnit, so confine finds it there only by deriving the path itself.
   */
  FakeSystemd unitAt(String unit, String path) {
    unitPaths.put(unit, path);
    return this;
  }

  /** The ActiveState of every unit the fake has: {@code inactive} (ended) unless set. */
  FakeSystemd activeState(String state) {
    this.activeState = state;
    return this;
  }

  /** The Result of every scope the fake has: {@code success} unless set. */
  FakeSystemd scopeResult(String result) {
    this.scopeResult = result;
    return this;
  }

  /** Sends a change of the unit at {@code path}'s ActiveState, as systemd does. */
  void announceChange(String path) throws DBusException {
    connection.sendMessage(new Properties.PropertiesChanged(path, "org.freedesktop.systemd1.Unit",
        Map.of("ActiveState", new Variant<>(activeState)), List.of()));
  }

  /** Makes {@code StartTransientUnit} fail with this D-Bus error (the exception's class name). */
  FakeSystemd failWith(Supplier<? extends DBusExecutionException> error) {
    this.error = error;
    return this;
  }

  List<StartCall> calls() {
    return List.copyOf(calls);
  }

  /** The calls that steer running units, each as {@code "Method arg arg …"}, in order. */
  List<String> steering() {
    return List.copyOf(steering);
  }

  /** How often the manager's Version was read. */
  int versionReads() {
    return versionReads.get();
  }

  /** How often the manager's ControlGroup was read. */
  int cgroupReads() {
    return cgroupReads.get();
  }

  /** How often Subscribe was called. */
  int subscribes() {
    return subscribes.get();
  }

  StartCall lastCall() {
    List<StartCall> all = calls();
    if (all.isEmpty()) {
      throw new AssertionError("StartTransientUnit was never called");
    }
    return all.get(all.size() - 1);
  }

  @Override
  public void close() throws IOException {
    later.shutdownNow();
    try {
      connection.close();
    } finally {
      daemon.close();
    }
  }

  private void sendJobRemoved(long id, DBusPath job, String unit, String result) {
    try {
      connection.sendMessage(
          new ManagerApi.JobRemoved(SystemdBus.MANAGER_PATH, new UInt32(id), job, unit, result));
    } catch (DBusException e) {
      throw new IllegalStateException("cannot send JobRemoved", e);
    }
  }

  /** The exported object: dbus-java calls these on its own threads. */
  private final class ManagerObject implements ManagerApi {
    @Override
    public DBusPath StartTransientUnit(
        String name, String mode, List<UnitProperty> properties, List<AuxUnit> aux) {
      calls.add(new StartCall(name, mode, properties, aux));
      Supplier<? extends DBusExecutionException> failure = error;
      if (failure != null) {
        throw failure.get();
      }
      String unitPath = unitPaths.get(name);
      if (unitPath != null) {
        try {
          connection.exportObject(unitPath, new ScopeObject(unitPath));
        } catch (DBusException e) {
          throw new IllegalStateException("cannot export " + unitPath, e);
        }
      }
      long id = jobIds.incrementAndGet();
      DBusPath job = new DBusPath(SystemdBus.MANAGER_PATH + "/job/" + id);
      String result = jobResult;
      switch (jobSignal) {
        case BEFORE_REPLY:
          // dbus-java queues this signal ahead of the method return sent after we return.
          sendJobRemoved(id, job, name, result);
          break;
        case AFTER_REPLY:
          later.schedule(() -> sendJobRemoved(id, job, name, result),
              AFTER_REPLY_DELAY_MS, TimeUnit.MILLISECONDS);
          break;
        case NEVER:
          break;
      }
      return job;
    }

    @Override
    public void FreezeUnit(String name) {
      steering.add("FreezeUnit " + name);
    }

    @Override
    public void ThawUnit(String name) {
      steering.add("ThawUnit " + name);
    }

    @Override
    public void KillUnit(String name, String whom, int signal) {
      steering.add("KillUnit " + name + " " + whom + " " + signal);
    }

    @Override
    public void ResetFailedUnit(String name) {
      steering.add("ResetFailedUnit " + name);
    }

    @Override
    public void ResetFailed() {
      steering.add("ResetFailed");
    }

    @Override
    public void AttachProcessesToUnit(String name, String subcgroup, List<UInt32> pids) {
      steering.add("AttachProcessesToUnit " + name + " '" + subcgroup + "' " + pids);
    }

    @Override
    public void Subscribe() {
      // systemd starts sending all unit signals to the caller; the fake sends job signals regardless.
      subscribes.incrementAndGet();
    }

    @Override
    public String getVersion() {
      versionReads.incrementAndGet();
      return version;
    }

    @Override
    public String getControlGroup() {
      cgroupReads.incrementAndGet();
      // No such directory: confine skips the delegation check, as on a remote bus.
      return "/confine-fake-manager";
    }

    @Override
    public String getObjectPath() {
      return SystemdBus.MANAGER_PATH;
    }
  }

  /** A started scope that has already ended; its cgroup does not exist, as on a remote bus. */
  private final class ScopeObject implements ScopeApi, UnitApi {
    private final String path;

    ScopeObject(String path) {
      this.path = path;
    }

    @Override
    public String getControlGroup() {
      return "/confine-fake.scope";
    }

    @Override
    public String getResult() {
      return scopeResult;
    }

    @Override
    public String getActiveState() {
      return activeState;
    }

    @Override
    public byte[] getInvocationID() {
      return new byte[16];
    }

    @Override
    public void Ref() {
      steering.add("Ref " + path);
    }

    @Override
    public void Unref() {
      steering.add("Unref " + path);
    }

    @Override
    public String getObjectPath() {
      return path;
    }
  }

  /** The part of a scope's interface the fake implements. */
  @DBusInterfaceName("org.freedesktop.systemd1.Scope")
  public interface ScopeApi extends DBusInterface {
    @DBusBoundProperty(name = "ControlGroup")
    String getControlGroup();

    @DBusBoundProperty(name = "Result")
    String getResult();
  }

  /** The part of a unit's interface the fake implements. */
  @DBusInterfaceName("org.freedesktop.systemd1.Unit")
  public interface UnitApi extends DBusInterface {
    void Ref();

    void Unref();

    @DBusBoundProperty(name = "ActiveState")
    String getActiveState();

    @DBusBoundProperty(name = "InvocationID")
    byte[] getInvocationID();
  }

  /** The part of systemd's manager interface the fake implements. */
  @DBusInterfaceName("org.freedesktop.systemd1.Manager")
  public interface ManagerApi extends DBusInterface {
    DBusPath StartTransientUnit(
        String name, String mode, List<UnitProperty> properties, List<AuxUnit> aux);

    void Subscribe();

    void FreezeUnit(String name);

    void ThawUnit(String name);

    void KillUnit(String name, String whom, int signal);

    void ResetFailedUnit(String name);

    void ResetFailed();

    void AttachProcessesToUnit(String name, String subcgroup, List<UInt32> pids);

    @DBusBoundProperty(name = "Version")
    String getVersion();

    @DBusBoundProperty(name = "ControlGroup")
    String getControlGroup();

    /** JobRemoved(u id, o job, s unit, s result). */
    class JobRemoved extends DBusSignal {
      public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result)
          throws DBusException {
        super(path, id, job, unit, result);
      }
    }
  }

  /** The properties of polkit's authority that tell which backend reads the rules. */
  @DBusInterfaceName("org.freedesktop.PolicyKit1.Authority")
  public interface PolkitAuthority extends DBusInterface {
    @DBusBoundProperty(name = "BackendName")
    String getBackendName();

    @DBusBoundProperty(name = "BackendVersion")
    String getBackendVersion();

    @DBusBoundProperty(name = "BackendFeatures")
    UInt32 getBackendFeatures();
  }

  /** One {@code (sv)} property of a transient unit. */
  public static final class UnitProperty extends Struct {
    @Position(0)
    public final String name;

    @Position(1)
    public final Variant<?> value;

    public UnitProperty(String name, Variant<?> value) {
      this.name = name;
      this.value = value;
    }
  }

  /** One {@code (sa(sv))} auxiliary unit; confine sends none. */
  public static final class AuxUnit extends Struct {
    @Position(0)
    public final String name;

    @Position(1)
    public final List<UnitProperty> properties;

    public AuxUnit(String name, List<UnitProperty> properties) {
      this.name = name;
      this.properties = properties;
    }
  }
}
