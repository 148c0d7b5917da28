package dev.confine;

import dev.confine.bus.DescriptorTransport;
import dev.confine.bus.Descriptors;
import dev.confine.bus.ExecBridge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.connections.transports.TransportBuilder.SaslAuthMode;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.constants.Flags;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus boundary: one private connection to a systemd manager, raw method calls whose D-Bus
 * errors are translated here and nowhere else, and the race-free wait for jobs.
 *
 * <p>Calls go through the low-level message API rather than dbus-java proxies because dbus-java
 * turns error names it has no class for into a generic exception, and systemd's errors are among
 * those.
 */
final class SystemdBus implements AutoCloseable {
  static final String DESTINATION = "org.freedesktop.systemd1";
  static final String MANAGER_PATH = "/org/freedesktop/systemd1";
  static final String MANAGER = "org.freedesktop.systemd1.Manager";
  static final String UNIT = "org.freedesktop.systemd1.Unit";
  private static final String PROPERTIES = "org.freedesktop.DBus.Properties";
  /** The system bus where $DBUS_SYSTEM_BUS_ADDRESS does not say otherwise. */
  static final String SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket";

  /** systemd's own D-Bus method timeout. */
  private static final long CALL_TIMEOUT_MS = 25_000;

  private static final Logger LOG = LoggerFactory.getLogger(SystemdBus.class);
  private static final Pattern VERSION = Pattern.compile("\\D*(\\d+)");

  /** Errors that mean systemd or the bus went away for a while, not that systemd said no. */
  private static final Set<String> GONE_ERRORS = Set.of(
      "org.freedesktop.DBus.Error.NoReply", // "recipient disconnected … without replying": a reexec
      "org.freedesktop.DBus.Error.ServiceUnknown", // systemd has not taken its name back yet
      "org.freedesktop.DBus.Error.NameHasNoOwner",
      "org.freedesktop.DBus.Error.Disconnected",
      "org.freedesktop.dbus.exceptions.DBusExecutionException"); // dbus-java's "Failed to Send"

  /** Replaced by {@link #reconnect} when the bus goes away (dbus-daemon restarted). */
  private volatile DBusConnection connection;
  private final String address;
  /** The program behind a unixexec: address (ssh, systemd-run -M); null for a socket. */
  private ExecBridge bridge;
  /** How long confine keeps trying to get a lost bus or a restarting systemd back. */
  static final Duration RECONNECT_WINDOW = Duration.ofMinutes(2);

  private final IDisconnectCallback lossWatch = new IDisconnectCallback() {
    @Override
    public void disconnectOnError(IOException cause) {
      connectionLost(cause);
    }
  };
  private final List<Runnable> reconnectHooks = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  /** Completed when this bus ends: with null when closed, with why when a lost bus never came back. */
  private final CompletableFuture<BusUnreachableException> end = new CompletableFuture<>();
  /** The thread that connects again after a loss, while it runs. */
  private Thread reconnecting;
  /** The PropertiesChanged handlers in force, to register again on a new connection. */
  private final List<PropertyWatch> propertyWatches = new CopyOnWriteArrayList<>();
  /** A second connection for calls that pass file descriptors; opened by the first such call. */
  private DBusConnection descriptorConnection;
  /** The bridge program on a socket behind {@link #descriptorConnection}, for a bridged bus. */
  private ExecBridge descriptorBridge;
  private final Manager manager;
  private final JobWaiter jobs = new JobWaiter();
  private boolean listeningForJobs;
  private boolean subscribed;
  /** Manager properties that do not change while it runs (Version, ControlGroup), once read. */
  private final Map<String, String> managerConstants = new ConcurrentHashMap<>();
  /** {@link #majorVersion()}, or -1 until it is first asked for. */
  private volatile int majorVersion = -1;

  private SystemdBus(String address, ExecBridge bridge, Manager manager) {
    this.address = address;
    this.bridge = bridge;
    this.manager = manager;
  }

  private static SystemdBus connected(String address, ExecBridge bridge, Manager manager) {
    SystemdBus bus = new SystemdBus(address, bridge, manager);
    bus.connection = connect(manager, address, bridge, false, bus.lossWatch);
    return bus;
  }

