package dev.confine.cli;

import dev.confine.NoSuchUnitException;
import dev.confine.Systemd;
import dev.confine.UnitExit;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code confine wait UNIT}: waits for a unit to end and exits as {@code run --wait}. */
@Command(name = "wait", mixinStandardHelpOptions = true,
    description = {"Wait until a service or scope has ended; exit as run --wait.",
      "0 on success, the service's exit status, 255 if a signal killed it, else 1."})
final class WaitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Option(names = {"-q", "--quiet"}, description = "Print no informational messages.")
  boolean quiet;

  @Parameters(paramLabel = "UNIT", description = "The unit, with or without its suffix.")
  String unit;

  @Override
  public Integer call() throws InterruptedException {
    Systemd.checkUnitName(unit);
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      UnitExit exit;
      try {
        exit = systemd.awaitExit(unit);
      } catch (NoSuchUnitException e) {
        // The likely case on a slow machine: the unit ended, and was collected, before we came.
        throw new NoSuchUnitException(e.getMessage().replaceFirst("\\.$", "")
            + "; a unit that has ended is unloaded at once unless it was started with"
            + " --no-collect: to learn how a unit ends, start it with confine run --wait, or with"
            + " --no-collect and wait for it later", e.dbusErrorName(), e);
      }
      if (output.json) {
        output.printJson(exit);
        return exit.exitStatus();
      }
      return ExitReport.report(exit, quiet, spec.commandLine().getErr());
    }
  }
}
