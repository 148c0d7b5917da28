package dev.confine.cli;

import dev.confine.Subscription;
import dev.confine.Systemd;
import dev.confine.UnitEvent;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code confine events [UNIT...]}: property changes of transient units as they happen. */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = {"Print property changes of transient units as they happen.",
      "State, sub-state, main PID ... as systemd announces them, one per line; --json for JSON lines."})
final class EventsCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Exit after N events (default: run until interrupted).")
  int count;

  @Parameters(arity = "0..*", paramLabel = "UNIT", description = "Only these units, transient or not (a name without suffix must be loaded).")
  Set<String> units = Set.of();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = output.out();
    AtomicInteger printed = new AtomicInteger();
    // Everything that needs no bus is checked before connecting.
    if (count < 0) {
      throw new IllegalArgumentException("invalid value for --count: '" + count + "' (expected 0 or more)");
    }
    units.forEach(Systemd::checkUnitName);
    try (Systemd systemd = Systemd.connect(managerOptions.manager());
        Subscription events = systemd.watchUnits(fullNames(systemd), event -> {
          out.println(output.json ? Json.write(event) : text(event));
          out.flush();
          if (printed.incrementAndGet() == count) {
            systemd.close(); // ends awaitClose below
          }
        })) {
      // Ready: what happens from here on is reported (tests and scripts wait for this line).
      output.err().println("confine: watching unit changes");
      output.err().flush();
      // Through restarts of systemd and the bus; a bus lost for good ends it with one line.
      systemd.awaitClose();
    }
    return 0;
  }

  /** The units asked for; a name without suffix must be loaded to tell .service from .scope. */
  private Set<String> fullNames(Systemd systemd) {
    return units.stream().map(systemd::unitName).collect(Collectors.toSet());
  }

  private static String text(UnitEvent event) {
    return event.time() + " " + event.unit() + " " + event.iface() + ": " + event.changed().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }
}
