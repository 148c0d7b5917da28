package dev.confine.cli;

import dev.confine.Systemd;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code confine set UNIT NAME=VALUE...}: systemctl set-property --runtime, through the table. */
@Command(name = "set", mixinStandardHelpOptions = true,
    description = {"Change properties of a running scope or service until it stops.",
      "NAME=VALUE as for run -p; creation-only properties (Delegate, Slice ...) are refused."})
final class SetCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "UNIT", description = "The unit, with or without its suffix.")
  String unit;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "NAME=VALUE",
      completionCandidates = RunCommand.PropertyNames.class, description = "Properties to change.")
  List<String> assignments;

  /** The --json line. */
  record Result(String unit, List<String> properties) {}

  @Override
  public Integer call() {
    // Everything that needs no bus is checked before connecting.
    Systemd.checkUnitName(unit);
    assignments.forEach(Systemd::checkChange);
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      String name = systemd.unitName(unit);
      systemd.set(name, assignments);
      if (output.json) {
        output.printJson(new Result(name, assignments));
      }
    }
    return 0;
  }
}
