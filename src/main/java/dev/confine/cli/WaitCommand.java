package dev.confine.cli;

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
      UnitExit exit = systemd.awaitExit(unit);
      if (output.json) {
        output.printJson(exit);
        return exit.exitStatus();
      }
      return ExitReport.report(exit, quiet, spec.commandLine().getErr());
    }
  }
}
