package dev.confine.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Bytes;
import dev.confine.Manager;
import dev.confine.ScopeSpec;
import dev.confine.ScopedProcess;
import dev.confine.ServiceSpec;
import dev.confine.Subscription;
import dev.confine.Systemd;
import dev.confine.UnitExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many threads of one library connection, and many confine processes, at the same time: none
 * fails another, each unit gets its own limits, a name taken twice at once has one winner, and
 * nothing is left behind.
 */
@Tag("vm")
class ConcurrencyVmTest {
  private static final int UNITS = 32;
  private static final int THREADS = 16;

  @Test
  void threadsOfOneConnectionLaunchWaitAndWatchTogether() throws Exception {
    String prefix = Guest.uniqueName("confine-threads");
    Set<String> heard = ConcurrentHashMap.newKeySet();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser());
        Subscription events = systemd.watchUnits(event -> heard.add(event.unit()))) {
      List<Future<String>> runs = new ArrayList<>();
      for (int i = 0; i < UNITS; i++) {
        String name = prefix + "-" + i;
        Bytes memoryMax = Bytes.mebibytes(32 + i);
        boolean asScope = i % 2 == 0;
        runs.add(threads.submit(() -> asScope ? scope(systemd, name, memoryMax) : service(systemd, name)));
      }
      List<String> failures = new ArrayList<>();
      for (Future<String> run : runs) {
        String failure = run.get(5, TimeUnit.MINUTES);
        if (failure != null) {
          failures.add(failure);
        }
      }
      assertEquals(List.of(), failures);
      // Events come on the subscription's own thread, which may still be behind the waits.
      List<String> unheard = unheard(prefix, heard);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!unheard.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        unheard = unheard(prefix, heard);
      }
      assertEquals(List.of(), unheard, "units of which no event came");
    } finally {
      threads.shutdownNow();
    }
    // Each unit is let go once its end was read; systemd collects it a moment later.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String left;
    while (!(left = Guest.systemctl("list-units", "--all", "--plain", "--no-legend", prefix + "-*")).isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals("", left);
  }

  private static List<String> unheard(String prefix, Set<String> heard) {
    List<String> unheard = new ArrayList<>();
    for (int i = 0; i < UNITS; i++) {
      String unit = prefix + "-" + i + (i % 2 == 0 ? ".scope" : ".service");
      if (!heard.contains(unit)) {
        unheard.add(unit);
      }
    }
    return unheard;
  }

  /** A scope with its own MemoryMax around a short sleep: null if all went as it should. */
  private static String scope(Systemd systemd, String name, Bytes memoryMax) throws Exception {
    ScopedProcess process = systemd.launch(ScopeSpec.builder().name(name).memoryMax(memoryMax).build(),
        new ProcessBuilder("sh", "-c", "cat /sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)/memory.max; sleep 1")
            .redirectErrorStream(true));
    String limit = new String(process.process().getInputStream().readAllBytes()).trim();
    int status = process.waitFor();
    if (status != 0 || !limit.equals(Long.toString(memoryMax.value()))) {
      return name + ": status " + status + ", memory.max " + limit + " instead of " + memoryMax.value();
    }
    String result = process.exit().result();
    return result.equals("success") ? null : name + ": " + result;
  }

  /** A service that ends with status 3, waited for: null if its end was seen as it was. */
  private static String service(Systemd systemd, String name) throws Exception {
    String unit = systemd.start(ServiceSpec.builder(List.of("sh", "-c", "sleep 1; exit 3")).name(name)
        .property("CollectMode", "inactive-or-failed").build());
    var exit = systemd.awaitExit(unit);
    return exit.status() == 3 && exit.result().equals("exit-code") ? null : unit + ": " + exit;
  }

  @Test
  void threadsStartingOneNameHaveOneWinner() throws Exception {
    String name = Guest.uniqueName("confine-same");
    int contenders = 8;
    CyclicBarrier together = new CyclicBarrier(contenders);
    ExecutorService threads = Executors.newFixedThreadPool(contenders);
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      List<Future<String>> starts = new ArrayList<>();
      for (int i = 0; i < contenders; i++) {
        starts.add(threads.submit(() -> {
          together.await();
          try {
            return systemd.start(ServiceSpec.builder(List.of("sleep", "60")).name(name).build());
          } catch (UnitExistsException lost) {
            return "lost";
          }
        }));
      }
      List<String> outcomes = new ArrayList<>();
      for (Future<String> start : starts) {
        outcomes.add(start.get(2, TimeUnit.MINUTES));
      }
      assertEquals(contenders - 1, outcomes.stream().filter("lost"::equals).count(), outcomes::toString);
      systemd.stop(name + ".service");
    } finally {
      threads.shutdownNow();
    }
    assertEquals("not-found", Guest.loadState(name + ".service"));
  }

  /**
   * Two confine processes starting one name at once: one runs, the other says why in one line.
   * Root's pass only: the CLI's answer does not depend on the manager, and each process is a JVM
   * start, seconds under emulation.
   */
  @Test
  @Tag("vm-root")
  void processesStartingOneNameHaveOneWinner() throws Exception {
    String unit = Guest.uniqueName("confine-same") + ".service";
    int contenders = 2;
    List<Process> processes = new ArrayList<>();
    List<Path> errs = new ArrayList<>();
    try {
      for (int i = 0; i < contenders; i++) {
        Path err = Files.createTempFile("confine-same", ".err");
        errs.add(err);
        // Long enough to outlast the slowest JVM start of the others.
        processes.add(new ProcessBuilder(Guest.CONFINE.toString(), "run", "-q", "-u", unit, "--", "sleep", "600")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start());
      }
      int winners = 0;
      for (int i = 0; i < contenders; i++) {
        assertTrue(processes.get(i).waitFor(3, TimeUnit.MINUTES));
        String err = Files.readString(errs.get(i));
        if (processes.get(i).exitValue() == 0) {
          winners++;
          assertEquals("", err);
        } else {
          assertEquals(1, processes.get(i).exitValue(), err);
          assertEquals(1, err.lines().count(), err);
          assertTrue(err.startsWith("confine: Unit " + unit + " was already loaded or has a fragment file."), err);
        }
      }
      assertEquals(1, winners);
    } finally {
      Guest.systemctl("stop", unit);
      for (Path err : errs) {
        Files.deleteIfExists(err);
      }
    }
    assertEquals("not-found", Guest.loadState(unit));
  }
}
