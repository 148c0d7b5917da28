package dev.confine.cli;

import dev.confine.Systemd;
import dev.confine.UnitSummary;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code confine list}: the transient scopes and services of a manager. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List the transient scopes and services of the manager.",
      "Not only confine's: state, memory now, CPU time, tasks and main limits."})
final class ListCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Option(names = {"-a", "--all"}, description = "Also list inactive units that are still loaded.")
  boolean all;

  @Option(names = "--no-legend", description = "Print neither the column headings nor the count.")
  boolean noLegend;

  @Override
  public Integer call() {
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      List<UnitSummary> units = systemd.list(all);
      if (output.json) {
        output.printJson(units);
      } else {
        print(units, output.out(), !noLegend, null);
      }
    }
    return 0;
  }

  /** The table list and top print; {@code cpuPercent} adds top's CPU column when not null. */
  static void print(List<UnitSummary> units, PrintWriter out, boolean legend, Map<String, Double> cpuPercent) {
    int width = Math.max(4, units.stream().mapToInt(u -> u.unit().length()).max().orElse(4));
    String format = "%-" + width + "s %-8s %-10s %8s %10s %6s%s  %s%n";
    if (legend) {
      out.printf(format, "UNIT", "ACTIVE", "SUB", "MEMORY", "CPU", "TASKS", cpuPercent == null ? "" : "   CPU%",
          "LIMITS");
    }
    for (UnitSummary unit : units) {
      String percent = "";
      if (cpuPercent != null) {
        Double p = cpuPercent.get(unit.unit());
        percent = p == null ? "      -" : String.format("%7.1f", p);
      }
      out.printf(format, unit.unit(), unit.activeState(), unit.subState(), Human.bytes(unit.memoryCurrent()),
          Human.cpu(unit.cpuUsageNanos()), Human.number(unit.tasksCurrent()), percent,
          unit.limits().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
    }
    if (legend) {
      out.printf("%n%d transient unit%s listed.%n", units.size(), units.size() == 1 ? "" : "s");
    }
    out.flush();
  }
}