  static SystemdBus open(Manager manager, String address) {
    if (ExecBridge.handles(address)) {
      return openBridged(manager, address);
    }
    // dbus-java retries a missing socket for seconds before it gives up; say it at once.
    Path socket = BusDiagnosis.socketPath(address);
    if (socket != null && !Files.exists(socket)) {
      throw new BusUnreachableException(
          "no " + manager.description() + " bus at " + socket + BusDiagnosis.hint(manager), null, null);
    }
    return connected(address, null, manager);
  }

  /** A bus behind a program's stdio: another machine's (ssh) or a container's. */
  private static SystemdBus openBridged(Manager manager, String address) {
    ExecBridge bridge = startBridge(address);
    try {
      return connected(address, bridge, manager);
    } catch (RuntimeException e) {
      closeQuietly(bridge);
      throw e;
    }
  }

  private static ExecBridge startBridge(String address) {
    try {
      return ExecBridge.start(address);
    } catch (IOException | IllegalArgumentException e) {
      throw new BusUnreachableException(
          "cannot start the bus bridge " + address + ": " + e.getMessage(), null, e);
    }
  }

  /**
   * Whether a failed call means that systemd or the bus went away for a while (a daemon-reexec, a
   * restart of dbus-daemon) rather than that systemd refused: the call is worth making again, after
   * {@link #reconnect}.
   */
  boolean wentAway(SystemdException e) {
    String name = e.dbusErrorName();
    // dbus-java answers a call the broken connection lost with an error named after its own
    // exception: java.io.EOFException, java.net.SocketException ("Connection reset"); a send on it
    // fails ("Broken pipe") before dbus-java has noticed, while it still counts as connected.
    return !closed && (!connection.isConnected() || e instanceof BusUnreachableException
        || (name != null && (GONE_ERRORS.contains(name) || name.startsWith("java."))));
  }

  /**
   * Opens a new connection if the old one was lost, as when dbus-daemon restarts, with the job
   * listener, Subscribe and the property handlers of the old one; true if it did. Units the old one
   * pinned are not pinned by the new one. Throws {@link BusUnreachableException} while the bus is
   * still away.
   */
  synchronized boolean reconnect() {
    if (closed) {
      throw new SystemdException("the connection to the " + manager.description() + " was closed", null, null);
    }
    if (connection.isConnected()) {
      return false;
    }
    LOG.debug("the connection to the {} was lost; connecting again", manager.description());
    closeDescriptorConnection(); // the next call that passes descriptors opens a new one
    closeQuietly(connection);
    if (bridge != null) {
      closeQuietly(bridge);
      bridge = startBridge(address);
    }
    try {
      connection = connect(manager, address, bridge, false, lossWatch);
    } catch (RuntimeException e) {
      if (bridge != null) {
        closeQuietly(bridge);
      }
      throw e;
    }
    try {
      if (listeningForJobs) {
        listenForJobs(connection);
      }
      if (subscribed) {
        call(MANAGER_PATH, MANAGER, "Subscribe", "");
      }
      for (PropertyWatch watch : propertyWatches) {
        watch.register(connection);
      }
      reconnectHooks.forEach(Runnable::run);
    } catch (RuntimeException e) {
      // systemd not back on the new bus yet (ServiceUnknown): all of it again on the next try, not
      // a connection that looks whole without its subscription or watches.
      closeQuietly(connection);
      throw e;
    }
    return true;
  }

  /** Completes when this bus is closed (null) or lost for good (why). */
  CompletableFuture<BusUnreachableException> end() {
    return end;
  }

  /** Runs {@code hook} each time {@link #reconnect} has opened a new connection. */
  void afterReconnect(Runnable hook) {
    reconnectHooks.add(hook);
  }

  /**
   * The connection broke (dbus-daemon went away): connect again in the background, so that signal
   * listeners (watchUnits) hear again without a call of their own failing first.
   */
  private void connectionLost(IOException cause) {
    synchronized (this) {
      if (closed || reconnecting != null) {
        return;
      }
      reconnecting = new Thread(this::reconnectInBackground, "confine-reconnect");
      reconnecting.setDaemon(true);
      reconnecting.start();
    }
    LOG.debug("lost the connection to the {}", manager.description(), cause);
  }

