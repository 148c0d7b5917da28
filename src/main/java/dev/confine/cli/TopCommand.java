package dev.confine.cli;

import dev.confine.Systemd;
import dev.confine.UnitSummary;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code confine top}: transient units by CPU or memory use, refreshed, as systemd-cgtop. */
@Command(name = "top", mixinStandardHelpOptions = true,
    description = {"Show the transient units by CPU or memory use, refreshed.",
      "Every --delay seconds. On a terminal the screen is redrawn; otherwise (or with --batch) each round is"
          + " printed after the last, as systemd-cgtop does."})
final class TopCommand implements Callable<Integer> {
  enum Order { cpu, memory, tasks }

  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Option(names = "--order", defaultValue = "cpu", paramLabel = "cpu|memory|tasks",
      description = "Order by CPU use (default), memory now or tasks.")
  Order order;

  @Option(names = {"-n", "--iterations"}, paramLabel = "N", description = "Stop after N rounds (default: run until interrupted).")
  int iterations;

  @Option(names = {"-d", "--delay"}, defaultValue = "1", paramLabel = "SECONDS", description = "Seconds between rounds (default 1).")
  double delay;

  @Option(names = {"-b", "--batch"}, description = "Print each round after the last even on a terminal.")
  boolean batch;

  @Override
  public Integer call() throws InterruptedException {
    if (!(delay > 0)) {
      throw new IllegalArgumentException("invalid value for --delay: '" + delay + "' (expected seconds above 0)");
    }
    if (iterations < 0) {
      throw new IllegalArgumentException("invalid value for --iterations: '" + iterations + "' (expected 0 or more)");
    }
    boolean redraw = !batch && !output.json && onTerminal();
    PrintWriter out = output.out();
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      Map<String, long[]> previous = new HashMap<>();
      for (int round = 1; iterations == 0 || round <= iterations; round++) {
        if (round > 1) {
          Thread.sleep((long) (delay * 1000));
        }
        long now = System.nanoTime();
        List<UnitSummary> units = new ArrayList<>(systemd.list(false));
        // CPU share since the previous round: CPU time used / wall time passed, in percent of one CPU.
        Map<String, Double> cpuPercent = new LinkedHashMap<>();
        Map<String, long[]> current = new HashMap<>();
        for (UnitSummary unit : units) {
          unit.cpuUsageNanos().ifPresent(cpu -> {
            current.put(unit.unit(), new long[] {cpu, now});
            long[] before = previous.get(unit.unit());
            if (before != null && now > before[1]) {
              cpuPercent.put(unit.unit(), 100.0 * (cpu - before[0]) / (now - before[1]));
            }
          });
        }
        previous.clear();
        previous.putAll(current);
        units.sort(ordering(cpuPercent));
        if (output.json) {
          Map<String, Object> snapshot = new LinkedHashMap<>();
          snapshot.put("time", Instant.now());
          snapshot.put("units", units);
          snapshot.put("cpuPercent", cpuPercent);
          output.printJson(snapshot);
          continue;
        }
        if (redraw) {
          out.print("\033[H\033[2J");
        } else if (round > 1) {
          out.println();
        }
        ListCommand.print(units, out, true, cpuPercent);
      }
    }
    return 0;
  }

  /**
   * Whether stdin and stdout are a terminal. Up to Java 21 System.console() says so by existing;
   * from Java 22 on it always exists and Console.isTerminal() says it.
   */
  private static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException beforeJava22) {
      return true;
    }
  }

  private Comparator<UnitSummary> ordering(Map<String, Double> cpuPercent) {
    Comparator<UnitSummary> byMemory = Comparator.comparingLong(u -> u.memoryCurrent().orElse(0));
    Comparator<UnitSummary> byTasks = Comparator.comparingLong(u -> u.tasksCurrent().orElse(0));
    Comparator<UnitSummary> byCpu = Comparator.comparingDouble(u -> cpuPercent.getOrDefault(u.unit(), 0.0));
    Comparator<UnitSummary> first = switch (order) {
      case cpu -> byCpu.thenComparing(byMemory);
      case memory -> byMemory.thenComparing(byCpu);
      case tasks -> byTasks.thenComparing(byMemory);
    };
    return first.reversed().thenComparing(UnitSummary::unit);
  }
}
