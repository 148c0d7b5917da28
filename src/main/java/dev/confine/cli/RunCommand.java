package dev.confine.cli;

import dev.confine.EnvironmentVariables;
import dev.confine.InvalidPropertyException;
import dev.confine.JobFailedException;
import dev.confine.Manager;
import dev.confine.NotEnforced;
import dev.confine.PropertyInfo;
import dev.confine.ScopeSpec;
import dev.confine.ScopedProcess;
import dev.confine.ServiceSpec;
import dev.confine.TriggerSpec;
import dev.confine.Systemd;
import dev.confine.UnitExit;
import dev.confine.UnitSpec;
import dev.confine.bus.Descriptors;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code confine run}: systemd-run's options and meanings, where the two overlap. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Run COMMAND in a new transient service, or in a new scope (--scope).",
    description = {
      "Limits and other settings are systemd properties: -p MemoryMax=512M -p CPUQuota=50%%.",
      "Service mode (the default): systemd starts COMMAND; --wait waits for it and exits with its status.",
      "Scope mode (--scope): confine starts COMMAND itself, in this terminal, with this environment and"
          + " directory; it exits with COMMAND's status (128+N when signal N killed it) and forwards"
          + " SIGINT, SIGTERM and SIGHUP to it."
    })
final class RunCommand implements Callable<Integer> {
  /** systemd-run's {@code --json=} formats. */
  enum JsonFormat {
    PRETTY, SHORT, OFF;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--no-ask-password",
      description = "Do not ask for a password (confine never does: it brings no polkit agent).")
  boolean noAskPassword;

  @CommandLine.Mixin ManagerOptions managerOptions;

  /** -H or -M, whichever came last, as systemd-run takes them; null for this machine's bus. */
  private String host;
  private String machine;
  /** The bus address -H or -M stands for, made before anything is sent; null for the local bus. */
  private String remoteAddress;

  @Option(names = {"-H", "--host"}, paramLabel = "[USER@]HOST",
      description = "Operate on a remote host's system manager, through ssh and systemd-stdio-bridge.")
  void host(String value) {
    host = value;
    machine = null;
  }

  @Option(names = {"-M", "--machine"}, paramLabel = "[USER@]NAME",
      description = "Operate on a local container's manager (.host is this machine); with USER@ or"
          + " --user, that user's, through systemd-run and systemd-stdio-bridge.")
  void machine(String value) {
    machine = value;
    host = null;
  }

  @Option(names = "--scope", description = "Run COMMAND in a scope instead of a service.")
  boolean scope;

  @Option(names = {"-u", "--unit"}, paramLabel = "NAME",
      description = "Unit name (default: confine-<random>).")
  String unit;

  @Option(names = {"-p", "--property"}, paramLabel = "NAME=VALUE",
      completionCandidates = PropertyNames.class,
      description = "Set a unit property, as systemd-run -p does; -p help lists them.")
  List<String> properties = new ArrayList<>();

  @Option(names = "--description", paramLabel = "TEXT",
      description = "Unit description (default: the command line).")
  String description;

  @Option(names = "--slice", paramLabel = "NAME", description = "Slice to place the unit in.")
  String slice;

  @Option(names = "--slice-inherit",
      description = "Place the unit in confine's own slice; with --slice, in that slice below it.")
  boolean sliceInherit;

  @Option(names = "--expand-environment", paramLabel = "BOOL", arity = "1", converter = Booleans.class,
      description = "Whether $VAR and $${VAR} in COMMAND are expanded: by systemd in service mode (the"
          + " default there), by confine in scope mode (not the default there, as with systemd-run).")
  Boolean expandEnvironment;

  @Option(names = "--no-block",
      description = "Do not wait until systemd has started the service; its failure then shows only in"
          + " its state and the journal.")
  boolean noBlock;

