package dev.confine;

import dev.confine.PropertyTable.Assignment;
import dev.confine.bus.Descriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.FileDescriptor;
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
 * <p>Units are pinned to this connection ({@code AddRef=true}) from their start until this
 * connection has seen them end ({@link #awaitExit}, {@link ScopedProcess#exit()}, {@link #stop}) or
 * is closed, so a unit that ends while confine watches it can still be inspected; after that
 * systemd collects it as it collects any unit.
 *
 * <p>Thread-safe: calls may come from any thread, and a start of a name another start has taken
 * fails with {@link UnitExistsException}. The settings ({@link #jobTimeout}, {@link
 * #allowUndelegated}) belong to the connection, so every thread sees a change. {@link #close}
 * ends the subscriptions and asynchronous calls still open, and leaves no thread behind.
 */
public final class Systemd implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Systemd.class);
  /** The first systemd that takes DelegateSubgroup=; confine emulates it on older ones. */
  private static final int SUBGROUP_SINCE = 254;

  private final SystemdBus bus;
  /**
   * The units this connection pinned, by AddRef=true at their start or by Ref: systemd keeps them
   * loaded until they are released (Unref) or the connection closes, so their object path is known
   * without asking (GetUnit) for it.
   */
  private final Set<String> pinned = ConcurrentHashMap.newKeySet();
  // Settings: shared by every thread that uses this connection, for the calls made after a change.
  private volatile Duration jobTimeout = Duration.ofSeconds(90);
  private volatile boolean allowUndelegated;
  /** The watchUnits subscriptions still open, which close() ends. */
  private final Set<UnitWatch> subscriptions = ConcurrentHashMap.newKeySet();
  /** Runs the …Async calls; threads exist only while such calls run. */
  private final ExecutorService asyncCalls = Executors.newCachedThreadPool(daemonThreads("confine-async"));

  private Systemd(SystemdBus bus) {
    this.bus = bus;
    // A new connection holds none of the old one's pins (Ref): take them again.
    bus.afterReconnect(() -> pinned.forEach(name -> pin(name, UnitNames.objectPath(name))));
  }

  /** Connects to a manager at its usual bus address. */
  public static Systemd connect(Manager manager) {
    return connect(manager, SystemdBus.defaultAddress(manager));
  }

  /** Connects to a manager at a given D-Bus address, e.g. {@code unix:path=/run/user/1000/bus}. */
  public static Systemd connect(Manager manager, String busAddress) {
    return new Systemd(SystemdBus.open(manager, busAddress));
  }

  /**
   * Asks systemd-machined, on this machine's system bus, for a new pseudo-terminal inside the
   * container {@code machine}, as {@code systemd-run -M NAME --pty} does: a service started in the
   * container gets its other end. Needs root, or a polkit grant of machined's open-pty action.
   * The caller closes it.
   */
  public static MachinePty openMachinePty(String machine) {
    SystemdBus system = SystemdBus.open(Manager.SYSTEM, SystemdBus.defaultAddress(Manager.SYSTEM));
    try {
      Object[] reply = system.callForDescriptors(ErrorTranslator.MACHINED, "/org/freedesktop/machine1",
          "org.freedesktop.machine1.Manager", "OpenMachinePTY", "s", machine);
      int master = ((FileDescriptor) reply[0]).getIntFileDescriptor();
      return new MachinePty(Descriptors.of(master), (String) reply[1], system);
    } catch (IOException e) {
      system.close();
      throw new SystemdException("systemd-machined's terminal for " + machine + " is unusable: "
          + e.getMessage(), null, e);
    } catch (RuntimeException e) {
      system.close();
      throw e;
    }
  }

  public Manager manager() {
    return bus.manager();
  }

  /** How long to wait for a start job (default 90 s, systemd's default start timeout). */
  public Systemd jobTimeout(Duration timeout) {
    this.jobTimeout = timeout;
    return this;
  }

  /** The manager's version string, e.g. {@code 257.9-1~deb13u1}; read once per connection. */
  public String version() {
    return bus.version();
  }

  /** The manager's major version, e.g. 257; read once per connection. */
  public int majorVersion() {
    return bus.majorVersion();
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
    if (!Enforcement.needsControllers(spec) || !bus.isLocal()) {
      return List.of();
    }
    Path dir = managerCgroup();
    Optional<Set<String>> available = new CgroupFiles(dir).controllers();
    if (available.isEmpty()) {
      LOG.debug("cannot read {}/cgroup.controllers; skipping the delegation check", dir);
      return List.of();
    }
    return Enforcement.preflight(spec, available.get(), Enforcement.holder(dir), manager());
  }

  /** The manager's own cgroup: its cgroup.controllers are what it can give its units. */
  Path managerCgroup() {
    return CgroupFiles.directory(bus.managerCgroup());
  }

  /** The connection itself, for the doctor and the setup. */
  SystemdBus bus() {
    return bus;
  }

  /**
   * Reads a started unit back: each value of {@code spec} as systemd stored it, and each resource
   * setting from the unit's cgroup files ({@code memory.max}, {@code cpu.max}, {@code pids.max},
   * {@code io.max}, {@code cpuset.cpus} …). Returns what differs; empty when all is in effect.
   * The cgroup files are skipped when the unit has no cgroup any more or it is not visible here.
   * Makes no call when nothing can differ: a spec that sets only a Description.
   */
  public List<NotEnforced> verify(String unit, UnitSpec spec) {
    if (!Enforcement.needsReadBack(spec)) {
      return List.of();
    }
    Map<String, Object> stored = bus.properties(unitPath(unit), spec.type().dbusInterface());
    // Behind a bridge the unit's cgroup files are another machine's: check what systemd stored.
    String cgroup = bus.isLocal() ? String.valueOf(stored.getOrDefault("ControlGroup", "")) : "";
    return Enforcement.verify(spec, stored, cgroup.isEmpty() ? null : CgroupFiles.directory(cgroup),
        Enforcement.hasStartupVariant(spec) && managerStartingOrStopping());
  }

  /** Whether the manager is starting up or shutting down, when Startup… settings apply. */
  private boolean managerStartingOrStopping() {
    String state = String.valueOf(bus.property(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "SystemState"));
    return Set.of("initializing", "starting", "stopping").contains(state);
  }

  /**
   * Starts a transient service and waits until its start job is done; with {@code Type=exec}
   * (the default) that is when the command has been executed.
   *
   * @return the unit's name
   */
  public String start(ServiceSpec spec) {
    return startUnit(spec, serviceProperties(spec), true);
  }

  /**
   * Asks systemd to start a transient service and returns once the start job is queued, without
   * waiting for it to run ({@code systemd-run --no-block}): a failure to start shows only in the
   * unit's state and the journal.
   *
   * @return the unit's name
   */
  public String startQueued(ServiceSpec spec) {
    return startUnit(spec, serviceProperties(spec), false);
  }

  /**
   * Starts a timer, path or socket unit that starts {@code service} when it fires, as {@code systemd-run
   * --on-active=…} does: systemd creates the service along with the trigger, but only the trigger
   * starts now. The two share a name: {@code x.timer} starts {@code x.service}, from the name of
   * either spec or else {@code confine-<hex>}. A timer is unloaded once it has fired for the last
   * time ({@code RemainAfterElapse=no}) unless the spec says otherwise.
   *
   * @return the trigger unit's name
   */
  public String startTrigger(TriggerSpec trigger, ServiceSpec service) {
    String base = trigger.name().or(service::name).orElseGet(() -> UnitNames.generate(UnitType.SERVICE));
    base = base.substring(0, base.lastIndexOf('.'));
    checkStartable(service);
    List<Object[]> auxiliary = List.<Object[]>of(
        new Object[] {service.name().orElse(base + UnitType.SERVICE.suffix()), serviceProperties(service)});
    return startUnit(trigger, trigger.name().orElse(base + trigger.type().suffix()), triggerProperties(trigger),
        auxiliary, true);
  }

  /**
   * Starts a timer, path or socket unit for a service that already exists: the one of the
   * trigger's own name ({@code x.timer} starts {@code x.service}).
   *
   * @return the trigger unit's name
   */
  public String startTrigger(TriggerSpec trigger) {
    return startUnit(trigger, triggerProperties(trigger), true);
  }

  private List<Object[]> triggerProperties(TriggerSpec trigger) {
    List<Object[]> properties = new ArrayList<>();
    if (trigger.type() == UnitType.TIMER && !trigger.properties().containsKey("RemainAfterElapse")) {
      properties.add(property("RemainAfterElapse", new Variant<>(false)));
    }
    properties.addAll(commonProperties(trigger));
    return properties;
  }

  private List<Object[]> serviceProperties(ServiceSpec spec) {
    List<Object[]> properties = commonProperties(spec);
    if (!spec.properties().containsKey("Type")) {
      properties.add(property("Type", new Variant<>("exec")));
    }
    Optional<String> subgroup = delegateSubgroup(spec).filter(name -> emulatesDelegateSubgroup());
    List<String> command = subgroup.isPresent()
        ? enteringSubgroup(subgroup.get(), spec.command(), spec.expandEnvironment()) : spec.command();
    properties.add(execStart(command, spec));
    spec.standardInput().ifPresent(fd -> properties.add(descriptor("StandardInputFileDescriptor", fd)));
    spec.standardOutput().ifPresent(fd -> properties.add(descriptor("StandardOutputFileDescriptor", fd)));
    spec.standardError().ifPresent(fd -> properties.add(descriptor("StandardErrorFileDescriptor", fd)));
    if (!spec.environment().isEmpty()) {
      List<String> environment = new ArrayList<>();
      spec.environment().forEach((name, value) -> environment.add(name + "=" + value));
      properties.add(property("Environment", new Variant<>(environment, "as")));
    }
    return properties;
  }

  /** A property whose value is an open descriptor ({@code h}), passed along with the call. */
  private static Object[] descriptor(String name, java.io.FileDescriptor descriptor) {
    try {
      return property(name, new Variant<>(new FileDescriptor(Descriptors.number(descriptor)), "h"));
    } catch (IOException e) {
      throw new InvalidPropertyException("cannot pass the descriptor for " + name + ": " + e.getMessage());
    }
  }

  /**
   * {@code ExecStart}, or {@code ExecStartEx} (systemd 243) when only its flags can say what the
   * spec asks: systemd-run sends the same.
   */
  private static Object[] execStart(List<String> command, ServiceSpec spec) {
    Set<ExecCommand.Flag> flags = EnumSet.noneOf(ExecCommand.Flag.class);
    if (spec.ignoreFailure()) {
      flags.add(ExecCommand.Flag.IGNORE_FAILURE);
    }
    if (!spec.expandEnvironment()) {
      flags.add(ExecCommand.Flag.NO_ENV_EXPAND);
    }
    Assignment execStart = new ExecCommand(command.get(0), command, flags).assignment("ExecStart");
    return property(execStart.name(), WireValues.variant(execStart.value(), execStart.signature()));
  }

  /** The spec's {@code DelegateSubgroup=}: the last one given, as systemd takes it. */
  private static Optional<String> delegateSubgroup(UnitSpec spec) {
    return spec.assignmentsOf("DelegateSubgroup").stream().map(a -> String.valueOf(a.value()))
        .reduce((first, last) -> last);
  }

  /**
   * Whether confine places the processes in a {@code DelegateSubgroup=} itself, because this
   * systemd (before 254) does not take the property.
   */
  private boolean emulatesDelegateSubgroup() {
    int version = majorVersion();
    return version > 0 && version < SUBGROUP_SINCE;
  }

  /**
   * The command behind a small shell that first moves itself into the subgroup of its own cgroup:
   * the service's processes then start there, as with DelegateSubgroup=.
   */
  private static List<String> enteringSubgroup(String subgroup, List<String> command, boolean expanded) {
    String script = "while IFS= read -r line; do case $line in 0::*) own=${line#0::};; esac; done"
        + " < /proc/self/cgroup; d=/sys/fs/cgroup$own/$1; shift;"
        + " mkdir -p \"$d\" && echo $$ > \"$d/cgroup.procs\" && exec \"$@\"";
    // systemd expands ${VAR} and $$ in ExecStart= words: $$ keeps each $ for the shell.
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
        expanded ? script.replace("$", "$$") : script, "confine-delegate-subgroup", subgroup));
    wrapped.addAll(command);
    return wrapped;
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
    String unit = startUnit(spec, properties, true);
    requireConditionsMet(unit, spec);
    enterDelegateSubgroup(unit, spec, pids);
    return unit;
  }

  /**
   * A scope whose Condition…= failed is never started, though its start job ends "done", so its
   * processes stay where they were. systemd-run runs its command there anyway; confine refuses.
   */
  private void requireConditionsMet(String unit, ScopeSpec spec) {
    boolean conditional = spec.assignments().stream().anyMatch(a -> a.name().equals("Conditions"));
    if (conditional && Boolean.FALSE.equals(bus.property(unitPath(unit), SystemdBus.UNIT, "ConditionResult"))) {
      throw new SystemdException(unit + " was not started: a condition failed (systemctl"
          + manager().systemctlFlag() + " status " + unit + " names it). Its processes were not moved"
          + " into it, so nothing runs confined.");
    }
  }

  /**
   * Moves a scope's processes into its {@code DelegateSubgroup=}, as systemd does for a service's
   * processes; systemd (up to 257 at least) leaves a scope's processes in the scope's own cgroup,
   * and before 254 does not know the property at all.
   */
  private void enterDelegateSubgroup(String unit, ScopeSpec spec, long... pids) {
    Optional<String> subgroup = delegateSubgroup(spec);
    if (subgroup.isEmpty()) {
      return;
    }
    String cgroup = String.valueOf(bus.property(unitPath(unit), UnitType.SCOPE.dbusInterface(), "ControlGroup"));
    try {
      Cgroup.of(cgroup).createChild(subgroup.get()).moveProcesses(pids);
    } catch (CgroupException e) {
      throw new SystemdException("started " + unit + " but could not move its processes into its"
          + " DelegateSubgroup: " + e.getMessage() + ". Stop it with: systemctl" + manager().systemctlFlag()
          + " stop " + unit);
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
      String unit = startScope(spec, process.pid());
      String path = unitPath(unit);
      ScopedProcess started = new ScopedProcess(unit, process, OomWatch.start(cgroupOf(path, UnitType.SCOPE)),
          () -> bus.properties(path, ""), () -> release(unit));
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
   * Waits until a service or scope is inactive or failed, and tells how it ended, with an
   * explanation when the OOM killer, a runtime limit or a signal ended it. The unit is pinned to
   * this connection while it waits, so that it is still there to ask when it has ended.
   */
  public UnitExit awaitExit(String unit) throws InterruptedException {
    return awaitExit(unit, null);
  }

  /**
   * Like {@link #awaitExit(String)}, for at most {@code timeout}: then throws {@link
   * SystemdTimeoutException}, and the unit runs on.
   */
  public UnitExit awaitExit(String unit, Duration timeout) throws InterruptedException {
    Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
    String name = unitName(unit);
    String path = unitPath(name);
    UnitType type = UnitType.ofName(name);
    if (!pinned.contains(name)) {
      pin(name, path); // the units this connection created are pinned since their start (AddRef)
    }
    try {
      return awaitExit(name, path, type, deadline);
    } finally {
      release(name);
    }
  }

  private UnitExit awaitExit(String name, String path, UnitType type, Instant deadline)
      throws InterruptedException {
    long oomKills;
    // A permit per change signal, so a change between reading the state and waiting is not lost.
    Semaphore changes = new Semaphore(0);
    // Its first reads too may meet systemd going away: a reexec just after the start.
    Object invocation = outlasting("while " + name + " ran", name,
        () -> bus.property(path, SystemdBus.UNIT, "InvocationID"), () -> {});
    try (Subscription listener = surviving(name, path, invocation,
            () -> bus.onPropertiesChanged(path, changes::release));
        OomWatch oomWatch = OomWatch.start(surviving(name, path, invocation, () -> cgroupOf(path, type)))) {
      while (true) {
        String state = surviving(name, path, invocation,
            () -> String.valueOf(bus.property(path, SystemdBus.UNIT, "ActiveState")));
        if (state.equals("inactive") || state.equals("failed")) {
          break;
        }
        if (deadline != null && Instant.now().isAfter(deadline)) {
          throw new SystemdTimeoutException(name + " did not end within the time given (it is " + state
              + ")", null, null);
        }
        // The signal wakes us; the timeout only bounds the damage of a lost signal.
        changes.tryAcquire(1, TimeUnit.SECONDS);
        changes.drainPermits();
      }
      oomKills = oomWatch.kills();
    }
    Map<String, Object> properties = surviving(name, path, invocation, () -> bus.properties(path, ""));
    String result = String.valueOf(properties.get("Result"));
    String code = type == UnitType.SERVICE
        ? exitCodeName(((Number) properties.getOrDefault("ExecMainCode", 0)).intValue()) : "none";
    int status = ((Number) properties.getOrDefault("ExecMainStatus", 0)).intValue();
    return new UnitExit(name, result, code, status, ExitExplanation.of(result, code, status, properties, oomKills));
  }

  /**
   * Reads what {@code read} reads about the unit {@code name}, through systemd or the bus going
   * away meanwhile; once systemd is back, the unit must still be the same run ({@code invocation}):
   * one collected in the gap would otherwise read as a clean exit.
   */
  private <T> T surviving(String name, String path, Object invocation, Supplier<T> read) {
    return outlasting("while " + name + " ran", name, read, () -> {
      Object now = bus.property(path, SystemdBus.UNIT, "InvocationID");
      if (!String.valueOf(bus.property(path, SystemdBus.UNIT, "LoadState")).equals("loaded")
          || !Arrays.equals(WireValues.bytes(invocation), WireValues.bytes(now))) {
        throw new NoSuchUnitException(name + " ended and was collected, or started anew, while the "
            + manager().description() + " was away, so how the run ended is lost. With --no-collect"
            + " (CollectMode=inactive), a unit stays until it is read.", null, null);
      }
    });
  }

  /**
   * Makes a call that is safe to repeat, waiting through systemd or the bus going away (a
   * daemon-reexec, a restart of dbus-daemon) for up to {@link SystemdBus#RECONNECT_WINDOW}, as
   * systemd-run waits: on the same connection, or on a new one. {@code onReturn} runs once
   * systemd answers again; {@code unit}, if any, is named in the message when it never does.
   */
  private <T> T outlasting(String when, String unit, Supplier<T> call, Runnable onReturn) {
    SystemdBus.Backoff away = null; // set once systemd or the bus went away
    while (true) {
      try {
        if (away != null) {
          bus.reconnect();
          onReturn.run();
        }
        return call.get();
      } catch (SystemdException e) {
        if (!bus.wentAway(e)) {
          throw e;
        }
        if (away == null) {
          away = new SystemdBus.Backoff();
          LOG.debug("the {} went away {}; waiting for it", manager().description(), when, e);
        } else if (away.expired()) {
          throw new BusUnreachableException("the " + manager().description() + " went away " + when
              + " and did not come back within " + SystemdBus.RECONNECT_WINDOW.toSeconds() + " s ("
              + e.getMessage() + ")" + (unit == null ? "" : "; " + unit + " may still be running: systemctl"
              + manager().systemctlFlag() + " status " + unit), e.dbusErrorName(), e);
        }
        pause(away);
      }
    }
  }

  private static void pause(SystemdBus.Backoff backoff) {
    try {
      backoff.pause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SystemdException("interrupted while waiting for systemd to come back", null, e);
    }
  }

  /**
   * Keeps a unit loaded while this connection is open (Unit.Ref), so that a unit collected when it
   * ends can still tell how it ended. Best effort: without it, such a unit may be gone too soon.
   */
  private void pin(String name, String path) {
    try {
      bus.call(path, SystemdBus.UNIT, "Ref", "");
      pinned.add(name);
    } catch (SystemdException e) {
      LOG.debug("cannot pin {}; its result may be gone when it ends", path, e);
    }
  }

  /**
   * Undoes the pin of a unit whose end this connection has seen, so that systemd may collect it:
   * a long-lived connection would otherwise keep every unit it started loaded until it closes.
   */
  private void release(String name) {
    if (pinned.remove(name)) {
      bus.send(UnitNames.objectPath(name), SystemdBus.UNIT, "Unref");
    }
  }

  /** The cgroup of a unit as it is now. */
  private CgroupFiles cgroupOf(String path, UnitType type) {
    return CgroupFiles.ofUnit(String.valueOf(bus.property(path, type.dbusInterface(), "ControlGroup")));
  }

  /**
   * The transient scopes and services of this manager, not only confine's: those that are active,
   * failed or changing state, and with {@code all} the inactive ones that are still loaded. Waits
   * through a restart of systemd or of the bus, for up to two minutes.
   */
  public List<UnitSummary> list(boolean all) {
    return outlasting("while listing units", null, () -> listOnce(all), () -> {});
  }

  private List<UnitSummary> listOnce(boolean all) {
    Object[] reply = bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "ListUnitsByPatterns", "asas",
        List.of(), List.of("*.scope", "*.service"));
    List<UnitSummary> units = new ArrayList<>();
    for (Object entry : WireValues.elements(reply[0])) {
      // (name, description, load state, active state, sub state, following, path, job id, job type, job path)
      List<?> fields = WireValues.fields(entry);
      String activeState = String.valueOf(fields.get(3));
      boolean hasJob = ((Number) fields.get(7)).longValue() != 0;
      if (!all && activeState.equals("inactive") && !hasJob) {
        continue;
      }
      // One small Get first: most services of a system manager are not transient, and their
      // properties (all of the exec settings) are not worth fetching each round of top.
      String path = String.valueOf(fields.get(6));
      if (!isTransient(path)) {
        continue;
      }
      try {
        units.add(Observation.summary(String.valueOf(fields.get(0)), bus.properties(path, "")));
      } catch (NoSuchUnitException | InvalidArgumentException goneMeanwhile) {
        LOG.debug("{} went away while listing", fields.get(0), goneMeanwhile);
      }
    }
    units.sort(Comparator.comparing(UnitSummary::unit));
    return units;
  }

  /**
   * A unit's state, limits (as systemd holds them and as the kernel does), use, pressure,
   * delegation and processes. The cgroup files are read when the cgroup is visible from here.
   */
  public UnitStatus status(String unit) {
    String name = unitName(unit);
    Map<String, Object> properties = bus.properties(unitPath(name), "");
    return Observation.status(name, properties,
        CgroupFiles.ofUnit(String.valueOf(properties.getOrDefault("ControlGroup", ""))));
  }

  /** Freezes every process of a unit (cgroup freezer); returns once they are frozen. */
  public void freeze(String unit) {
    bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "FreezeUnit", "s", unitName(unit));
  }

  /** Thaws a frozen unit. */
  public void thaw(String unit) {
    bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "ThawUnit", "s", unitName(unit));
  }

  /**
   * The unit's invocation ID (32 hex digits, as journalctl's {@code _SYSTEMD_INVOCATION_ID=}
   * takes it), which systemd gives each run of a unit; empty while the unit has never started.
   */
  public Optional<String> invocationId(String unit) {
    byte[] bytes = WireValues.bytes(bus.property(unitPath(unitName(unit)), SystemdBus.UNIT, "InvocationID"));
    if (Arrays.equals(bytes, new byte[bytes.length])) {
      return Optional.empty();
    }
    return Optional.of(HexFormat.of().formatHex(bytes));
  }

  /** The unit's FreezerState: {@code running}, {@code frozen}, {@code freezing}, {@code thawing}. */
  public String freezerState(String unit) {
    return String.valueOf(bus.property(unitPath(unitName(unit)), SystemdBus.UNIT, "FreezerState"));
  }

  /**
   * Sends a signal to processes of a unit, as {@code systemctl kill}.
   *
   * @param signal a name ({@code TERM}, {@code SIGKILL}) or number
   */
  public void kill(String unit, KillWhom whom, String signal) {
    int number = signalNumber(signal);
    bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "KillUnit", "ssi", unitName(unit), whom.wireName(), number);
  }

  /** Clears the failed state of a unit, so that a collected unit goes away. */
  public void resetFailed(String unit) {
    bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "ResetFailedUnit", "s", unitName(unit));
  }

  /** Clears the failed state of every unit of this manager. */
  public void resetFailed() {
    bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "ResetFailed", "");
  }

  /**
   * Moves running processes into a unit's cgroup. systemd allows this only into an active unit
   * with {@code Delegate=yes}, and, unless the caller is root or the manager's own user, only for
   * processes of the unit's user.
   */
  public void attach(String unit, long... pids) {
    if (pids.length == 0) {
      throw new InvalidPropertyException("attach needs at least one process ID");
    }
    List<UInt32> pidList = new ArrayList<>();
    for (long pid : pids) {
      pidList.add(new UInt32(pid));
    }
    bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "AttachProcessesToUnit", "ssau", unitName(unit), "",
        pidList);
  }

  /**
   * Blocks while this connection lasts, for a program that only listens ({@link #watchUnits}): it
   * outlasts a restart of systemd or of the bus by connecting again. Returns when the connection is
   * closed, and throws {@link BusUnreachableException} when confine gives up getting a lost bus
   * back (after two minutes).
   */
  public void awaitClose() throws InterruptedException {
    BusUnreachableException loss;
    try {
      loss = bus.end().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    if (loss != null) {
      throw new BusUnreachableException(loss.getMessage(), null, loss);
    }
  }

  /**
   * Calls {@code consumer} with every property change of a transient unit of this manager, in
   * order, on a thread of its own, until the subscription is closed.
   */
  public Subscription watchUnits(Consumer<UnitEvent> consumer) {
    return watchUnits(Set.of(), consumer);
  }

  /**
   * Like {@link #watchUnits(Consumer)}, for the named units only (full names), transient or not;
   * an empty set means every transient unit. Naming the units spares a lookup per changing unit,
   * which matters on a busy manager.
   */
  public Subscription watchUnits(Set<String> units, Consumer<UnitEvent> consumer) {
    bus.subscribe();
    UnitWatch watch = new UnitWatch(units, consumer);
    subscriptions.add(watch);
    return watch;
  }

  /** One watchUnits subscription: its signal handler, and its thread that calls the consumer in order. */
  private final class UnitWatch implements Subscription {
    private final ExecutorService inOrder = Executors.newSingleThreadExecutor(daemonThreads("confine-events"));
    /**
     * Whether a unit (by object path) is reported: asked once per unit while it runs, known at
     * once for the units this connection starts, forgotten when it ends (a long watch would
     * otherwise hold one entry per unit it ever saw).
     */
    private final Map<String, Boolean> wanted = new ConcurrentHashMap<>();
    private final Subscription signals;

    UnitWatch(Set<String> units, Consumer<UnitEvent> consumer) {
      signals = bus.onPropertiesChangedBelow(UnitNames.UNITS_PATH, (path, iface, changed) -> {
        Instant time = Instant.now();
        String unit = UnitNames.fromObjectPath(path);
        if (!units.isEmpty() && !units.contains(unit)) {
          return;
        }
        try {
          inOrder.execute(() -> {
            if (units.isEmpty() && !reported(path)) {
              return;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            changed.forEach((name, value) -> values.put(name, WireValues.plain(value)));
            if (ENDED.contains(String.valueOf(values.get("ActiveState")))) {
              wanted.remove(path);
            }
            consumer.accept(new UnitEvent(time, unit, iface.substring(iface.lastIndexOf('.') + 1), values));
          });
        } catch (RejectedExecutionException closed) {
          // A signal already on its way when the subscription was closed: nobody wants it.
        }
      });
    }

    /**
     * A unit this connection starts is transient: no need to ask when its first change comes. Undone
     * ({@code starts} false) when the start is refused: the name may be another, non-transient unit's.
     */
    void starting(String unit, boolean starts) {
      if (starts) {
        wanted.put(UnitNames.objectPath(unit), true);
      } else {
        wanted.remove(UnitNames.objectPath(unit));
      }
    }

    private boolean reported(String path) {
      Boolean known = wanted.get(path);
      if (known != null) {
        return known;
      }
      try {
        boolean transientUnit = isTransient(path);
        wanted.put(path, transientUnit);
        return transientUnit;
      } catch (SystemdException gone) {
        // Collected so soon that systemd could not even answer for a stub: a short-lived
        // transient unit. Reported, and asked again next time.
        LOG.debug("{} went away before it could be asked about", path, gone);
        return true;
      }
    }

    @Override
    public void close() {
      subscriptions.remove(this);
      signals.close();
      inOrder.shutdownNow();
    }
  }

  private static final Set<String> ENDED = Set.of("inactive", "failed");

  /**
   * Whether watchUnits reports a unit: a transient one, or one collected before it could be asked
   * (systemd then answers for a stub that is not loaded), as a short-lived transient unit is.
   */
  private boolean isTransient(String path) {
    return Boolean.TRUE.equals(bus.property(path, SystemdBus.UNIT, "Transient"))
        || !"loaded".equals(String.valueOf(bus.property(path, SystemdBus.UNIT, "LoadState")));
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

  /**
   * The object path of a loaded unit. A unit this connection created is loaded for sure; any other
   * is asked for, because systemd answers on the path of a unit that is not loaded too (it loads
   * one on demand) where GetUnit says NoSuchUnit.
   */
  private String unitPath(String unit) {
    if (pinned.contains(unit)) {
      return UnitNames.objectPath(unit);
    }
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
      if (assignment.name().equals("DelegateSubgroup") && emulatesDelegateSubgroup()) {
        continue;
      }
      properties.add(property(assignment.name(),
          WireValues.variant(assignment.value(), assignment.signature())));
    }
    return properties;
  }

  private String startUnit(UnitSpec spec, List<Object[]> properties, boolean awaitJob) {
    return startUnit(spec, spec.name().orElseGet(() -> UnitNames.generate(spec.type())), properties,
        List.of(), awaitJob);
  }

  /**
   * Starts the unit {@code name} of {@code spec}, along with auxiliary units (name and
   * properties) that systemd creates with it but does not start.
   */
  private String startUnit(UnitSpec spec, String name, List<Object[]> properties, List<Object[]> auxiliary,
      boolean awaitJob) {
    checkStartable(spec);
    bus.listenForJobs();
    // Before the call: the unit's first changes may come before its answer.
    subscriptions.forEach(watch -> watch.starting(name, true));
    DBusPath job;
    try {
      job = (DBusPath) bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER,
          "StartTransientUnit", "ssa(sv)a(sa(sv))", name, "fail", properties, auxiliary)[0];
    } catch (RuntimeException e) {
      subscriptions.forEach(watch -> watch.starting(name, false));
      throw e;
    }
    pinned.add(name);
    if (!awaitJob) {
      return name;
    }
    String result = bus.awaitJob(job, jobTimeout.toMillis());
    LOG.debug("start job {} of {}: {}", job.getPath(), name, result);
    if (!result.equals("done") && !result.equals("skipped")) {
      throw new JobFailedException(name, result, jobFailure(name, result, spec.type()));
    }
    return name;
  }

  /**
   * Refuses, before sending anything, properties newer than this manager, and limits on
   * controllers it lacks (unless {@link #allowUndelegated}).
   */
  private void checkStartable(UnitSpec spec) {
    requireSupported(spec);
    if (!allowUndelegated) {
      List<NotEnforced> findings = preflight(spec);
      if (!findings.isEmpty()) {
        throw new ControllerNotDelegatedException(findings);
      }
    }
  }

  /** Refuses, before sending anything, properties newer than this manager. */
  private void requireSupported(UnitSpec spec) {
    spec.properties().keySet().stream().filter(name -> !name.equals("DelegateSubgroup"))
        .forEach(name -> requireSupported(name, spec.type(), spec.assignmentsOf(name), "started"));
  }

  private void requireSupported(String name, UnitType type, List<Assignment> wire, String nothingWas) {
    int since = PropertyTable.require(name, type).since(type, wire);
    if (since <= 1) {
      return; // every systemd has it: no need to ask for the version
    }
    int version = majorVersion();
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
    checkUnitName(name);
    if (UnitType.ofName(name) != null) {
      return name;
    }
    List<String> loaded = new ArrayList<>();
    for (UnitType type : List.of(UnitType.SERVICE, UnitType.SCOPE)) {
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
      namesAndValues.add(checkChange(assignment));
    }
    String name = unitName(unit);
    UnitType type = UnitType.ofName(name);
    List<Object[]> properties = new ArrayList<>();
    for (String[] nameAndValue : namesAndValues) {
      List<Assignment> change = PropertyTable.parseAssignment(nameAndValue[0], nameAndValue[1], type);
      requireSupported(nameAndValue[0], type, change, "changed");
      for (Assignment wire : change) {
        properties.add(property(wire.name(), WireValues.variant(wire.value(), wire.signature())));
      }
    }
    bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "SetUnitProperties", "sba(sv)",
        name, true, properties);
  }

  /**
   * Checks, without asking systemd, a unit name as {@link #unitName} and the methods that take
   * one accept it: with its type suffix or without.
   *
   * @throws InvalidPropertyException when systemd would refuse the name
   */
  public static void checkUnitName(String name) {
    UnitNames.check(name);
  }

  /**
   * Checks, without asking systemd, {@code NAME=VALUE} as {@link #set} accepts it: a known
   * property that can change on a running unit, with a value that parses for a unit type that
   * takes it.
   *
   * @return the name and the value
   * @throws InvalidPropertyException when {@link #set} would refuse it
   */
  public static String[] checkChange(String assignment) {
    String[] nameAndValue = UnitSpec.split(assignment);
    PropertyTable.Property property = PropertyTable.require(nameAndValue[0]);
    if (property.creationOnly()) {
      throw new InvalidPropertyException(nameAndValue[0] + " can only be set when a unit is"
          + " created, not changed on a running one; start a new unit with -p " + assignment);
    }
    property.parse(nameAndValue[1]);
    return nameAndValue;
  }

  /**
   * A signal as {@link #kill} takes it: a name with or without {@code SIG} ({@code TERM},
   * {@code SIGKILL}) or a number from 1 to 64.
   *
   * @throws InvalidPropertyException for anything else
   */
  public static int signalNumber(String signal) {
    return Values.signal("signal", signal);
  }

  /** Stops a unit and waits until it has stopped. */
  public void stop(String unit) {
    String name = unitName(unit);
    bus.listenForJobs();
    DBusPath job = (DBusPath) bus.call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "StopUnit", "ss",
        name, "replace")[0];
    String result = bus.awaitJob(job, jobTimeout.toMillis());
    release(name);
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
    } else if (type == UnitType.SCOPE && "resources".equals(scopeResult(unit))) {
      // systemd could not move the processes in: "Failed to add PIDs to scope's control group".
      message.append("; systemd could not move the process into the scope (result: resources). The")
          .append(" process sits in a cgroup the ").append(bus.manager().description()).append(" may not")
          .append(" take it out of, as when it was started with runuser or su from a system service, or")
          .append(" when a user manager lost the system bus (a restart of dbus-daemon): start it from a")
          .append(" login session, or run it as a service (without --scope)");
    }
    return message.append(". See: journalctl").append(bus.manager().systemctlFlag())
        .append(" -u ").append(unit).toString();
  }

  /** A failed scope's Result, or null when systemd no longer knows it. */
  private String scopeResult(String unit) {
    try {
      return String.valueOf(bus.property(unitPath(unit), UnitType.SCOPE.dbusInterface(), "Result"));
    } catch (SystemdException e) {
      LOG.debug("no result for failed scope {}", unit, e);
      return null;
    }
  }

  private static Object[] property(String name, Variant<?> value) {
    return new Object[] {name, value};
  }

  // Asynchronous variants: each runs its blocking twin on a thread of this connection.

  /** {@link #list(boolean)}, asynchronously. */
  public CompletableFuture<List<UnitSummary>> listAsync(boolean all) {
    return async(() -> list(all));
  }

  /** {@link #status(String)}, asynchronously. */
  public CompletableFuture<UnitStatus> statusAsync(String unit) {
    return async(() -> status(unit));
  }

  /** {@link #set(String, List)}, asynchronously. */
  public CompletableFuture<Void> setAsync(String unit, List<String> assignments) {
    return async(() -> set(unit, assignments));
  }

  /** {@link #stop(String)}, asynchronously: completes once the unit has stopped. */
  public CompletableFuture<Void> stopAsync(String unit) {
    return async(() -> stop(unit));
  }

  /** {@link #freeze(String)}, asynchronously. */
  public CompletableFuture<Void> freezeAsync(String unit) {
    return async(() -> freeze(unit));
  }

  /** {@link #thaw(String)}, asynchronously. */
  public CompletableFuture<Void> thawAsync(String unit) {
    return async(() -> thaw(unit));
  }

  /** {@link #kill(String, KillWhom, String)}, asynchronously. */
  public CompletableFuture<Void> killAsync(String unit, KillWhom whom, String signal) {
    return async(() -> kill(unit, whom, signal));
  }

  /** {@link #resetFailed(String)}, asynchronously. */
  public CompletableFuture<Void> resetFailedAsync(String unit) {
    return async(() -> resetFailed(unit));
  }

  /** {@link #attach(String, long...)}, asynchronously. */
  public CompletableFuture<Void> attachAsync(String unit, long... pids) {
    return async(() -> attach(unit, pids));
  }

  /** {@link #awaitExit(String)}, asynchronously: completes when the unit has ended. */
  public CompletableFuture<UnitExit> awaitExitAsync(String unit) {
    return async(() -> awaitExit(unit));
  }

  /** {@link #awaitExit(String, Duration)}; cancelling the future stops the wait. */
  public CompletableFuture<UnitExit> awaitExitAsync(String unit, Duration timeout) {
    return async(() -> awaitExit(unit, timeout));
  }

  private interface Call<T> {
    T call() throws InterruptedException;
  }

  private interface Action {
    void run() throws InterruptedException;
  }

  private <T> CompletableFuture<T> async(Call<T> call) {
    CompletableFuture<T> future = new CompletableFuture<>();
    Future<?> task = asyncCalls.submit(() -> {
      try {
        future.complete(call.call());
      } catch (Exception | Error e) {
        future.completeExceptionally(e);
      }
    });
    // A CompletableFuture's cancel() does not reach the work behind it: interrupt the work here.
    future.whenComplete((value, failure) -> {
      if (future.isCancelled()) {
        task.cancel(true);
      }
    });
    return future;
  }

  private CompletableFuture<Void> async(Action action) {
    return async(() -> {
      action.run();
      return (Void) null;
    });
  }

  private static ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    subscriptions.forEach(Subscription::close);
    asyncCalls.shutdownNow();
    bus.close();
  }
}
