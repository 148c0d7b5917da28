package dev.confine.cli;

import dev.confine.Manager;
import dev.confine.Systemd;
import dev.confine.UserDelegation;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code confine setup …}: one-time changes to the machine, as root. */
@Command(name = "setup", mixinStandardHelpOptions = true,
    description = "Set this machine up for confine (as root).",
    subcommands = SetupCommand.DelegationCommand.class)
final class SetupCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: delegation");
  }

  /** {@code confine setup delegation}: installs the user@.service drop-in of units/. */
  @Command(name = "delegation", mixinStandardHelpOptions = true,
      description = {"Delegate every limit controller (cpu cpuset io memory pids) to user managers.",
        "Installs /etc/systemd/system/user@.service.d/confine-delegate.conf (units/user@.service.d/delegate.conf"
            + " of confine's sources), reloads systemd and names the user managers that get the controllers only"
            + " once they restart."})
  static final class DelegationCommand implements Callable<Integer> {
    @Mixin OutputOptions output;

    @Option(names = "--dry-run", description = "Print what would be done, and change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
      if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
        output.err().println("confine: run as root: sudo confine setup delegation");
        return ExitCodes.FAILURE;
      }
      UserDelegation.Setup setup;
      try (Systemd system = Systemd.connect(Manager.SYSTEM)) {
        setup = dryRun ? UserDelegation.plan(system) : UserDelegation.install(system);
      }
      if (output.json) {
        output.printJson(setup);
      } else {
        report(setup, dryRun, output.err());
      }
      return 0;
    }

    private static void report(UserDelegation.Setup setup, boolean dryRun, PrintWriter err) {
      String controllers = String.join(" ", setup.controllers());
      switch (setup.found()) {
        case SAME -> err.println("confine: " + setup.dropIn() + " is already installed, with the same content");
        case ABSENT, DIFFERENT -> {
          err.println("confine: " + (dryRun ? "would install " : "installed ") + setup.dropIn() + " (mode 0644"
              + (setup.found() == UserDelegation.Found.DIFFERENT ? ", replacing another content" : "") + ")"
              + (dryRun ? ":" : ": Delegate=" + controllers));
          if (dryRun) {
            setup.content().lines().forEach(line -> err.println("    " + line));
          }
        }
      }
      err.println("confine: " + (dryRun ? "would reload" : "reloaded") + " systemd (systemctl daemon-reload)");
      if (!setup.kernelLacks().isEmpty()) {
        err.println("confine: the kernel offers no " + String.join(" ", setup.kernelLacks())
            + ": delegating it is moot");
      }
      if (setup.restartNeeded().isEmpty()) {
        err.println("confine: every running user manager has " + controllers + " already, and each one that starts"
            + " from now on gets them");
      } else {
        err.println("confine: these user managers get " + controllers + " only once they restart:");
        setup.restartNeeded().forEach(manager -> err.println("confine:   " + manager.unit() + " (" + manager.user()
            + "): log out and in again, or: systemctl restart " + manager.unit()));
      }
      if (dryRun) {
        err.println("confine: dry run: nothing was changed");
      }
      err.flush();
    }
  }
}
