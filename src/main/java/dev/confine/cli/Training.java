package dev.confine.cli;

import dev.confine.Manager;
import dev.confine.ScopeSpec;
import dev.confine.Systemd;
import dev.confine.SystemdException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;

/**
 * The work bin/confine records its class-data archive from, once per jar and JVM: the command
 * lines most calls go through, run up to where they would change something, and read-only calls
 * to each manager whose bus answers. The archive then holds the classes a real call
 * loads, already parsed and verified. Prints nothing and changes nothing.
 */
public final class Training {
  /** A command that cannot exist: {@code run} gets as far as looking it up, then stops. */
  private static final String NO_SUCH_COMMAND = "/nonexistent/confine-training";

  private static final List<String[]> COMMAND_LINES = List.of(
      new String[] {"--version"},
      new String[] {"--help"},
      new String[] {"run", "--help"},
      new String[] {"run", "-p", "help"},
      new String[] {"run", "-p", "Bogus=1", "--", "true"},
      new String[] {"run", "--user", "--system", "--", "true"},
      new String[] {"run", "--scope", "-q", "-p", "MemoryMax=64M", "-p", "CPUQuota=50%", "-p", "TasksMax=10",
          "--", NO_SUCH_COMMAND},
      new String[] {"run", "--wait", "-q", "-p", "MemoryMax=64M", "--unit", "bad/name", "--", NO_SUCH_COMMAND},
      new String[] {"list"},
      new String[] {"status", "confine-training-no-such-unit.scope"});

  /** A bus that accepts the connection but never answers must not hold up the first call. */
  private static final long AT_MOST_MS = 60_000;

  private Training() {}

  public static void main(String[] args) throws InterruptedException {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true);
    System.setOut(nowhere);
    System.setErr(nowhere);
    Main.configureLogging();
    Thread training = new Thread(() -> {
      COMMAND_LINES.forEach(Training::runQuietly);
      readFromManagers();
    }, "training");
    training.setDaemon(true);
    training.start();
    training.join(AT_MOST_MS);
    System.exit(0);
  }

  private static void runQuietly(String[] args) {
    picocli.CommandLine commandLine = Main.commandLine(args);
    PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream(), true);
    commandLine.setOut(nowhere);
    commandLine.setErr(nowhere);
    commandLine.execute(args);
  }

  /**
   * What a start reads before it sends anything, and the error path of a missing unit, from each
   * manager whose bus answers (the same classes serve both).
   */
  private static void readFromManagers() {
    ScopeSpec spec = ScopeSpec.builder().property("MemoryMax", "64M").property("CPUQuota", "50%").build();
    for (Manager manager : Manager.values()) {
      try (Systemd systemd = Systemd.connect(manager)) {
        systemd.majorVersion();
        systemd.preflight(spec);
        systemd.unitName("confine-training-no-such-unit");
      } catch (SystemdException expected) {
        // No bus here (a build machine, a container), or the unit is missing as it should be.
      }
    }
  }
}
