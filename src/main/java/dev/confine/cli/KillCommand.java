package dev.confine.cli;

import dev.confine.KillWhom;
import dev.confine.Systemd;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code confine kill [--signal SIG] [--whom main|control|all] UNIT...}, as systemctl kill. */
@Command(name = "kill", mixinStandardHelpOptions = true,
    description = "Send a signal to processes of units, as systemctl kill.")
final class KillCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Option(names = {"-s", "--signal"}, defaultValue = "SIGTERM", paramLabel = "SIGNAL",
      description = "The signal: a name (TERM, SIGKILL) or number; default SIGTERM.")
  String signal;

  @Option(names = {"--whom", "--kill-whom"}, defaultValue = "all", paramLabel = "main|control|all",
      description = "The main process, the control process or all processes (default).")
  String whom;

  @Parameters(arity = "1..*", paramLabel = "UNIT", description = "Units, with or without their suffix.")
  List<String> units;

  /** The --json line per unit. */
  record Result(String unit, String signal, String whom) {}

  @Override
  public Integer call() {
    // Everything that needs no bus is checked before connecting.
    KillWhom target = KillWhom.of(whom);
    Systemd.signalNumber(signal);
    units.forEach(Systemd::checkUnitName);
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      for (String unit : units) {
        String name = systemd.unitName(unit);
        systemd.kill(name, target, signal);
        if (output.json) {
          output.printJson(new Result(name, signal, whom));
        }
      }
    }
    return 0;
  }
}
