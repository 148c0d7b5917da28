package dev.confine.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code confine} command line. Exit codes: see {@link ExitCodes}. */
@Command(
    name = "confine",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Run commands in transient systemd scopes and services with cgroup limits.")
public final class Main implements Runnable {
  /**
   * Each subcommand by its name, in the order help lists them. The names repeat the classes'
   * {@code @Command} names (MainTest checks it): reading an annotation costs a proxy and loads every
   * class it names, so a call looks its subcommand up here instead.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands(RunCommand.class, "run",
      ListCommand.class, "list", StatusCommand.class, "status", TopCommand.class, "top",
      SetCommand.class, "set", FreezeCommand.class, "freeze", FreezeCommand.ThawCommand.class, "thaw",
      KillCommand.class, "kill", StopCommand.class, "stop", ResetFailedCommand.class, "reset-failed",
      AttachCommand.class, "attach", WaitCommand.class, "wait", EventsCommand.class, "events",
      CgroupCommand.class, "cgroup", DoctorCommand.class, "doctor", SetupCommand.class, "setup",
      AutoComplete.GenerateCompletion.class, "generate-completion");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    configureLogging();
    System.exit(commandLine(args).execute(args));
  }

  /** Library diagnostics (dbus-java's included) go to stderr, warnings and errors only. */
  static void configureLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getenv().getOrDefault("CONFINE_LOG", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
  }

  /**
   * The command line for these arguments. picocli builds the model of every registered subcommand
   * up front by reflection, which is most of a short command's start-up; so only the subcommand
   * the first argument names is registered. {@code --help} and mistakes print every subcommand's
   * name and summary, which need no model; {@code --version} needs none at all. Completion gets
   * them all.
   */
  static CommandLine commandLine(String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    String first = args.length == 0 ? "" : args[0];
    Class<?> named = SUBCOMMANDS.get(first);
    if (first.equals("generate-completion")) {
      SUBCOMMANDS.values().forEach(commandLine::addSubcommand);
    } else if (named != null) {
      commandLine.addSubcommand(named);
    } else if (!first.equals("-V") && !first.equals("--version")) {
      SUBCOMMANDS.values().forEach(subcommand -> commandLine.addSubcommand(summary(subcommand)));
    }
    // Everything from the first positional parameter on belongs to the payload: `run ls -l`.
    CommandLine run = commandLine.getSubcommands().get("run");
    if (run != null) {
      run.setStopAtPositional(true);
    }
    commandLine.setParameterExceptionHandler(Main::usageError);
    commandLine.setExecutionExceptionHandler(ExitCodes::handle);
    return commandLine;
  }

  /** A subcommand as the top-level help lists it: its name and description, nothing to run. */
  private static CommandLine.Model.CommandSpec summary(Class<?> subcommand) {
    Command annotation = subcommand.getAnnotation(Command.class);
    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().name(annotation.name());
    spec.usageMessage().description(annotation.description());
    return spec;
  }

  private static Map<String, Class<?>> subcommands(Object... classAndName) {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    for (int i = 0; i < classAndName.length; i += 2) {
      byName.put((String) classAndName[i + 1], (Class<?>) classAndName[i]);
    }
    return Collections.unmodifiableMap(byName);
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    command.getErr().println("confine: " + e.getMessage());
    command.getErr().println("Try '" + command.getCommandSpec().qualifiedName() + " --help'.");
    return ExitCodes.USAGE;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. run");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"confine " + (version == null ? "(development build)" : version)};
    }
  }
}
