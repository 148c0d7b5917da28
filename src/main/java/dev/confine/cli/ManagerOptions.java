package dev.confine.cli;

import dev.confine.Manager;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --user} / {@code --system}, as systemctl and systemd-run take them. */
final class ManagerOptions {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec spec;

  @Option(names = "--user", description = "Talk to the user manager (default unless root).")
  boolean user;

  @Option(names = "--system", description = "Talk to the system manager (default for root).")
  boolean system;

  /** The chosen manager: systemd-run's default is the system manager for root, else the user's. */
  Manager manager() {
    if (user && system) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--user and --system may not be combined");
    }
    return system ? Manager.SYSTEM : user ? Manager.USER : Manager.forCurrentUser();
  }
}