  private void reconnectInBackground() {
    Backoff backoff = new Backoff();
    try {
      while (!closed && !backoff.expired()) {
        backoff.pause();
        try {
          reconnect();
          return;
        } catch (SystemdException e) { // not back yet, or closed meanwhile
          LOG.debug("the {} bus is not back yet", manager.description(), e);
        }
      }
      end.complete(new BusUnreachableException("lost the connection to the " + manager.description()
          + " and could not connect again within " + RECONNECT_WINDOW.toSeconds() + " s", null, null));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      synchronized (this) {
        reconnecting = null;
      }
    }
  }

  /**
   * The pauses between tries at getting systemd or the bus back: 250 ms, doubling up to 5 s, for
   * {@link #RECONNECT_WINDOW} from the first.
   */
  static final class Backoff {
    private final Instant deadline = Instant.now().plus(RECONNECT_WINDOW);
    private long pauseMs = 250;

    boolean expired() {
      return Instant.now().isAfter(deadline);
    }

    void pause() throws InterruptedException {
      Thread.sleep(pauseMs);
      pauseMs = Math.min(pauseMs * 2, 5_000);
    }
  }

  /** A connection to {@code address}, through {@code bridge} when one serves it. */
  private static DBusConnection connect(Manager manager, String address, ExecBridge bridge,
      boolean passingDescriptors, IDisconnectCallback onLoss) {
    String socket = bridge != null ? bridge.address() : address;
    String target = passingDescriptors ? DescriptorTransport.addressFor(socket) : socket;
    try {
      DBusConnectionBuilder builder = DBusConnectionBuilder.forAddress(target).withShared(false);
      if (onLoss != null) {
        builder.withDisconnectCallback(onLoss);
      }
      if (bridge != null) {
        // The bridge's program (systemd-stdio-bridge) cannot tell who is on its pipes; and it
        // serves one connection, so dbus-java's retries (every 500 ms for 10 s) would be in vain.
        builder.transportConfig().withTimeout(500)
            .configureSasl().withAuthMode(SaslAuthMode.AUTH_ANONYMOUS);
      }
      return builder.build();
    } catch (DBusException | RuntimeException e) {
      if (bridge != null) {
        throw new BusUnreachableException("cannot connect to the " + manager.description() + ": "
            + bridge.failure(), null, e);
      }
      throw new BusUnreachableException(
          "cannot connect to the " + manager.description() + " bus at " + address + ": "
              + e.getMessage() + BusDiagnosis.hint(manager),
          null, e);
    }
  }

  /**
   * Whether the manager runs on this machine, in this machine's cgroup tree: false behind a bridge,
   * where its cgroup files are another machine's.
   */
  boolean isLocal() {
    return bridge == null;
  }

  /**
   * The connection that passes file descriptors, through junixsocket: the JDK's unix sockets
   * cannot. It hears its own jobs' JobRemoved as the first connection does.
   */
  private synchronized DBusConnection descriptorConnection() {
    if (descriptorConnection != null && !descriptorConnection.isConnected()) {
      closeDescriptorConnection(); // lost with the bus: open a new one
    }
    if (descriptorConnection == null) {
      if (!Descriptors.available()) {
        throw new UnsupportedOperationException("passing file descriptors to systemd needs junixsocket:"
            + " add com.github.hypfvieh:dbus-java-transport-junixsocket to the class path");
      }
      ExecBridge socketBridge = bridge == null ? null : descriptorBridge();
      try {
        descriptorConnection = connect(manager, address, socketBridge, true, null);
      } catch (RuntimeException e) {
        if (socketBridge != null) {
          closeQuietly(socketBridge);
        }
        throw e;
      }
      descriptorBridge = socketBridge;
      if (listeningForJobs) {
        listenForJobs(descriptorConnection);
      }
    }
    return descriptorConnection;
  }

  /** The bridge's program once more, on a socket that carries file descriptors. */
  private ExecBridge descriptorBridge() {
    if (!ExecBridge.passesDescriptors(address)) {
      throw new UnsupportedOperationException("file descriptors cannot be passed to a manager"
          + " reached through " + address + ": only a bus on this machine (a container's too)"
          + " takes them");
    }
    try {
      return ExecBridge.startOnSocket(address);
    } catch (IOException e) {
      throw new BusUnreachableException(
          "cannot start the bus bridge " + address + ": " + e.getMessage(), null, e);
    }
  }

