package dev.confine;

import dev.confine.PropertyTable.Assignment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a systemd manager that starts transient scopes and services.
 *
 * <pre>{@code
 * try (Systemd systemd = Systemd.connect(Manager.USER)) {
 *   ScopeSpec spec = ScopeSpec.builder().property("MemoryMax", "512M").build();
 *   ScopedProcess job = systemd.launch(spec, new ProcessBuilder("make", "-j4").inheritIO());
 *   int status = job.waitFor();
 * }
 * }</pre>
 *
 * <p>Units are pinned to this connection ({@code AddRef=true}) until it is closed, so a unit that
 * ends while confine watches it can still be inspected. Not thread-safe for concurrent starts of
 * the same unit name; otherwise calls may come from any thread.
 */
public final class Systemd implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Systemd.class);
  private static final Pattern VERSION = Pattern.compile("\\D*(\\d+)");

  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

  private final SystemdBus bus;
  private Duration jobTimeout = Duration.ofSeconds(90);
  private boolean allowUndelegated;
  private volatile int majorVersion;

  private Systemd(SystemdBus bus) {
    this.bus = bus;
  }

  /** Connects to a manager at its usual bus address. */
  public static Systemd connect(Manager manager) {
    return connect(manager, SystemdBus.defaultAddress(manager));
  }

  /** Connects to a manager at a given D-Bus address, e.g. {@code unix:path=/run/user/1000/bus}. */
  public static Systemd connect(Manager manager, String busAddress) {
    return new Systemd(SystemdBus.open(manager, busAddress));
  }

  public Manager manager() {
    return bus.manager();
  }

  /** How long to wait for a start job (default 90 s, systemd's default start timeout). */
  public Systemd jobTimeout(Duration timeout) {
    this.jobTimeout = timeout;
    return this;
  }

  /** The manager's version string, e.g. {@code 257.9-1~deb13u1}. */
  public String version() {
    return String.valueOf(bus.property(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "Version"));
  }

  /** The manager's major version, e.g. 257; read once per connection. */
  public int majorVersion() {
    if (majorVersion == 0) {
      Matcher m = VERSION.matcher(version());
      majorVersion = m.lookingAt() ? Integer.parseInt(m.group(1)) : 0;
    }
    return majorVersion;
  }

  /**
   * Whether to start units whose limits need a cgroup controller the manager does not have
   * (default false: such a start fails with {@link ControllerNotDelegatedException}, because
   * systemd would accept the limit and silently enforce nothing).
   */
  public Systemd allowUndelegated(boolean allow) {
    this.allowUndelegated = allow;
    return this;
  }

  /**
   * The settings of {@code spec} that this manager cannot enforce because their cgroup controller
   * is not delegated to it; e.g. {@code IOWeight} under a user manager without {@code io}. Empty
   * when the manager's cgroup cannot be read from here (a remote bus, cgroup v1).
   */
  public List<NotEnforced> preflight(UnitSpec spec) {
    // Most starts (a Description, a KillMode …) need no controller: then no lookup at all.
    if (!Enforcement.needsControllers(spec)) {
      return List.of();
    }
    String cgroup = String.valueOf(bus.property(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "ControlGroup"));
    Path dir = cgroupDirectory(cgroup);
    Path controllers = dir.resolve("cgroup.controllers");
    if (!Files.isReadable(controllers)) {
      LOG.debug("cannot read {}; skipping the delegation check", controllers);
      return List.of();
    }
    try {
      Set<String> available = Set.of(Files.readString(controllers).trim().split("\\s+"));
      String holder = dir.equals(CGROUP_ROOT) ? "the system manager" : dir.getFileName().toString();
      return Enforcement.preflight(spec, available, holder, manager());
    } catch (IOException e) {
      LOG.debug("cannot read {}; skipping the delegation check", controllers, e);
      return List.of();
    }
  }

  /**
   * Reads a started unit back: each value of {@code spec} as systemd stored it, and each resource
   * setting from the unit's cgroup files ({@code memory.max}, {@code cpu.max}, {@code pids.max},
   * {@code io.max}, {@code cpuset.cpus} …). Returns what differs; empty when all is in effect.
   * The cgroup files are skipped when the unit has no cgroup any more or it is not visible here.
   */
  public List<NotEnforced> verify(String unit, UnitSpec spec) {
    Map<String, Object> stored = bus.properties(unitPath(unit), spec.type().dbusInterface());
    String cgroup = String.valueOf(stored.getOrDefault("ControlGroup", ""));
    String state = String.valueOf(bus.property(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "SystemState"));
    return Enforcement.verify(spec, stored, cgroup.isEmpty() ? null : cgroupDirectory(cgroup),
        Set.of("initializing", "starting", "stopping").contains(state));
  }

  private static Path cgroupDirectory(String cgroup) {
    return cgroup.isEmpty() || cgroup.equals("/") ? CGROUP_ROOT : CGROUP_ROOT.resolve(cgroup.substring(1));
  }

  /**
   * Starts a transient service and waits until its start job is done; with {@code Type=exec}
   * (the default) that is when the command has been executed.
   *
   * @return the unit's name
   */
  public String start(ServiceSpec spec) {
    List<Object[]> properties = commonProperties(spec);
    if (!spec.properties().containsKey("Type")) {
      properties.add(property("Type", new Variant<>("exec")));
    }
    List<String> command = spec.command();
    properties.add(property("ExecStart",
        new Variant<>(List.<Object[]>of(new Object[] {command.get(0), command, false}), "a(sasb)")));
    if (!spec.environment().isEmpty()) {
      List<String> environment = new ArrayList<>();
      spec.environment().forEach((name, value) -> environment.add(name + "=" + value));
      properties.add(property("Environment", new Variant<>(environment, "as")));
    }
    return startUnit(spec, properties);
  }

  /**
   * Puts running processes into a new scope and waits until they are there. The processes must
   * outlive the start: systemd refuses a scope whose processes are all gone.
   *
   * @return the scope's name
   */
  public String startScope(ScopeSpec spec, long... pids) {
    if (pids.length == 0) {
      throw new InvalidPropertyException("a scope needs at least one process");
    }
    List<Object[]> properties = commonProperties(spec);
    List<UInt32> pidList = new ArrayList<>();
    for (long pid : pids) {
      pidList.add(new UInt32(pid));
    }
    properties.add(property("PIDs", new Variant<>(pidList, "au")));
    String unit = startUnit(spec, properties);
    enterDelegateSubgroup(unit, spec, pids);
    return unit;
  }

  /**
   * Moves a scope's processes into its {@code DelegateSubgroup=}, as systemd does for a service's
   * processes; systemd (up to 257 at least) leaves a scope's processes in the scope's own cgroup.
   */
  private void enterDelegateSubgroup(String unit, ScopeSpec spec, long... pids) {
    List<Assignment> subgroup = spec.assignmentsOf("DelegateSubgroup");
    if (subgroup.isEmpty()) {
      return;
    }
    String cgroup = String.valueOf(bus.property(unitPath(unit), UnitType.SCOPE.dbusInterface(), "ControlGroup"));
    Path dir = cgroupDirectory(cgroup).resolve(String.valueOf(subgroup.get(0).value()));
    try {
      Files.createDirectories(dir);
      for (long pid : pids) {
        Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
      }
    } catch (IOException e) {
      throw new SystemdException("started " + unit + " but could not move its processes into "
          + dir + " (DelegateSubgroup): " + e.getMessage()
          + ". Stop it with: systemctl" + manager().systemctlFlag() + " stop " + unit);
    }
  }

  /**
   * Starts {@code payload} inside a new scope: the process is created paused, moved into the
   * scope, and only then executes the payload's command. The payload keeps what the
   * builder gives it (stdio, environment, directory). If the scope cannot be created, the paused
   * process is killed and the error thrown.
   */
  public ScopedProcess launch(ScopeSpec spec, ProcessBuilder payload) throws IOException {
    return launch(spec, payload, started -> {});
  }

  /**
   * Like {@link #launch(ScopeSpec, ProcessBuilder)}, and runs {@code beforeStart} once the process
   * is in its scope, just before it executes the payload's command: the place to announce the
   * unit or to start forwarding signals, so that nothing the payload does comes first.
   */
  public ScopedProcess launch(ScopeSpec spec, ProcessBuilder payload, Consumer<ScopedProcess> beforeStart)
      throws IOException {
    List<String> command = new ArrayList<>(payload.command());
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new InvalidPropertyException("a command to run is required");
    }
    Executables.resolve(command.get(0));
    ScopeGate gate = ScopeGate.create();
    Process process;
    try {
      process = startConfiguredAs(payload, gate.wrap(command));
    } catch (IOException | RuntimeException e) {
      gate.close();
      throw e;
    }
    try {
      ScopedProcess started = new ScopedProcess(startScope(spec, process.pid()), process);
      beforeStart.accept(started);
      gate.open();
      process.onExit().thenRun(gate::close);
      return started;
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      gate.close();
      throw e;
    }
  }

  /** Starts {@code command} with the payload's directory, stdio and environment. */
  private static Process startConfiguredAs(ProcessBuilder payload, List<String> command)
      throws IOException {
    ProcessBuilder gated = new ProcessBuilder(command)
        .directory(payload.directory())
        .redirectInput(payload.redirectInput())
        .redirectOutput(payload.redirectOutput())
        .redirectError(payload.redirectError())
        .redirectErrorStream(payload.redirectErrorStream());
    Map<String, String> environment = gated.environment();
    environment.clear();
    environment.putAll(payload.environment());
    return gated.start();
  }

  /**
   * Waits until a service started by this connection is inactive or failed, and tells how it
   * ended. Works for collected units too, as long as this connection is open.
   */
  public ServiceExit awaitExit(String unit) throws InterruptedException {
    String path = unitPath(unit);
    // A permit per change signal, so a change between reading the state and waiting is not lost.
    Semaphore changes = new Semaphore(0);
    try (SystemdBus.Listener listener = bus.onPropertiesChanged(path, changes::release)) {
      while (true) {
        String state = String.valueOf(bus.property(path, SystemdBus.UNIT, "ActiveState"));
        if (state.equals("inactive") || state.equals("failed")) {
          break;
        }
        // The signal wakes us; the timeout only bounds the damage of a lost signal.
        changes.tryAcquire(1, TimeUnit.SECONDS);
        changes.drainPermits();
      }
    }
    Map<String, Object> service = bus.properties(path, UnitType.SERVICE.dbusInterface());
    int code = ((Number) service.getOrDefault("ExecMainCode", 0)).intValue();
    int status = ((Number) service.getOrDefault("ExecMainStatus", 0)).intValue();
    return new ServiceExit(unit, String.valueOf(service.get("Result")), exitCodeName(code), status);
  }

  /** All properties of a unit on one of its interfaces, as systemd reports them. */
  Map<String, Object> unitProperties(String unit, String iface) {
    return bus.properties(unitPath(unit), iface);
  }

  private static String exitCodeName(int code) {
    switch (code) {
      case 1: return "exited";
      case 2: return "killed";
      case 3: return "dumped";
      default: return "unknown";
    }
  }

  private String unitPath(String unit) {
    return ((DBusPath) bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "GetUnit", "s", unit)[0])
        .getPath();
  }

  private List<Object[]> commonProperties(UnitSpec spec) {
    List<Object[]> properties = new ArrayList<>();
    // Pin the unit to this connection, as systemd-run does, so it stays inspectable while we
    // watch it and its change signals reach us.
    properties.add(property("AddRef", new Variant<>(true)));
    if (spec.collect()) {
      properties.add(property("CollectMode", new Variant<>("inactive-or-failed")));
    }
    for (Assignment assignment : spec.assignments()) {
      properties.add(property(assignment.name(),
          WireValues.variant(assignment.value(), assignment.signature())));
    }
    return properties;
  }

  private String startUnit(UnitSpec spec, List<Object[]> properties) {
    requireSupported(spec);
    if (!allowUndelegated) {
      List<NotEnforced> findings = preflight(spec);
      if (!findings.isEmpty()) {
        throw new ControllerNotDelegatedException(findings);
      }
    }
    String name = spec.name().orElseGet(() -> UnitNames.generate(spec.type()));
    bus.subscribe();
    DBusPath job = (DBusPath) bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER,
        "StartTransientUnit", "ssa(sv)a(sa(sv))", name, "fail", properties, List.of())[0];
    String result = bus.awaitJob(job, jobTimeout.toMillis());
    LOG.debug("start job {} of {}: {}", job.getPath(), name, result);
    if (!result.equals("done") && !result.equals("skipped")) {
      throw new JobFailedException(name, result, jobFailure(name, result, spec.type()));
    }
    return name;
  }

  /** Refuses, before sending anything, properties newer than this manager. */
  private void requireSupported(UnitSpec spec) {
    spec.properties().keySet().forEach(name -> requireSupported(name, spec.type(), "started"));
  }

  private void requireSupported(String name, UnitType type, String nothingWas) {
    int version = majorVersion();
    int since = PropertyTable.require(name).since(type);
    if (version > 0 && version < since) {
      throw new UnsupportedPropertyException(name + " needs systemd " + since + " or later"
          + (type == UnitType.SCOPE ? " for scopes" : "") + "; the " + manager().description()
          + " runs systemd " + version + ". Nothing was " + nothingWas + ".");
    }
  }

  /**
   * The full name of a scope or service: {@code name} itself when it has a type suffix, else
   * {@code name.service} or {@code name.scope}, whichever is loaded.
   *
   * @throws NoSuchUnitException when neither is loaded
   * @throws InvalidPropertyException when both are
   */
  public String unitName(String name) {
    if (UnitType.ofName(name) != null) {
      return name;
    }
    List<String> loaded = new ArrayList<>();
    for (UnitType type : UnitType.values()) {
      try {
        unitPath(name + type.suffix());
        loaded.add(name + type.suffix());
      } catch (NoSuchUnitException notThisOne) {
        // try the other type
      }
    }
    if (loaded.isEmpty()) {
      throw new NoSuchUnitException("no unit " + name + ".service or " + name + ".scope is loaded in the "
          + manager().description() + " (systemctl" + manager().systemctlFlag() + " list-units)", null, null);
    }
    if (loaded.size() > 1) {
      throw new InvalidPropertyException("'" + name + "' is ambiguous: both " + String.join(" and ", loaded)
          + " are loaded; give the full name");
    }
    return loaded.get(0);
  }

  /**
   * Changes properties of a running scope or service until it stops, as {@code systemctl
   * set-property --runtime} does; each is {@code NAME=VALUE} as {@code -p} takes it. Properties
   * that only take effect at creation ({@code Delegate}, {@code Slice} …) are refused.
   */
  public void set(String unit, List<String> assignments) {
    // What needs no bus is checked first, so a bad assignment is reported before any lookup.
    List<String[]> namesAndValues = new ArrayList<>();
    for (String assignment : assignments) {
      String[] nameAndValue = UnitSpec.split(assignment);
      if (PropertyTable.require(nameAndValue[0]).creationOnly()) {
        throw new InvalidPropertyException(nameAndValue[0] + " can only be set when a unit is"
            + " created, not changed on a running one; start a new unit with -p " + assignment);
      }
      namesAndValues.add(nameAndValue);
    }
    String name = unitName(unit);
    UnitType type = UnitType.ofName(name);
    List<Object[]> properties = new ArrayList<>();
    for (String[] nameAndValue : namesAndValues) {
      requireSupported(nameAndValue[0], type, "changed");
      for (Assignment wire : PropertyTable.parseAssignment(nameAndValue[0], nameAndValue[1], type)) {
        properties.add(property(wire.name(), WireValues.variant(wire.value(), wire.signature())));
      }
    }
    bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "SetUnitProperties", "sba(sv)",
        name, true, properties);
  }

  /** Stops a unit and waits until it has stopped. */
  public void stop(String unit) {
    String name = unitName(unit);
    bus.subscribe();
    DBusPath job = (DBusPath) bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "StopUnit", "ss",
        name, "replace")[0];
    String result = bus.awaitJob(job, jobTimeout.toMillis());
    if (!result.equals("done")) {
      throw new JobFailedException(name, result, "stopping " + name + " failed (job result: " + result
          + "). See: journalctl" + manager().systemctlFlag() + " -u " + name);
    }
  }

  private String jobFailure(String unit, String result, UnitType type) {
    StringBuilder message = new StringBuilder("starting " + unit + " failed (job result: " + result + ")");
    if (type == UnitType.SERVICE) {
      try {
        Map<String, Object> service = bus.properties(unitPath(unit), UnitType.SERVICE.dbusInterface());
        message.append("; the service ended with result ").append(service.get("Result"))
            .append(", status ").append(service.get("ExecMainStatus"));
      } catch (SystemdException e) {
        LOG.debug("no details for failed unit {}", unit, e);
      }
    }
    return message.append(". See: journalctl").append(bus.manager().systemctlFlag())
        .append(" -u ").append(unit).toString();
  }

  private static Object[] property(String name, Variant<?> value) {
    return new Object[] {name, value};
  }

  @Override
  public void close() {
    bus.close();
  }
}
