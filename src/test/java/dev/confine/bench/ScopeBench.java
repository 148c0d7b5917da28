package dev.confine.bench;

import dev.confine.Bytes;
import dev.confine.Manager;
import dev.confine.Percent;
import dev.confine.ScopeSpec;
import dev.confine.Systemd;
import dev.confine.SystemdException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The library's part of {@code bin/bench} (a benchmark, not a test), run in the test VM by
 * {@code src/test/vm/guest/bench-full.sh} through the public API only. Each unit is a transient
 * scope with {@code MemoryMax=64M CPUQuota=50%} holding one live {@code sleep}; a start is timed
 * from the call to its return, when systemd's job is done.
 *
 * <pre>
 * ScopeBench latency user|system IN_FLIGHT WARMUP UNITS PARALLEL_UNITS
 *   start_ms MS                      one line per sequential start (each unit stopped before the next)
 *   parallel UNITS WALL_MS           PARALLEL_UNITS starts, IN_FLIGHT at a time on one connection
 * ScopeBench memory user|system IN_FLIGHT HELD CYCLES
 *   process PHASE RSS_KIB THREADS FDS HEAP_KIB   PHASE: cycles-start, cycles-half, cycles-end, holding
 *   cycles COUNT MS                  time spent in the starts and stops of CYCLES sequential cycles
 *   held HELD IN_FLIGHT FAILED MS    HELD scopes started IN_FLIGHT at a time and held: failures, wall time
 * </pre>
 *
 * <p>src/test/bench/go/scopebench.go prints the latency lines in the same form.
 */
public final class ScopeBench {
  private static final ScopeSpec SPEC =
      ScopeSpec.builder().memoryMax(Bytes.mebibytes(64)).cpuQuota(Percent.of(50)).build();
  /** Sleepers are spawned in batches of this size during the cycles. */
  private static final int SPAWN_BATCH = 500;

  private ScopeBench() {}

