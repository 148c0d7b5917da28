package dev.confine.examples;

import dev.confine.Manager;
import dev.confine.ScopeSpec;
import dev.confine.ScopedProcess;
import dev.confine.Systemd;
import dev.confine.SystemdException;
import dev.confine.UnitExit;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the jobs of a file, each in a transient scope of its own with the same limits, N at a time.
 *
 * <pre>
 * java -cp confine.jar:EXAMPLES dev.confine.examples.JobRunner [--system|--user] [--slice SLICE]
 *     [--parallel N] [-p NAME=VALUE]... JOBFILE
 *
 * java -cp target/confine.jar:target/test-classes dev.confine.examples.JobRunner \
 *     -p MemoryMax=256M -p CPUQuota=50% --parallel 4 jobs.txt
 * </pre>
 *
 * <p>Each line of JOBFILE that is not empty and does not start with {@code #} is a shell command; it
 * runs as {@code /bin/sh -c LINE} in a new scope {@code confine-<32 hex>.scope}, the only names the
 * rules in polkit/ let a non-root system account start. {@code -p} takes systemd's unit-file
 * syntax, as {@code systemd-run -p} does. The jobs' output goes to this program's stdout and stderr
 * as it comes; when a job ends, one line tells its unit, its exit status and, when something else
 * ended it, why ("killed by the OOM killer: memory use reached MemoryMax=20M"). Exit status: 0 when
 * every job succeeded, 1 when one did not, 2 for a usage error.
 *
 * <p>The manager is the one systemd-run picks: the system manager for root, else the user's.
 * units/scope-registrar.service runs this program as a non-root system account.
 */
public final class JobRunner {
  private static final String USAGE = "Usage: JobRunner [--system|--user] [--slice SLICE] [--parallel N]"
      + " [-p NAME=VALUE]... JOBFILE";

  /** The scopes of the jobs running now, to stop them if this program is stopped first. */
  private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();

  private JobRunner() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  static int run(String[] args) throws Exception {
    Manager manager = Manager.forCurrentUser();
    String slice = null;
    int parallel = Runtime.getRuntime().availableProcessors();
    List<String> properties = new ArrayList<>();
    Path jobFile = null;
    List<ScopeSpec> specs = new ArrayList<>();
    List<String> commands;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--system" -> manager = Manager.SYSTEM;
          case "--user" -> manager = Manager.USER;
          case "--slice" -> slice = argument(args, ++i);
          case "--parallel" -> parallel = positive(argument(args, ++i));
          case "-p" -> properties.add(argument(args, ++i));
          default -> {
            if (jobFile != null || args[i].startsWith("-")) {
              throw new IllegalArgumentException("unexpected argument '" + args[i] + "'\n" + USAGE);
            }
            jobFile = Path.of(args[i]);
          }
        }
      }
      if (jobFile == null) {
        throw new IllegalArgumentException("a job file is required\n" + USAGE);
      }
      commands = Files.readAllLines(jobFile).stream()
          .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
      // Every job's spec is built before anything runs: a bad -p (MemoryMax=lots) stops us here.
      for (String command : commands) {
        ScopeSpec.Builder spec = ScopeSpec.builder().description("JobRunner: " + command);
        properties.forEach(spec::property);
        if (slice != null) {
          spec.slice(slice);
        }
        specs.add(spec.build());
      }
    } catch (IllegalArgumentException e) { // InvalidPropertyException among them
      System.err.println("JobRunner: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("JobRunner: cannot read " + jobFile + ": " + e.getClass().getSimpleName());
      return 2;
    }

    // The connection stays open while the jobs run: it pins their scopes, so that each job's
    // exit() can still ask systemd how it ended after its scope is gone.
    try (Systemd systemd = Systemd.connect(manager)) {
      // The jobs live in scopes of their own, outside this program's cgroup: when this program is
      // stopped (systemctl stop, kill), nothing else would stop them.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(unit -> stopQuietly(systemd, unit))));
      ExecutorService pool = Executors.newFixedThreadPool(parallel);
      try {
        List<Future<Boolean>> jobs = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
          ScopeSpec spec = specs.get(i);
          String command = commands.get(i);
          jobs.add(pool.submit(() -> runJob(systemd, spec, command)));
        }
        boolean allSucceeded = true;
        for (Future<Boolean> job : jobs) {
          allSucceeded &= job.get();
        }
        return allSucceeded ? 0 : 1;
      } finally {
        pool.shutdown();
      }
    } catch (SystemdException e) { // no manager to talk to: what is wrong and what to do
      System.err.println("JobRunner: " + e.getMessage());
      return 1;
    }
  }

  /** Runs one job in its scope and reports how it ended; true when it exited with status 0. */
  private static boolean runJob(Systemd systemd, ScopeSpec spec, String command) throws InterruptedException {
    // launch() creates the process paused, puts it into the new scope and only then lets it run
    // the command: no instruction of the job runs outside its limits.
    ProcessBuilder payload = new ProcessBuilder("/bin/sh", "-c", command)
        .redirectInput(Redirect.from(new File("/dev/null")))
        .redirectOutput(Redirect.INHERIT)
        .redirectError(Redirect.INHERIT);
    ScopedProcess job;
    try {
      job = systemd.launch(spec, payload, started -> RUNNING.add(started.unit()));
    } catch (IOException | SystemdException e) {
      System.err.println("JobRunner: cannot start '" + command + "': " + e.getMessage());
      return false;
    }
    try {
      int status = job.waitFor(); // 128+N when signal N killed it, as shells tell it
      UnitExit exit = job.exit();
      String why = exit.explanation().map(explanation -> " (" + explanation + ")").orElse("");
      System.out.println(job.unit() + ": exit status " + status + why + ": " + command);
      return status == 0;
    } finally {
      RUNNING.remove(job.unit());
    }
  }

  private static void stopQuietly(Systemd systemd, String unit) {
    try {
      systemd.stop(unit);
      System.err.println("JobRunner: stopped " + unit);
    } catch (SystemdException alreadyGone) {
      // It ended on its own meanwhile.
    }
  }

  private static String argument(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static int positive(String number) {
    try {
      int n = Integer.parseInt(number);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new IllegalArgumentException("--parallel takes a positive number, not '" + number + "'");
  }
}