  @Option(names = {"-r", "--remain-after-exit"},
      description = "Keep the service active after COMMAND has ended, until it is stopped.")
  boolean remainAfterExit;

  @Option(names = "--wait", description = "Wait for the service to end; exit with its status.")
  boolean wait;

  @Option(names = {"-P", "--pipe"},
      description = "Give the service confine's own standard input, output and error, and wait for it to end;"
          + " exit with its status. With --pty: a pseudo-terminal if all three are terminals, else this.")
  boolean pipe;

  @Option(names = {"-t", "--pty"},
      description = "Run the service on a new pseudo-terminal connected to this terminal, and wait for it to"
          + " end; exit with its status. ^] three times within a second lets go of it. Needs Java 21 or later.")
  boolean pty;

  @Option(names = "--background", paramLabel = "COLOR",
      description = "With a pseudo-terminal: paint the service's output on this background color, given as ANSI"
          + " SGR parameters (41 is red, 48;5;17 dark blue).")
  String background;

  @Option(names = {"-S", "--shell"},
      description = "Start an interactive $SHELL: with --pty --pipe, --same-dir, --wait, --collect and"
          + " --service-type=exec unless told otherwise; in --scope mode, just the shell.")
  boolean shell;

  @Option(names = "--send-sighup", description = "Send SIGHUP as well when the unit is stopped.")
  boolean sendSighup;

  @Option(names = "--service-type", paramLabel = "TYPE",
      description = "Service type (Type=): simple, exec (confine's default), forking, oneshot, dbus, notify,"
          + " notify-reload or idle.")
  String serviceType;

  @Option(names = "--uid", paramLabel = "USER", description = "Run COMMAND as this user (a name or UID).")
  String uid;

  @Option(names = "--gid", paramLabel = "GROUP", description = "Run COMMAND as this group (a name or GID).")
  String gid;

  @Option(names = "--nice", paramLabel = "NICE", description = "Nice level of COMMAND, -20 to 19.")
  String nice;

  String workingDirectory;

  @Option(names = "--working-directory", paramLabel = "DIR",
      description = "Working directory of COMMAND; a relative path is taken from here, an empty one"
          + " unsets it.")
  void workingDirectory(String directory) {
    workingDirectory = directory.isEmpty() ? null
        : suppressRoot(Path.of(directory).toAbsolutePath().normalize().toString());
  }

  @Option(names = {"-d", "--same-dir"}, description = "Run COMMAND in this working directory.")
  void sameDir(boolean ignored) {
    workingDirectory = suppressRoot(Path.of("").toAbsolutePath().toString());
  }

  @Option(names = {"-E", "--setenv"}, paramLabel = "NAME[=VALUE]",
      description = "Set an environment variable; NAME alone passes this one's value on.")
  List<String> setenv = new ArrayList<>();

  @Option(names = {"-q", "--quiet"}, description = "Print no informational messages.")
  boolean quiet;

  @Option(names = "--json", paramLabel = "pretty|short|off",
      description = "Print the unit's name and invocation ID as JSON on stdout instead of a message.")
  JsonFormat json = JsonFormat.OFF;

  boolean collect = true;

  @Option(names = {"-G", "--collect"}, description = "Unload the unit even if it failed (the default).")
  void collect(boolean ignored) {
    collect = true;
  }

  @Option(names = "--no-collect", description = "Keep a failed unit loaded for inspection.")
  void noCollect(boolean ignored) {
    collect = false;
  }

  @Option(names = "--ignore-failure",
      description = "Count COMMAND's failure as success (ExecStart=-...).")
  boolean ignoreFailure;

  @Option(names = "--socket-property", paramLabel = "NAME=VALUE",
      description = "Start the service from a socket unit with this property (ListenStream=8080 …).")
  List<String> socketProperties = new ArrayList<>();

  @Option(names = "--path-property", paramLabel = "NAME=VALUE",
      description = "Start the service from a path unit with this property (PathExists=/srv/inbox …).")
  List<String> pathProperties = new ArrayList<>();

