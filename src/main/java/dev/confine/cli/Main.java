package dev.confine.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
      CommandLine.HelpCommand.class, "help", AutoComplete.GenerateCompletion.class, "generate-completion");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    configureLogging();
    System.exit(commandLine(args).execute(args));
  }

  /**
   * confine's own diagnostics go to stderr, warnings and errors only. dbus-java's stay silent
   * unless CONFINE_LOG asks for debug or trace: what it reports (a lost connection, with a stack
   * trace) reaches the user as confine's own one-line error.
   */
  static void configureLogging() {
    String level = System.getenv().getOrDefault("CONFINE_LOG", "warn");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    if (!level.equals("debug") && !level.equals("trace")) {
      System.setProperty("org.slf4j.simpleLogger.log.org.freedesktop.dbus", "off");
    }
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
    } else if (first.equals("help")) {
      // `confine help run` prints run's own help, so it needs run's model.
      Class<?> topic = args.length > 1 ? SUBCOMMANDS.get(args[1]) : null;
      SUBCOMMANDS.forEach((name, subcommand) -> commandLine.addSubcommand(
          subcommand == named || subcommand == topic ? subcommand : summary(subcommand)));
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
    // As systemd-run's getopt: a repeated option's last value wins, and list options add up.
    commandLine.setOverwrittenOptionsAllowed(true);
    commandLine.setUsageHelpAutoWidth(true);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.getSubcommands().values().forEach(
        subcommand -> subcommand.getCommandSpec().versionProvider(new Version()));
    commandLine.setParameterExceptionHandler(Main::usageError);
    commandLine.setExecutionExceptionHandler(ExitCodes::handle);
    return commandLine;
  }

  /** A subcommand as the top-level help lists it: its name and description, nothing to run. */
  private static CommandLine.Model.CommandSpec summary(Class<?> subcommand) {
    Command annotation = subcommand.getAnnotation(Command.class);
    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().name(annotation.name());
    spec.usageMessage().header(annotation.header()).description(annotation.description());
    return spec;
  }

  private static Map<String, Class<?>> subcommands(Object... classAndName) {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    for (int i = 0; i < classAndName.length; i += 2) {
      byName.put((String) classAndName[i + 1], (Class<?>) classAndName[i]);
    }
    return Collections.unmodifiableMap(byName);
  }

  /**
   * One line and an exit code: a value that is not of its option's type is bad input (1), like
   * every other bad value; anything else about the command line's shape is a usage error (2).
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    if (e.getCause() instanceof CommandLine.TypeConversionException && e.getArgSpec() != null) {
      err.println("confine: invalid value for " + argumentName(e.getArgSpec()) + ": '" + e.getValue()
          + "' (expected " + expected(e.getArgSpec().auxiliaryTypes()[0]) + ")");
      return ExitCodes.FAILURE;
    }
    err.println("confine: " + (e instanceof CommandLine.UnmatchedArgumentException unmatched
        ? unmatched(unmatched) : e.getMessage()));
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help'.");
    return ExitCodes.USAGE;
  }

  /** An unknown option or command, with the nearest known one when picocli finds one. */
  private static String unmatched(CommandLine.UnmatchedArgumentException e) {
    List<String> words = e.getUnmatched();
    String word = words.isEmpty() ? "" : words.get(0);
    List<String> suggestions = e.getSuggestions();
    String nearest = suggestions.isEmpty() ? "" : "; did you mean " + suggestions.get(0) + "?";
    if (e.isUnknownOption()) {
      return "unknown option '" + word + "'" + nearest;
    }
    boolean takesCommands = !e.getCommandLine().getSubcommands().isEmpty();
    return (takesCommands ? "unknown command '" : "unexpected argument '") + word + "'" + nearest;
  }

  private static String argumentName(CommandLine.Model.ArgSpec argument) {
    return argument instanceof CommandLine.Model.OptionSpec option ? option.longestName()
        : argument.paramLabel();
  }

  /** What a value of this type looks like, in words. */
  private static String expected(Class<?> type) {
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
          .collect(Collectors.joining(", "));
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "yes or no";
    }
    return type == double.class || type == Double.class ? "a number" : type.getSimpleName();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. run");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {confine() + " (Java " + Runtime.version() + ")"};
    }

    /** {@code confine VERSION}, from the jar's manifest. */
    static String confine() {
      String version = Main.class.getPackage().getImplementationVersion();
      return "confine " + (version == null ? "(development build)" : version);
    }
  }
}
