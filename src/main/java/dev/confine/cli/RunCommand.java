package dev.confine.cli;

import dev.confine.InvalidPropertyException;
import dev.confine.JobFailedException;
import dev.confine.Manager;
import dev.confine.NotEnforced;
import dev.confine.PropertyInfo;
import dev.confine.ScopeSpec;
import dev.confine.ScopedProcess;
import dev.confine.ServiceSpec;
import dev.confine.Systemd;
import dev.confine.UnitExit;
import dev.confine.UnitSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code confine run}: systemd-run's options and meanings, where the two overlap. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run COMMAND in a new transient service, or in a new scope (--scope).",
      "With --scope confine launches COMMAND itself. Limits are systemd properties: -p MemoryMax=512M -p CPUQuota=50%%.",
      "",
      "Scope mode: COMMAND keeps this terminal, environment and directory; confine exits with",
      "its status (128+N when killed by signal N) and forwards SIGINT, SIGTERM and SIGHUP.",
      "Service mode: systemd starts COMMAND; --wait waits for it and returns its status."
    })
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ManagerOptions managerOptions;

  @Option(names = "--scope", description = "Run COMMAND in a scope instead of a service.")
  boolean scope;

  @Option(names = {"-u", "--unit"}, paramLabel = "NAME",
      description = "Unit name (default: confine-<random>).")
  String unit;

  @Option(names = "--slice", paramLabel = "NAME", description = "Slice to place the unit in.")
  String slice;

  @Option(names = "--description", paramLabel = "TEXT", description = "Unit description.")
  String description;

  @Option(names = {"-p", "--property"}, paramLabel = "NAME=VALUE",
      completionCandidates = PropertyNames.class,
      description = "Set a unit property, as systemd-run -p does; -p help lists them.")
  List<String> properties = new ArrayList<>();

  @Option(names = "--delegate-subgroup", paramLabel = "NAME",
      description = {"Delegate the unit's cgroup to COMMAND (Delegate=yes unless -p Delegate= says"
          + " which controllers) and start COMMAND in its subgroup NAME (DelegateSubgroup=; before"
          + " systemd 254 confine moves COMMAND there itself)."})
  String delegateSubgroup;

  @Option(names = {"-E", "--setenv"}, paramLabel = "NAME[=VALUE]",
      description = "Set an environment variable; NAME alone passes this one's value on.")
  List<String> setenv = new ArrayList<>();

  @Option(names = "--working-directory", paramLabel = "DIR", description = "Working directory.")
  String workingDirectory;

  @Option(names = "--wait", description = "Wait for the service to finish; exit with its status.")
  boolean wait;

  @Option(names = {"-G", "--collect"},
      description = "Unload the unit even if it failed (the default).")
  boolean collect;

  @Option(names = "--no-collect", description = "Keep a failed unit loaded for inspection.")
  boolean noCollect;

  @Option(names = {"-q", "--quiet"}, description = "Print no informational messages.")
  boolean quiet;

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
    Manager manager = managerOptions.manager();
    validate();
    Map<String, String> environment = environment();
    String directory = workingDirectory == null ? null : Path.of(workingDirectory).toAbsolutePath().toString();
    if (scope) {
      ScopeSpec.Builder builder = ScopeSpec.builder();
      configure(builder);
      ScopeSpec scopeSpec = builder.build();
      ProcessBuilder payload = new ProcessBuilder(command).inheritIO();
      payload.environment().putAll(environment);
      if (directory != null) {
        payload.directory(Path.of(directory).toFile());
      }
      return runScope(manager, scopeSpec, payload);
    }
    ServiceSpec.Builder builder = ServiceSpec.builder(command);
    configure(builder);
    environment.forEach(builder::setenv);
    if (directory != null) {
      builder.workingDirectory(directory);
    }
    return runService(manager, builder.build());
  }

  /** Cross-option checks, in one place, with systemd-run's wording where it has some. */
  private void validate() {
    if (collect && noCollect) {
      throw usage("--collect and --no-collect may not be combined");
    }
    if (command.isEmpty()) {
      throw new InvalidPropertyException("command line to execute required");
    }
    if (delegateSubgroup != null && properties.stream().anyMatch(p -> p.startsWith("DelegateSubgroup="))) {
      throw usage("--delegate-subgroup and -p DelegateSubgroup= may not be combined");
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  private void configure(UnitSpec.Builder<?, ?> builder) {
    builder.description(description != null ? description : describe(command));
    properties.forEach(builder::property);
    if (delegateSubgroup != null) {
      if (properties.stream().noneMatch(p -> p.startsWith("Delegate="))) {
        builder.property("Delegate", "yes");
      }
      builder.property("DelegateSubgroup", delegateSubgroup);
    }
    if (slice != null) {
      builder.slice(slice);
    }
    if (unit != null) {
      builder.name(unit);
    }
    builder.collect(!noCollect);
  }

  private Map<String, String> environment() {
    Map<String, String> environment = new LinkedHashMap<>();
    for (String entry : setenv) {
      int eq = entry.indexOf('=');
      String name = eq < 0 ? entry : entry.substring(0, eq);
      String value = eq < 0 ? System.getenv(entry) : entry.substring(eq + 1);
      if (name.isEmpty()) {
        throw new InvalidPropertyException("invalid --setenv '" + entry + "': expected NAME[=VALUE]");
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
        Systemd systemd = Systemd.connect(manager)) {
      Set<String> warned = preflight(systemd, scopeSpec);
      ScopedProcess process = systemd.launch(scopeSpec, payload, started -> {
        forwarding.forwardTo(started.process());
        info("Running scope as unit: " + started.unit());
        // Before the payload's first instruction, so the warning comes before its output.
        readBack(systemd, started.unit(), scopeSpec, warned);
      });
      // The connection stays open while the payload runs: it pins the scope (AddRef).
      int status = process.waitFor();
      ExitReport.explain(process.exit(), spec.commandLine().getErr());
      return status;
    }
  }

  private int runService(Manager manager, ServiceSpec serviceSpec) throws InterruptedException {
    try (Systemd systemd = Systemd.connect(manager)) {
      Set<String> warned = preflight(systemd, serviceSpec);
      String name;
      UnitExit exit = null;
      try {
        name = systemd.start(serviceSpec);
        readBack(systemd, name, serviceSpec, warned);
      } catch (JobFailedException e) {
        // A command that ends at once can end before systemd finishes the start job; with --wait
        // that is an outcome to report like any other, not a failure to start.
        if (!wait) {
          throw e;
        }
        exit = systemd.awaitExit(e.unit());
        if (!exit.commandRan()) {
          throw e;
        }
        name = e.unit();
      }
      info("Running as unit: " + name);
      if (!wait) {
        return 0;
      }
      if (exit == null) {
        exit = systemd.awaitExit(name);
      }
      return ExitReport.report(exit, quiet, spec.commandLine().getErr());
    }
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
      PropertyInfo p = PropertyInfo.named(name);
      out.printf("%s (%s)%n  %s%n", p.name(), p.group(), p.summary());
      out.printf("  units:      %s%n", String.join(", ", new TreeSet<>(p.unitTypes())));
      out.printf("  D-Bus:      %s%n", p.wire());
      out.printf("  systemd:    %s%n", p.sinceSystemd() == p.scopesSinceSystemd() ? "v" + p.sinceSystemd()
          : "v" + p.sinceSystemd() + " for services, v" + p.scopesSinceSystemd() + " for scopes");
      out.printf("  controller: %s%n", p.controller().orElse("none"));
      out.printf("  settable:   %s%n", p.creationOnly() ? "at creation only" : "at creation and later");
      out.flush();
      return;
    }
    String group = null;
    for (PropertyInfo property : PropertyInfo.all()) {
      if (!property.group().equals(group)) {
        out.printf("%s%s:%n", group == null ? "" : "\n", property.group());
        group = property.group();
      }
      String units = property.unitTypes().size() == 2 ? "both" : property.unitTypes().iterator().next();
      String since = property.sinceSystemd() == property.scopesSinceSystemd()
          ? "v" + property.sinceSystemd()
          : "v" + property.sinceSystemd() + "/" + property.scopesSinceSystemd();
      out.printf("  %-29s %-7s %-6s %-8s %s%s%n", property.name(), units,
          property.controller().orElse("-"), since, property.summary(),
          property.creationOnly() ? " (at creation only)" : "");
    }
    out.printf("%nUNITS: scope, service or both; then the controller needed and the first systemd"
        + " version (service/scope where they differ).%nconfine run -p help=NAME tells more about one property.%n");
    out.flush();
  }

  /** Shell completion for -p: every property of the table, as NAME=. */
  static final class PropertyNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return PropertyInfo.all().stream().map(p -> p.name() + "=").iterator();
    }
  }

  /** The command line as a shell would need it quoted, for the default description. */
  private static String describe(List<String> command) {
    return command.stream()
        .map(word -> word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }
}