  /** The bus address of a manager, resolved as sd-bus does. */
  static String defaultAddress(Manager manager) {
    if (manager == Manager.SYSTEM) {
      String system = System.getenv("DBUS_SYSTEM_BUS_ADDRESS");
      return system != null && !system.isBlank() ? system : SYSTEM_BUS;
    }
    String session = System.getenv("DBUS_SESSION_BUS_ADDRESS");
    if (session != null && !session.isBlank()) {
      return session;
    }
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    if (runtimeDir == null || runtimeDir.isBlank()) {
      throw new BusUnreachableException("cannot find the user bus" + BusDiagnosis.hint(Manager.USER), null, null);
    }
    return "unix:path=" + Path.of(runtimeDir, "bus");
  }

  Manager manager() {
    return manager;
  }

  /** Calls a method and returns the reply's values; D-Bus errors become {@link SystemdException}s. */
  Object[] call(String path, String iface, String member, String signature, Object... args) {
    return callOn(DESTINATION, path, iface, member, signature, args);
  }

  /**
   * Sends a method call that asks for no reply, and returns at once: for calls whose answer nobody
   * waits for (Unref before letting a unit go). Best effort; a failure is only logged.
   */
  void send(String path, String iface, String member) {
    try {
      connection.sendMessage(connection.getMessageFactory().createMethodCall(DESTINATION, path, iface,
          member, Flags.NO_REPLY_EXPECTED, ""));
    } catch (DBusException | DBusExecutionException e) {
      LOG.debug("sending {} to {} failed", member, path, e);
    }
  }

  /** Like {@link #call}, to another service on the same bus (polkit, for the doctor). */
  Object[] callOn(String destination, String path, String iface, String member, String signature,
      Object... args) {
    return callOn(false, destination, path, iface, member, signature, args);
  }

  /** Like {@link #callOn}, for a reply that carries file descriptors (machined's terminals). */
  Object[] callForDescriptors(String destination, String path, String iface, String member,
      String signature, Object... args) {
    return callOn(true, destination, path, iface, member, signature, args);
  }

  private Object[] callOn(boolean replyCarriesDescriptors, String destination, String path,
      String iface, String member, String signature, Object... args) {
    Message reply;
    try {
      DBusConnection via = replyCarriesDescriptors ? descriptorConnection() : connection;
      MethodCall call;
      if (DescriptorMethodCall.carriesDescriptors(args)) {
        via = descriptorConnection();
        call = new DescriptorMethodCall(via.getMessageFactory().getEndianess(), destination, path, iface,
            member, signature, args);
      } else {
        call = connection.getMessageFactory()
            .createMethodCall(destination, path, iface, member, (byte) 0, signature, args);
      }
      via.sendMessage(call);
      reply = call.getReply(CALL_TIMEOUT_MS);
    } catch (DBusException | DBusExecutionException e) {
      throw new BusUnreachableException(
          "the " + manager.description() + " bus failed during " + member + ": " + e.getMessage(),
          null, e);
    }
    if (reply == null) {
      throw new SystemdTimeoutException(ErrorTranslator.peer(destination) + " did not answer " + member
          + " within " + CALL_TIMEOUT_MS / 1000 + " s", null, null);
    }
    try {
      if (reply instanceof org.freedesktop.dbus.messages.Error error) {
        Object[] details = error.getParameters();
        String text = details != null && details.length > 0 ? String.valueOf(details[0]) : "";
        throw ErrorTranslator.translate(error.getName(), text, member, manager, destination,
            this::majorVersionIfKnown);
      }
      Object[] values = reply.getParameters();
      return values == null ? new Object[0] : values;
    } catch (DBusException e) {
      throw new SystemdException("cannot read the reply of " + ErrorTranslator.peer(destination) + " to "
          + member + ": " + e.getMessage(), null, e);
    }
  }

  /** The manager's version, e.g. {@code 257.9-1~deb13u1}; read once per connection. */
  String version() {
    return managerConstant("Version");
  }

  /**
   * The manager's own cgroup as its ControlGroup property gives it; read once per connection (a
   * manager keeps its cgroup for life, and a preflight before every start would pay a round trip).
   */
  String managerCgroup() {
    return managerConstant("ControlGroup");
  }