  public static void main(String[] args) throws Exception {
    Manager manager = Manager.valueOf(args[1].toUpperCase(Locale.ROOT));
    int inFlight = Integer.parseInt(args[2]);
    try (Systemd systemd = Systemd.connect(manager)) {
      switch (args[0]) {
        case "latency" -> latency(systemd, inFlight, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
            Integer.parseInt(args[5]));
        case "memory" -> memory(systemd, inFlight, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        default -> throw new IllegalArgumentException("unknown mode " + args[0] + ": latency or memory");
      }
    }
  }

  private static void latency(Systemd systemd, int inFlight, int warmup, int units, int parallelUnits)
      throws Exception {
    cycles(systemd, warmup);
    for (long pid : spawnSleepers(units)) {
      long start = System.nanoTime();
      String unit = systemd.startScope(SPEC, pid);
      long end = System.nanoTime();
      systemd.stop(unit);
      System.out.printf(Locale.ROOT, "start_ms %.2f%n", (end - start) / 1e6);
    }
    long[] pids = spawnSleepers(parallelUnits);
    long start = System.nanoTime();
    List<String> started = startAll(systemd, pids, inFlight);
    long end = System.nanoTime();
    System.out.printf(Locale.ROOT, "parallel %d %.1f%n", started.size(), (end - start) / 1e6);
    stopAll(systemd, started, inFlight);
  }

  private static void memory(Systemd systemd, int inFlight, int held, int cycles) throws Exception {
    cycles(systemd, 10);   // the JIT and the connection warmed up, as in a running service
    printProcess("cycles-start");
    // Halfway too: growth that stops early is the JVM touching its heap for the first time; a leak
    // keeps growing in the second half.
    long spent = cycles(systemd, cycles / 2);
    printProcess("cycles-half");
    spent += cycles(systemd, cycles - cycles / 2);
    printProcess("cycles-end");
    System.out.printf(Locale.ROOT, "cycles %d %.1f%n", cycles, spent / 1e6);

    long[] sleepers = spawnSleepers(held);
    List<Callable<String>> starts = new ArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    for (long pid : sleepers) {
      starts.add(() -> {
        try {
          return systemd.startScope(SPEC, pid);
        } catch (SystemdException e) {
          failures.incrementAndGet();
          System.err.println("held start failed: " + e.getMessage());
          new ProcessBuilder("kill", Long.toString(pid)).start().waitFor();
          return null;
        }
      });
    }
    long start = System.nanoTime();
    List<String> units = inPool(inFlight, starts).stream().filter(Objects::nonNull).toList();
    System.out.printf(Locale.ROOT, "held %d %d %d %.1f%n", held, inFlight, failures.get(),
        (System.nanoTime() - start) / 1e6);
    printProcess("holding");
    stopAll(systemd, units, inFlight);
  }

  /** Runs {@code count} start/stop cycles one after the other; returns the nanoseconds they took. */
  private static long cycles(Systemd systemd, int count) throws IOException, InterruptedException {
    long spent = 0;
    for (int done = 0; done < count; done += SPAWN_BATCH) {
      for (long pid : spawnSleepers(Math.min(SPAWN_BATCH, count - done))) {
        long start = System.nanoTime();
        systemd.stop(systemd.startScope(SPEC, pid));
        spent += System.nanoTime() - start;
      }
    }
    return spent;
  }

  /** Starts a scope for each PID, {@code inFlight} at a time; returns the units in PID order. */
  private static List<String> startAll(Systemd systemd, long[] pids, int inFlight) throws Exception {
    List<Callable<String>> starts = new ArrayList<>();
    for (long pid : pids) {
      starts.add(() -> systemd.startScope(SPEC, pid));
    }
    return inPool(inFlight, starts);
  }

  private static void stopAll(Systemd systemd, List<String> units, int inFlight) throws Exception {
    List<Callable<Void>> stops = new ArrayList<>();
    for (String unit : units) {
      stops.add(() -> {
        systemd.stop(unit);
        return null;
      });
    }
    inPool(inFlight, stops);
  }

  /**
   * Runs the calls on {@code threads} threads and returns their results; the threads have ended
   * when it returns, so that the memory figures count the library's threads, not the bench's.
   * (A terminated pool's threads still show in /proc for a while unless they are joined.)
   */
  private static <T> List<T> inPool(int threads, List<Callable<T>> calls) throws Exception {
    List<Thread> workers = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
      Thread worker = new Thread(task);
      workers.add(worker);
      return worker;
    });
    try {
      List<T> results = new ArrayList<>();
      for (Future<T> call : pool.invokeAll(calls)) {
        results.add(call.get());
      }
      return results;
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      for (Thread worker : workers) {
        worker.join();
      }
    }
  }

  /**
   * Starts {@code count} {@code sleep 3600} processes and returns their PIDs. A shell that exits at
   * once starts them, not this JVM: each live child of a JVM keeps a "process reaper" thread, which
   * would count against the library in the memory figures. Stopping a scope kills its sleeper.
   */
  private static long[] spawnSleepers(int count) throws IOException, InterruptedException {
    Process shell = new ProcessBuilder("sh", "-c",
        "i=0; while [ $i -lt $1 ]; do sleep 3600 >/dev/null & echo $!; i=$((i + 1)); done", "sh", String.valueOf(count))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long[] pids;
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII))) {
      pids = lines.lines().mapToLong(Long::parseLong).toArray();
    }
    if (shell.waitFor() != 0 || pids.length != count) {
      throw new IOException("could not start " + count + " sleep processes (started " + pids.length + ")");
    }
    return pids;
  }

  /** One {@code process} line: RSS and threads from /proc/self/status, open fds, heap after a GC. */
  private static void printProcess(String phase) throws IOException {
    String rss = "?";
    String threads = "?";
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      String[] field = line.split("\\s+");
      if (field[0].equals("VmRSS:")) {
        rss = field[1];
      } else if (field[0].equals("Threads:")) {
        threads = field[1];
      }
    }
    long fds;
    try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
      fds = open.count() - 1;   // without the directory stream counting them
    }
    // RSS counts heap the JVM has not given back; the heap in use after a GC shows what is kept.
    System.gc();
    long heapKib = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    System.out.printf(Locale.ROOT, "process %s %s %s %d %d%n", phase, rss, threads, fds, heapKib);
  }
}
