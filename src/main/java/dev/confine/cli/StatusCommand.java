package dev.confine.cli;

import dev.confine.Systemd;
import dev.confine.UnitStatus;
import dev.confine.UnitStatus.Pressure;
import dev.confine.UnitStatus.Stall;
import dev.confine.UnitStatus.Usage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code confine status UNIT}: state, limits, use, pressure, delegation and processes. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show a unit's state, limits, use, pressure, delegation and processes.",
      "Limits as systemd holds them and as the kernel enforces them; pressure is PSI."})
final class StatusCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Parameters(arity = "1..*", paramLabel = "UNIT", description = "Units, with or without their suffix.")
  List<String> units;

  @Override
  public Integer call() {
    // Everything that needs no bus is checked before connecting.
    units.forEach(Systemd::checkUnitName);
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      String separator = "";
      for (String unit : units) {
        UnitStatus status = systemd.status(unit);
        if (output.json) {
          output.printJson(status);
        } else {
          output.out().print(separator);
          print(status, output.out());
          separator = "\n";
        }
      }
    }
    return 0;
  }

  private static void print(UnitStatus s, PrintWriter out) {
    out.println(s.unit() + (s.description().isEmpty() ? "" : " - " + s.description()));
    line(out, "State", s.activeState() + " (" + s.subState() + "), result " + s.result() + ", freezer "
        + s.freezerState() + (s.transientUnit() ? ", transient" : ""));
    line(out, "CGroup", s.controlGroup().isEmpty() ? "-" : s.controlGroup());
    s.mainPid().ifPresent(pid -> line(out, "Main PID", Long.toString(pid)));
    line(out, "Limits", s.configured().isEmpty() ? "none set" : pairs(s.configured(), " "));
    if (!s.effective().isEmpty()) {
      line(out, "Effective", pairs(s.effective(), ", "));
    }
    Usage u = s.usage();
    line(out, "Memory", Human.bytes(u.memoryCurrent()) + " (peak " + Human.bytes(u.memoryPeak()) + ", swap "
        + Human.bytes(u.swapCurrent()) + ")");
    line(out, "CPU", Human.cpu(u.cpuUsageNanos()));
    line(out, "Tasks", Human.number(u.tasksCurrent()));
    line(out, "IO", "read " + Human.bytes(u.ioReadBytes()) + ", written " + Human.bytes(u.ioWriteBytes()));
    if (!s.pressure().isEmpty()) {
      List<String> pressure = new ArrayList<>();
      s.pressure().forEach((resource, p) -> pressure.add(resource + " " + pressure(p)));
      line(out, "Pressure", String.join("; ", pressure));
    }
    UnitStatus.Delegation d = s.delegation();
    line(out, "Delegation", !d.delegate() ? "no" : "yes (" + String.join(" ", d.controllers()) + ")"
        + (d.subgroup().isEmpty() ? "" : ", subgroup " + d.subgroup())
        + (d.ownerUid().isPresent() ? ", owner uid " + d.ownerUid().getAsLong() : ""));
    if (!s.processes().isEmpty()) {
      out.printf("%12s:%n", "Processes");
      s.processes().forEach(p -> out.printf("%14d %s %s%n", p.pid(), p.cgroup(), p.command()));
    }
    out.flush();
  }

  /** {@code some 0.00/0.00/0.00} (avg10/avg60/avg300 in percent), and full when there is one. */
  private static String pressure(Pressure p) {
    return "some " + stall(p.some()) + p.full().map(full -> ", full " + stall(full)).orElse("");
  }

  private static String stall(Stall s) {
    return String.format("%.2f/%.2f/%.2f", s.avg10(), s.avg60(), s.avg300());
  }

  private static String pairs(Map<String, String> values, String separator) {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(separator));
  }

  private static void line(PrintWriter out, String label, String value) {
    out.printf("%12s: %s%n", label, value);
  }
}