  @Option(names = "--on-active", paramLabel = "SPAN",
      description = "Start the service from a timer this long from now (OnActiveSec=).")
  List<String> onActive = new ArrayList<>();

  @Option(names = "--on-boot", paramLabel = "SPAN",
      description = "Start the service from a timer this long after boot (OnBootSec=).")
  List<String> onBoot = new ArrayList<>();

  @Option(names = "--on-startup", paramLabel = "SPAN",
      description = "Start the service from a timer this long after the manager started (OnStartupSec=).")
  List<String> onStartup = new ArrayList<>();

  @Option(names = "--on-unit-active", paramLabel = "SPAN",
      description = "Start the service again this long after it last started (OnUnitActiveSec=).")
  List<String> onUnitActive = new ArrayList<>();

  @Option(names = "--on-unit-inactive", paramLabel = "SPAN",
      description = "Start the service again this long after it last stopped (OnUnitInactiveSec=).")
  List<String> onUnitInactive = new ArrayList<>();

  @Option(names = "--on-calendar", paramLabel = "SPEC",
      description = "Start the service from a timer at calendar times, e.g. daily (OnCalendar=).")
  List<String> onCalendar = new ArrayList<>();

  @Option(names = "--on-timezone-change", description = "Start the service when the time zone changes.")
  boolean onTimezoneChange;

  @Option(names = "--on-clock-change", description = "Start the service when the realtime clock jumps.")
  boolean onClockChange;

  @Option(names = "--timer-property", paramLabel = "NAME=VALUE",
      description = "Set a property of the timer that the --on-... options make (AccuracySec=1s …).")
  List<String> timerPropertyOptions = new ArrayList<>();

  /**
   * The timer's properties: those of the --on-... options, then --timer-property's. An --on-...
   * option with an empty value is refused; --timer-property's empty value clears a list.
   */
  private List<String> timerProperties() {
    List<String> properties = new ArrayList<>();
    addTimer(properties, "--on-active", "OnActiveSec", onActive);
    addTimer(properties, "--on-boot", "OnBootSec", onBoot);
    addTimer(properties, "--on-startup", "OnStartupSec", onStartup);
    addTimer(properties, "--on-unit-active", "OnUnitActiveSec", onUnitActive);
    addTimer(properties, "--on-unit-inactive", "OnUnitInactiveSec", onUnitInactive);
    addTimer(properties, "--on-calendar", "OnCalendar", onCalendar);
    addTimer(properties, "--on-timezone-change", "OnTimezoneChange", onTimezoneChange ? List.of("yes") : List.of());
    addTimer(properties, "--on-clock-change", "OnClockChange", onClockChange ? List.of("yes") : List.of());
    properties.addAll(timerPropertyOptions);
    return properties;
  }

  private static void addTimer(List<String> properties, String option, String property, List<String> values) {
    for (String value : values) {
      if (value.isBlank()) {
        throw new InvalidPropertyException("invalid value for " + option + ": ''"
            + " (expected a time span such as 30s, or a calendar time for --on-calendar)");
      }
      properties.add(property + "=" + value);
    }
  }

  /** Whether an option says when the timer fires: without one, --timer-property is refused. */
  private boolean withTimer() {
    return Stream.of(onActive, onBoot, onStartup, onUnitActive, onUnitInactive, onCalendar)
        .anyMatch(values -> !values.isEmpty()) || onTimezoneChange || onClockChange
        || timerPropertyOptions.stream().anyMatch(assignment -> assignment.matches(
            "(OnActiveSec|OnBootSec|OnStartupSec|OnUnitActiveSec|OnUnitInactiveSec|OnCalendar)=.*"));
  }

