package dev.confine.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code confine} command line. Exit codes: see {@link ExitCodes}. */
@Command(
    name = "confine",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Run commands in transient systemd scopes and services with cgroup limits.",
    subcommands = {RunCommand.class, ListCommand.class, StatusCommand.class, TopCommand.class,
        SetCommand.class, FreezeCommand.class, FreezeCommand.ThawCommand.class, KillCommand.class,
        StopCommand.class, ResetFailedCommand.class, AttachCommand.class, WaitCommand.class,
        EventsCommand.class, CgroupCommand.class, DoctorCommand.class, SetupCommand.class,
        AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Library diagnostics (dbus-java's included) go to stderr, warnings and errors only.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getenv().getOrDefault("CONFINE_LOG", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    // Everything from the first positional parameter on belongs to the payload: `run ls -l`.
    commandLine.getSubcommands().get("run").setStopAtPositional(true);
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
