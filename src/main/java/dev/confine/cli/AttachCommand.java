package dev.confine.cli;

import dev.confine.Systemd;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code confine attach UNIT PID...}: AttachProcessesToUnit. */
@Command(name = "attach", mixinStandardHelpOptions = true,
    description = {"Move running processes into a unit.",
      "systemd allows it only into an active unit started with Delegate=yes, and, unless you are root,"
          + " only for processes of your own user."})
final class AttachCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "UNIT", description = "The unit, with or without its suffix.")
  String unit;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "PID", description = "Processes to move.")
  List<Long> pids;

  /** The --json line. */
  record Result(String unit, List<Long> pids) {}

  @Override
  public Integer call() {
    // Everything that needs no bus is checked before connecting.
    Systemd.checkUnitName(unit);
    for (long pid : pids) {
      if (pid <= 0 || pid > 0xffff_ffffL) {
        throw new IllegalArgumentException("invalid value for PID: '" + pid + "' (expected a process ID above 0)");
      }
    }
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      String name = systemd.unitName(unit);
      systemd.attach(name, pids.stream().mapToLong(Long::longValue).toArray());
      if (output.json) {
        output.printJson(new Result(name, pids));
      }
    }
    return 0;
  }
}