  @Option(names = "--delegate-subgroup", paramLabel = "NAME",
      description = "Delegate the unit's cgroup to COMMAND (Delegate=yes unless -p Delegate= says"
          + " which controllers) and start COMMAND in its subgroup NAME (DelegateSubgroup=; before"
          + " systemd 254 confine moves COMMAND there itself).")
  String delegateSubgroup;

  @Option(names = "--allow-undelegated",
      description = "Start even if a limit needs a cgroup controller the manager lacks (warns).")
  boolean allowUndelegated;

  @Parameters(paramLabel = "COMMAND", arity = "0..*",
      description = "The command line to run (everything after the options, or after --).")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    for (String property : properties) {
      if (property.equals("help") || property.startsWith("help=")) {
        printPropertyHelp(property.equals("help") ? null : property.substring("help=".length()));
        return 0;
      }
    }
    validate();
    if (shell) {
      impliedByShell();
    }
    // systemd-run's default, the system manager, for another machine: its users are not ours.
    Manager manager = remote() ? managerOptions.manager(Manager.SYSTEM) : managerOptions.manager();
    if (remote()) {
      remoteAddress = host != null ? RemoteBus.host(host) : RemoteBus.machine(machine, manager);
    }
    Map<String, String> environment = environment();
    if (scope) {
      ScopeSpec.Builder builder = ScopeSpec.builder();
      configure(builder, manager);
      ScopeSpec scopeSpec = builder.build();
      ProcessBuilder payload = new ProcessBuilder().inheritIO();
      ScopePayload.Account account = uid == null ? null : ScopePayload.Account.of(uid);
      if (account != null) {
        payload.environment().putAll(account.environment());
      }
      payload.environment().putAll(environment);
      payload.command(ScopePayload.command(command, payload.environment(),
          Boolean.TRUE.equals(expandEnvironment), account, gid, nice));
      if (workingDirectory != null) {
        payload.directory(Path.of(workingDirectory).toFile());
      }
      return runScope(manager, scopeSpec, payload);
    }
    if (trigger()) {
      return runTrigger(manager, triggerSpec(), command.isEmpty() ? null : serviceSpec(manager, environment, null));
    }
    if (pty && (!pipe || Terminals.allStandardStreamsAreTerminals())) {
      try (Pty terminal = machine != null && !RemoteBus.isThisMachine(machine)
          ? Pty.inMachine(RemoteBus.machineName(machine)) : Pty.open()) {
        // Before the service starts: its first look at the terminal should see the right size.
        terminal.copySizeFrom(1);
        return runService(manager, serviceSpec(manager, environment, terminal), terminal);
      }
    }
    return runService(manager, serviceSpec(manager, environment, null), null);
  }

  /** What --shell stands for, as systemd-run has it. */
  private void impliedByShell() {
    command = List.of(Terminals.loginShell());
    collect = true;
    if (scope) {
      return;
    }
    if (!pty && !pipe) {
      pty = true;
      pipe = true;
    }
    if (workingDirectory == null) {
      sameDir(true);
    }
    if (serviceType == null) {
      serviceType = "exec";
    }
    wait = true;
  }

  private ServiceSpec serviceSpec(Manager manager, Map<String, String> environment, Pty terminal) throws IOException {
    ServiceSpec.Builder builder = remote() ? ServiceSpec.remoteBuilder(command) : ServiceSpec.builder(command);
    configure(builder, manager);
    environment.forEach(builder::setenv);
    builder.ignoreFailure(ignoreFailure).expandEnvironment(!Boolean.FALSE.equals(expandEnvironment));
    if (remainAfterExit) {
      builder.property("RemainAfterExit", "yes");
    }
    if (serviceType != null) {
      builder.property("Type", serviceType);
    }
    if (uid != null) {
      builder.property("User", uid);
    }
    if (gid != null) {
      builder.property("Group", gid);
    }
    if (nice != null) {
      builder.property("Nice", nice);
    }
    if (workingDirectory != null) {
      builder.workingDirectory(workingDirectory);
    }
    if (terminal != null) {
      FileDescriptor peer = Descriptors.of(terminal.peer());
      builder.standardInput(peer).standardOutput(peer).standardError(peer).property("TTYPath", terminal.path());
    } else if (pipe || pty) {
      builder.standardInput(FileDescriptor.in).standardOutput(FileDescriptor.out).standardError(FileDescriptor.err);
    }
    // As systemd-run: a program that finds a terminal on its stdio should know what kind it is.
    String term = System.getenv("TERM");
    boolean terminalThere = terminal != null || ((pipe || pty) && Terminals.anyStandardStreamIsTerminal());
    if (term != null && terminalThere && !environment.containsKey("TERM")) {
      builder.setenv("TERM", term);
    }
    return builder.build();
  }

  /**
   * Cross-option checks, in one place, with systemd-run's wording: a wrong combination is a usage
   * error (exit 2), a bad value bad input (exit 1).
   */
  private void validate() {
    boolean withTimer = withTimer();
    int triggers = (withTimer ? 1 : 0) + (pathProperties.isEmpty() ? 0 : 1) + (socketProperties.isEmpty() ? 0 : 1);
    boolean trigger = triggers > 0;
    if (triggers > 1) {
      throw usage("only one trigger (path, socket, timer) unit can be created");
    }
    if (shell && !command.isEmpty()) {
      throw usage("if --shell is used, no command line is expected");
    }
    if (command.isEmpty() && !shell && !(trigger && unit != null)) {
      throw usage("command line to execute required");
    }
    if (scope && trigger) {
      throw usage("path, socket or timer options are not supported in --scope mode");
    }
    if (!timerPropertyOptions.isEmpty() && !withTimer) {
      throw usage("--timer-property= has no effect without any other timer options");
    }
    if (wait && trigger) {
      throw usage("--wait may not be combined with path, socket or timer operations");
    }
    if (scope && (remainAfterExit || serviceType != null)) {
      throw usage("--remain-after-exit and --service-type= are not supported in --scope mode");
    }
    if ((pipe || pty) && (scope || trigger)) {
      throw usage("--pty/--pipe is not compatible in timer or --scope mode");
    }
    if (host != null && managerOptions.manager(Manager.SYSTEM) == Manager.USER) {
      throw usage("execution in user context is not supported on remote systems");
    }
    if (host != null && scope) {
      throw usage("scope execution is not supported on remote systems");
    }
    if (host != null && (pipe || pty)) {
      throw usage("--pty/--pipe is only supported when connecting to the local system or containers");
    }
    if (machine != null && scope) {
      throw usage("--scope cannot be combined with --machine: confine cannot move its own process"
          + " into another manager's scope");
    }
    if ((pipe || pty) && noBlock) {
      throw usage("--pty/--pipe is not compatible with --no-block");
    }
    if (wait && noBlock) {
      throw usage("--wait may not be combined with --no-block");
    }
    if (wait && scope) {
      throw usage("--wait may not be combined with --scope (a scope's command runs in the foreground anyway)");
    }
    if (delegateSubgroup != null && properties.stream().anyMatch(p -> p.startsWith("DelegateSubgroup="))) {
      throw usage("--delegate-subgroup and -p DelegateSubgroup= may not be combined");
    }
    if (nice != null) {
      ScopePayload.niceLevel(nice);
    }
    if (background != null) {
      BackgroundTint.check(background);
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  private void configure(UnitSpec.Builder<?, ?> builder, Manager manager) {
    builder.description(description != null ? description : describe(command));
    properties.forEach(builder::property);
    if (delegateSubgroup != null) {
      if (properties.stream().noneMatch(p -> p.startsWith("Delegate="))) {
        builder.property("Delegate", "yes");
      }
      builder.property("DelegateSubgroup", delegateSubgroup);
    }
    if (sendSighup) {
      builder.property("SendSIGHUP", "yes");
    }
    String chosenSlice = sliceInherit ? Slices.inherited(manager, slice) : slice;
    if (chosenSlice != null) {
      builder.slice(chosenSlice);
    }
    if (unit != null) {
      builder.name(trigger() ? baseName(unit) : unit);
    }
    builder.collect(collect);
  }

  private Map<String, String> environment() {
    Map<String, String> environment = new LinkedHashMap<>();
    for (String entry : setenv) {
      int eq = entry.indexOf('=');
      String name = eq < 0 ? entry : entry.substring(0, eq);
      String value = eq < 0 ? System.getenv(entry) : entry.substring(eq + 1);
      if (!EnvironmentVariables.isValidName(name)) {
        throw new InvalidPropertyException("invalid value for --setenv: '" + entry
            + "' (expected NAME[=VALUE], NAME of letters, digits and _, not starting with a digit)");
      }
      if (value == null) {
        throw new InvalidPropertyException(
            "--setenv " + name + ": no such variable in confine's environment to pass on");
      }
      environment.put(name, value);
    }
    return environment;
  }

  private int runScope(Manager manager, ScopeSpec scopeSpec, ProcessBuilder payload)
      throws IOException, InterruptedException {
    try (SignalForwarding forwarding = SignalForwarding.install();
        Systemd systemd = connect(manager)) {
      Set<String> warned = preflight(systemd, scopeSpec);
      ScopedProcess process = systemd.launch(scopeSpec, payload, started -> {
        forwarding.forwardTo(started.process());
        // systemd-run 257 prints no JSON in scope mode: stdout belongs to the command.
        if (json == JsonFormat.OFF) {
          announce(systemd, started.unit());
        }
        // Before the payload's first instruction, so the warning comes before its output.
        readBack(systemd, started.unit(), scopeSpec, warned);
      });
      // The connection stays open while the payload runs: it pins the scope (AddRef).
      int status = process.waitFor();
      ExitReport.explain(process.exit(), spec.commandLine().getErr());
      return status;
    }
  }

  private int runService(Manager manager, ServiceSpec serviceSpec, Pty terminal)
      throws InterruptedException, IOException {
    try (Systemd systemd = connect(manager)) {
      Set<String> warned = preflight(systemd, serviceSpec);
      if (noBlock) {
        announce(systemd, systemd.startQueued(serviceSpec));
        return 0;
      }
      String name;
      UnitExit exit = null;
      try {
        name = systemd.start(serviceSpec);
        readBack(systemd, name, serviceSpec, warned);
      } catch (JobFailedException e) {
        // A command that ends at once can end before systemd finishes the start job; with --wait
        // that is an outcome to report like any other, not a failure to start.
        if (!waitsForTheEnd()) {
          throw e;
        }
        exit = systemd.awaitExit(e.unit());
        if (!exit.commandRan()) {
          throw e;
        }
        name = e.unit();
      }
      announce(systemd, name);
      if (!waitsForTheEnd()) {
        return 0;
      }
      if (terminal != null) {
        exit = forward(systemd, name, terminal, exit);
        if (exit == null) {
          return 0;
        }
      }
      if (exit == null) {
        exit = systemd.awaitExit(name);
      }
      // --pipe and --pty wait as --wait does, but tell the outcome only with --wait, as systemd-run.
      return ExitReport.report(exit, quiet || !wait, spec.commandLine().getErr());
    }
  }

  /** Whether -H or -M names another machine's (or a container's, or a user's) bus. */
  private boolean remote() {
    return host != null || machine != null;
  }

  private Systemd connect(Manager manager) {
    return remoteAddress != null ? Systemd.connect(manager, remoteAddress) : Systemd.connect(manager);
  }

  /** --wait, --pipe and --pty all wait for the service to end and pass its status on. */
  private boolean waitsForTheEnd() {
    return wait || pipe || pty;
  }

  /**
   * Connects this terminal to the service's until the service ends (its exit) or the user lets go
   * with ^] three times (null without --wait; with --wait confine still waits for the end). A
   * service that {@code ended} already still has its output shown.
   */
  private UnitExit forward(Systemd systemd, String name, Pty terminal, UnitExit ended)
      throws InterruptedException, IOException {
    terminal.closePeer();
    info("Press ^] three times within 1s to disconnect TTY.");
    PtyForwarding forwarding = PtyForwarding.start(terminal, background == null ? null : new BackgroundTint(background));
    try {
      CompletableFuture<UnitExit> exit =
          ended != null ? CompletableFuture.completedFuture(ended) : systemd.awaitExitAsync(name);
      CompletableFuture.anyOf(exit, forwarding.disconnected()).get();
      if (!exit.isDone()) {
        forwarding.stop();
        return wait ? exit.get() : null;
      }
      forwarding.finish();
      return exit.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } finally {
      forwarding.stop();
    }
  }

  /**
   * The timer or path unit of the --on-... and --*-property options: described like the service,
   * and named after --unit (x.timer starts x.service), as systemd-run does.
   */
  private TriggerSpec triggerSpec() {
    TriggerSpec.Builder builder;
    List<String> triggerProperties;
    if (withTimer()) {
      builder = TriggerSpec.timer();
      triggerProperties = timerProperties();
    } else if (!socketProperties.isEmpty()) {
      builder = TriggerSpec.socket();
      triggerProperties = socketProperties;
    } else {
      builder = TriggerSpec.path();
      triggerProperties = pathProperties;
    }
    builder.description(description != null ? description : describe(command));
    triggerProperties.forEach(builder::property);
    if (unit != null) {
      builder.name(baseName(unit));
    }
    return builder.collect(collect).build();
  }

  /** Whether a timer, path or socket unit is to start the service. */
  private boolean trigger() {
    return withTimer() || !pathProperties.isEmpty() || !socketProperties.isEmpty();
  }

  /** A unit name without the .service, .timer, .path or .socket suffix that --unit may carry. */
  private static String baseName(String name) {
    return name.replaceFirst("\\.(service|timer|path|socket)$", "");
  }

  private int runTrigger(Manager manager, TriggerSpec trigger, ServiceSpec service) {
    try (Systemd systemd = connect(manager)) {
      if (service != null) {
        preflight(systemd, service);
      }
      String name = service == null ? systemd.startTrigger(trigger) : systemd.startTrigger(trigger, service);
      String type = name.substring(name.lastIndexOf('.') + 1);
      info("Running " + type + " as unit: " + name);
      if (service != null) {
        info("Will run service as unit: " + name.substring(0, name.lastIndexOf('.')) + ".service");
      }
      return 0;
    }
  }

  /**
   * Names the unit, and its invocation ID where it has one, as systemd-run 257 does: a message on
   * stderr, or with --json a JSON object on stdout. Nothing with --quiet.
   */
  private void announce(Systemd systemd, String name) {
    if (quiet) {
      return;
    }
    Optional<String> invocation = systemd.invocationId(name);
    if (json == JsonFormat.OFF) {
      info("Running as unit: " + name + invocation.map(id -> "; invocation ID: " + id).orElse(""));
      return;
    }
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("unit", name);
    invocation.ifPresent(id -> object.put("invocation_id", id));
    PrintWriter out = spec.commandLine().getOut();
    out.println(json == JsonFormat.PRETTY ? Json.pretty(object) : Json.write(object));
    out.flush();
  }

  /**
   * With --allow-undelegated, warns about limits that will not be enforced and lets the start go
   * ahead; returns the properties warned about. Without it, the library refuses such a start.
   */
  private Set<String> preflight(Systemd systemd, UnitSpec unitSpec) {
    if (!allowUndelegated) {
      return Set.of();
    }
    systemd.allowUndelegated(true);
    Set<String> warned = new HashSet<>();
    Set<String> remedies = new LinkedHashSet<>();
    for (NotEnforced finding : systemd.preflight(unitSpec)) {
      warn(finding.toString());
      warned.add(finding.property());
      remedies.add(finding.remedy());
    }
    remedies.forEach(remedy -> warn("to fix: " + remedy));
    return warned;
  }

  /** Warns about every setting that systemd or cgroupfs shows not in effect. */
  private void readBack(Systemd systemd, String unit, UnitSpec unitSpec, Set<String> warned) {
    for (NotEnforced finding : systemd.verify(unit, unitSpec)) {
      if (!warned.contains(finding.property())) {
        warn(finding.toString());
      }
    }
  }

  private void warn(String line) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("confine: warning: " + line);
    err.flush();
  }

  private void info(String line) {
    if (!quiet) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(line);
      err.flush();
    }
  }

  /** {@code -p help}: the property table by group; {@code -p help=NAME}: one property. */
  private void printPropertyHelp(String name) {
    PrintWriter out = spec.commandLine().getOut();
    if (name != null) {
      PropertyInfo.named(name); // an unknown name fails here, with the nearest real one
      // A name may have an entry per unit type (a socket's TimeoutSec is not a service's).
      PropertyInfo.all().stream().filter(p -> p.name().equals(name)).forEach(p -> printProperty(out, p));
      out.flush();
      return;
    }
    String group = null;
    for (PropertyInfo property : PropertyInfo.all()) {
      if (!property.group().equals(group)) {
        out.printf("%s%s:%n", group == null ? "" : "\n", property.group());
        group = property.group();
      }
      String units = property.unitTypes().size() > 2 ? "any"
          : property.unitTypes().equals(Set.of("scope", "service")) ? "both"
          : String.join("/", new TreeSet<>(property.unitTypes()));
      String since = property.sinceSystemd() == property.scopesSinceSystemd()
          ? "v" + property.sinceSystemd()
          : "v" + property.sinceSystemd() + "/" + property.scopesSinceSystemd();
      out.printf("  %-29s %-7s %-6s %-8s %s%s%n", property.name(), units,
          property.controller().orElse("-"), since, property.summary(),
          property.creationOnly() ? " (at creation only)" : "");
    }
    out.printf("%nUNITS: scope, service, both, timer, path or any; then the controller needed and the first systemd"
        + " version (service/scope where they differ).%nconfine run -p help=NAME tells more about one property.%n");
    out.flush();
  }

  private static void printProperty(PrintWriter out, PropertyInfo p) {
    out.printf("%s (%s)%n  %s%n", p.name(), p.group(), p.summary());
    out.printf("  units:      %s%n", String.join(", ", new TreeSet<>(p.unitTypes())));
    out.printf("  D-Bus:      %s%n", p.wire());
    out.printf("  systemd:    %s%n", p.sinceSystemd() == p.scopesSinceSystemd() ? "v" + p.sinceSystemd()
        : "v" + p.sinceSystemd() + " for services, v" + p.scopesSinceSystemd() + " for scopes");
    out.printf("  controller: %s%n", p.controller().orElse("none"));
    out.printf("  settable:   %s%n", p.creationOnly() ? "at creation only" : "at creation and later");
  }

  /** Shell completion for -p: every property of the table, as NAME=. */
  static final class PropertyNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return PropertyInfo.all().stream()
          .filter(p -> p.unitTypes().contains("service") || p.unitTypes().contains("scope"))
          .map(p -> p.name() + "=").iterator();
    }
  }

  /** systemd-run sets no working directory for / (parse_path_argument's suppress_root). */
  private static String suppressRoot(String directory) {
    return directory.equals("/") ? null : directory;
  }

  /** The command line as a shell would need it quoted, for the default description. */
  private static String describe(List<String> command) {
    return command.stream()
        .map(word -> word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }
}