  /**
   * A manager property read once per connection. Not computeIfAbsent: a failed read asks for the
   * version to word its error, which would update the map from inside its own update.
   */
  private String managerConstant(String name) {
    String value = managerConstants.get(name);
    if (value == null) {
      value = String.valueOf(property(MANAGER_PATH, MANAGER, name));
      managerConstants.put(name, value);
    }
    return value;
  }

  /**
   * The manager's major version, e.g. 257 (0 if it has no number); parsed once, as every start that
   * sets a property newer than systemd 1 asks for it.
   */
  int majorVersion() {
    int major = majorVersion;
    if (major < 0) {
      Matcher m = VERSION.matcher(version());
      major = m.lookingAt() ? Integer.parseInt(m.group(1)) : 0;
      majorVersion = major;
    }
    return major;
  }

  /** For messages about a failed call: the version, or 0 when it cannot be read either. */
  private int majorVersionIfKnown() {
    try {
      return majorVersion();
    } catch (SystemdException e) {
      LOG.debug("cannot read the manager's version", e);
      return 0;
    }
  }

  Object property(String path, String iface, String name) {
    Object value = call(path, PROPERTIES, "Get", "ss", iface, name)[0];
    return value instanceof Variant<?> variant ? variant.getValue() : value;
  }

  Map<String, Object> properties(String path, String iface) {
    return propertiesOn(DESTINATION, path, iface);
  }

