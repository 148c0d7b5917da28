package dev.confine.cli;

import dev.confine.Systemd;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code confine reset-failed [UNIT...]}, as systemctl reset-failed. */
@Command(name = "reset-failed", mixinStandardHelpOptions = true,
    description = {"Clear the failed state of units.",
      "Of every unit of the manager when none is given; a failed transient unit then goes away."})
final class ResetFailedCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Parameters(arity = "0..*", paramLabel = "UNIT", description = "Units, with or without their suffix.")
  List<String> units = List.of();

  /** The --json line: the units reset, or null for all of them. */
  record Result(List<String> units) {}

  @Override
  public Integer call() {
    // Everything that needs no bus is checked before connecting.
    units.forEach(Systemd::checkUnitName);
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      if (units.isEmpty()) {
        systemd.resetFailed();
        if (output.json) {
          output.printJson(new Result(null));
        }
        return 0;
      }
      List<String> names = units.stream().map(systemd::unitName).toList();
      names.forEach(systemd::resetFailed);
      if (output.json) {
        output.printJson(new Result(names));
      }
    }
    return 0;
  }
}
