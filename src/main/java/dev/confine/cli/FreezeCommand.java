package dev.confine.cli;

import dev.confine.Systemd;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code confine freeze UNIT...} and {@code confine thaw UNIT...}: the cgroup freezer. */
@Command(name = "freeze", mixinStandardHelpOptions = true,
    description = "Freeze every process of units (cgroup freezer) until they are thawed.")
class FreezeCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Parameters(arity = "1..*", paramLabel = "UNIT", description = "Units, with or without their suffix.")
  List<String> units;

  /** The --json line per unit. */
  record Result(String unit, String freezerState) {}

  boolean freezing() {
    return true;
  }

  @Override
  public Integer call() {
    // Everything that needs no bus is checked before connecting.
    units.forEach(Systemd::checkUnitName);
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      for (String unit : units) {
        String name = systemd.unitName(unit);
        if (freezing()) {
          systemd.freeze(name);
        } else {
          systemd.thaw(name);
        }
        if (output.json) {
          output.printJson(new Result(name, systemd.freezerState(name)));
        }
      }
    }
    return 0;
  }

  @Command(name = "thaw", mixinStandardHelpOptions = true, description = "Thaw frozen units.")
  static final class ThawCommand extends FreezeCommand {
    @Override
    boolean freezing() {
      return false;
    }
  }
}
