package dev.confine.cli;

import java.util.List;
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
  private static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, ListCommand.class,
      StatusCommand.class, TopCommand.class, SetCommand.class, FreezeCommand.class,
      FreezeCommand.ThawCommand.class, KillCommand.class, StopCommand.class,
      ResetFailedCommand.class, AttachCommand.class, WaitCommand.class, EventsCommand.class,
      CgroupCommand.class, DoctorCommand.class, SetupCommand.class,
      AutoComplete.GenerateCompletion.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Library diagnostics (dbus-java's included) go to stderr, warnings and errors only.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getenv().getOrDefault("CONFINE_LOG", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.exit(commandLine(args).execute(args));
  }

  /**
   * The command line for these arguments. picocli builds the model of every registered subcommand
   * up front, which is most of a short command's start-up under emulation; so when the first
   * argument names a subcommand, only that one is registered. Help, completion and mistakes get
   * them all.
   */
  static CommandLine commandLine(String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    String first = args.length == 0 ? "" : args[0];
    List<Class<?>> named = SUBCOMMANDS.stream()
        .filter(c -> c.getAnnotation(Command.class).name().equals(first)).toList();
    boolean all = named.isEmpty() || first.equals("generate-completion");
    (all ? SUBCOMMANDS : named).forEach(commandLine::addSubcommand);
    // Everything from the first positional parameter on belongs to the payload: `run ls -l`.
    CommandLine run = commandLine.getSubcommands().get("run");
    if (run != null) {
      run.setStopAtPositional(true);
    }
    commandLine.setParameterExceptionHandler(Main::usageError);
    commandLine.setExecutionExceptionHandler(ExitCodes::handle);
    return commandLine;
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