  Map<String, Object> propertiesOn(String destination, String path, String iface) {
    Object value = callOn(destination, path, PROPERTIES, "GetAll", "s", iface)[0];
    Map<String, Object> result = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> result.put(String.valueOf(k), v instanceof Variant<?> var ? var.getValue() : v));
    }
    return result;
  }

  /**
   * Listens for {@code JobRemoved}, before the first job is started. systemd sends a job's signals
   * to the client that queued it without a {@code Subscribe} (it tracks the job's sender), so
   * waiting for one's own jobs needs no call to systemd, only the match rule.
   */
  synchronized void listenForJobs() {
    if (listeningForJobs) {
      return;
    }
    listenForJobs(connection);
    if (descriptorConnection != null) {
      listenForJobs(descriptorConnection);
    }
    listeningForJobs = true;
  }

  private void listenForJobs(DBusConnection connection) {
    try {
      // Match on path, interface and member but not sender: dbus-java compares the sender
      // locally against the unique name, so a well-known sender would match nothing.
      connection.addGenericSigHandler(
          DBusMatchRuleBuilder.create()
              .withType("signal")
              .withInterface(MANAGER)
              .withMember("JobRemoved")
              .withPath(MANAGER_PATH)
              .build(),
          jobs);
    } catch (DBusException e) {
      throw new BusUnreachableException("cannot listen for systemd's job signals: " + e.getMessage(),
          null, e);
    }
  }

  /**
   * Makes sure systemd sends the change signals of all its units to this connection; without it
   * only those of the units this connection pinned (AddRef, Ref) arrive.
   */
  synchronized void subscribe() {
    if (subscribed) {
      return;
    }
    listenForJobs();
    call(MANAGER_PATH, MANAGER, "Subscribe", "");
    subscribed = true;
  }

  /** Waits for a job to finish and returns its result ({@code done}, {@code failed}, …). */
  String awaitJob(DBusPath job, long timeoutMs) {
    try {
      return jobs.await(job.getPath()).get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      jobs.forget(job.getPath());
      throw new SystemdTimeoutException(
          "job " + job.getPath() + " did not finish within " + timeoutMs + " ms", null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SystemdException("interrupted while waiting for job " + job.getPath(), null, e);
    } catch (ExecutionException e) {
      throw new SystemdException("waiting for job " + job.getPath() + " failed", null, e.getCause());
    }
  }

  /** What a PropertiesChanged signal said: the object, the interface, the new values. */
  interface ChangeHandler {
    void changed(String path, String iface, Map<String, Object> changed);
  }

  /** Runs {@code onChange} whenever a property of the object at {@code path} changes. */
  Subscription onPropertiesChanged(String path, Runnable onChange) {
    return onPropertiesChanged(propertiesChanged().withPath(path), (p, iface, changed) -> onChange.run());
  }

  /** Calls {@code handler} for every property change of the objects below {@code namespace}. */
  Subscription onPropertiesChangedBelow(String namespace, ChangeHandler handler) {
    return onPropertiesChanged(propertiesChanged().withPathNamespace(namespace), handler);
  }

  /**
   * A rule typed with dbus-java's own PropertiesChanged class: dbus-java turns these signals into
   * that class, and a generic (untyped) handler never sees them.
   */
  private static DBusMatchRuleBuilder propertiesChanged() {
    try {
      return DBusMatchRuleBuilder.create().withType(Properties.PropertiesChanged.class);
    } catch (DBusException e) {
      throw new IllegalStateException("dbus-java cannot describe its own PropertiesChanged signal", e);
    }
  }

  private Subscription onPropertiesChanged(DBusMatchRuleBuilder rule, ChangeHandler handler) {
    PropertyWatch watch = new PropertyWatch(rule.build(), signal -> {
      Map<String, Object> changed = new LinkedHashMap<>();
      signal.getPropertiesChanged().forEach((name, value) -> changed.put(name, value.getValue()));
      handler.changed(signal.getPath(), signal.getInterfaceName(), changed);
    });
    synchronized (this) {
      watch.register(connection);
      propertyWatches.add(watch);
    }
    return () -> {
      propertyWatches.remove(watch);
      watch.unregister();
    };
  }

  /** A PropertiesChanged handler and its registration on the current connection. */
  private static final class PropertyWatch {
    private final DBusMatchRule rule;
    private final DBusSigHandler<Properties.PropertiesChanged> handler;
    private volatile AutoCloseable registration;

    PropertyWatch(DBusMatchRule rule, DBusSigHandler<Properties.PropertiesChanged> handler) {
      this.rule = rule;
      this.handler = handler;
    }

    void register(DBusConnection connection) {
      try {
        registration = connection.addSigHandler(rule, handler);
      } catch (DBusException e) {
        throw new BusUnreachableException("cannot listen for property changes: " + e.getMessage(), null, e);
      }
    }

    void unregister() {
      try {
        registration.close();
      } catch (Exception e) {
        LOG.debug("removing a PropertiesChanged handler failed", e);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    end.complete(null);
    if (reconnecting != null) {
      reconnecting.interrupt();
    }
    closeDescriptorConnection();
    closeQuietly(connection);
    if (bridge != null) {
      closeQuietly(bridge);
    }
  }

  private synchronized void closeDescriptorConnection() {
    if (descriptorConnection != null) {
      closeQuietly(descriptorConnection);
      descriptorConnection = null;
    }
    if (descriptorBridge != null) {
      closeQuietly(descriptorBridge);
      descriptorBridge = null;
    }
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      LOG.debug("closing a bus connection failed", e);
    }
  }

  /**
   * Collects {@code JobRemoved} results by job path. The signal can be handled before the caller
   * has read the job path from the {@code StartTransientUnit} reply (dbus-java dispatches signals
   * on their own thread), so results nobody waits for yet are kept for a later {@link #await}.
   */
  static final class JobWaiter implements org.freedesktop.dbus.interfaces.DBusSigHandler<DBusSignal> {
    /** JobRemoved is broadcast to subscribers: keep only the most recent unclaimed results. */
    private static final int MAX_EARLY = 1024;

    private final Map<String, CompletableFuture<String>> pending = new HashMap<>();
    private final Map<String, String> early =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_EARLY;
          }
        };

    @Override
    public void handle(DBusSignal signal) {
      Object[] args;
      try {
        args = signal.getParameters();
      } catch (DBusException e) {
        LOG.warn("unreadable JobRemoved signal: {}", e.getMessage());
        return;
      }
      // JobRemoved(u id, o job, s unit, s result)
      String job = args[1] instanceof DBusPath path ? path.getPath() : String.valueOf(args[1]);
      String result = String.valueOf(args[3]);
      CompletableFuture<String> waiting;
      synchronized (this) {
        waiting = pending.remove(job);
        if (waiting == null) {
          early.put(job, result);
          return;
        }
      }
      waiting.complete(result);
    }

    /** Stops waiting for a job, so that its entry does not linger after a timeout. */
    synchronized void forget(String job) {
      pending.remove(job);
    }

    synchronized CompletableFuture<String> await(String job) {
      String result = early.remove(job);
      if (result != null) {
        return CompletableFuture.completedFuture(result);
      }
      return pending.computeIfAbsent(job, k -> new CompletableFuture<>());
    }
  }
}
