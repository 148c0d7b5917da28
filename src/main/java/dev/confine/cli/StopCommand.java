package dev.confine.cli;

import dev.confine.Systemd;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code confine stop UNIT...}: stops units and waits until they have stopped. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop scopes or services and wait until they have stopped.")
final class StopCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Parameters(arity = "1..*", paramLabel = "UNIT", description = "Units, with or without their suffix.")
  List<String> units;

  /** The --json line per unit stopped. */
  record Result(String unit) {}

  @Override
  public Integer call() {
    // Everything that needs no bus is checked before connecting.
    units.forEach(Systemd::checkUnitName);
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      for (String unit : units) {
        String name = systemd.unitName(unit);
        systemd.stop(name);
        if (output.json) {
          output.printJson(new Result(name));
        }
      }
    }
    return 0;
  }
}
