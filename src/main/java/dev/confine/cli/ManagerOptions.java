package dev.confine.cli;

import dev.confine.Manager;
import picocli.CommandLine.Option;

/**
 * {@code --user} / {@code --system}, as systemctl and systemd-run take them: the last one given
 * wins. Without either, confine talks to the system manager as root and to the user's own manager
 * otherwise (systemd-run's default is the system manager for everyone; an unprivileged user can
 * start nothing there without polkit's consent, so confine picks the manager that user owns).
 */
final class ManagerOptions {
  private Manager chosen;

  @Option(names = "--user", description = "Talk to the user's own service manager (default unless root).")
  void user(boolean ignored) {
    chosen = Manager.USER;
  }

  @Option(names = "--system", description = "Talk to the system service manager (default for root).")
  void system(boolean ignored) {
    chosen = Manager.SYSTEM;
  }

  /** The manager chosen on the command line, else the caller's default. */
  Manager manager() {
    return manager(Manager.forCurrentUser());
  }

  /** The manager chosen on the command line, else {@code fallback}. */
  Manager manager(Manager fallback) {
    return chosen != null ? chosen : fallback;
  }
}
