package dev.confine.examples;

import dev.confine.Bytes;
import dev.confine.InvalidPropertyException;
import dev.confine.Manager;
import dev.confine.NoSuchUnitException;
import dev.confine.NotEnforced;
import dev.confine.ServiceSpec;
import dev.confine.Systemd;
import dev.confine.SystemdException;
import dev.confine.UnitExistsException;
import dev.confine.UnitStatus;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Keeps an agent small: the classic host-intrusion-detection agent that must never take the host
 * down with it, started as a transient system service held to {@code MemoryMax=50M} (no swap to
 * escape into) and {@code CPUQuota=5%}, started again 5 seconds after it dies, and its limits read
 * back as the kernel enforces them.
 *
 * <pre>
 * java -cp confine.jar:EXAMPLES dev.confine.examples.Agent [--user] [--stop] [-- COMMAND...]
 *
 * sudo java -cp target/confine.jar:target/test-classes dev.confine.examples.Agent
 * journalctl -u example-agent.service        # what it logs
 * sudo java -cp target/confine.jar:target/test-classes dev.confine.examples.Agent --stop
 * </pre>
 *
 * <p>Without COMMAND the agent is a harmless stand-in that checksums /etc every 10 seconds and logs
 * the sum. The service runs in the system manager, which only root may ask (or an account that
 * polkit allows to manage units); {@code --user} runs it in your own user manager instead, where
 * the memory and cpu controllers are delegated by default.
 */
public final class Agent {
  static final String UNIT = "example-agent.service";
  private static final String USAGE = "Usage: Agent [--user] [--stop] [-- COMMAND...]";
  private static final List<String> STAND_IN = List.of("sh", "-c",
      "while :; do echo \"/etc checksum: $(find /etc -type f -exec cksum {} + 2>/dev/null | cksum)\"; sleep 10; done");

  private Agent() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Manager manager = Manager.SYSTEM;
    boolean stop = false;
    List<String> command = STAND_IN;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--user")) {
        manager = Manager.USER;
      } else if (args[i].equals("--stop")) {
        stop = true;
      } else if (args[i].equals("--") && i + 1 < args.length) {
        command = List.of(args).subList(i + 1, args.length);
        break;
      } else {
        System.err.println("Agent: unexpected argument '" + args[i] + "'\n" + USAGE);
        return 2;
      }
    }
    String again = "java ... Agent" + (manager == Manager.USER ? " --user" : "");

    try (Systemd systemd = Systemd.connect(manager)) {
      if (stop) {
        systemd.stop(UNIT);
        System.out.println("Stopped " + UNIT + ".");
        return 0;
      }
      ServiceSpec spec = ServiceSpec.builder(command)
          .name(UNIT)
          .description("example agent, kept to 50M of memory and 5% of one CPU")
          .memoryMax(Bytes.mebibytes(50))
          .memorySwapMax(Bytes.of(0))
          .cpuQuota(5)
          .property("Nice", "10") // and behind everything else for the CPU time it gets
          .property("NoNewPrivileges", "yes")
          // An agent that dies (or is OOM-killed at its limit) comes back, but not in a tight loop.
          .property("Restart", "on-failure")
          .property("RestartSec", "5s")
          .build();
      String unit = systemd.start(spec);

      // What a user checks: the limits as systemd holds them, and as the kernel enforces them in
      // the unit's cgroup (memory.max in bytes; cpu.max is "quota period" in microseconds).
      UnitStatus status = systemd.status(unit);
      System.out.println("Started " + unit + ", main PID " + status.mainPid().orElse(0) + ", cgroup "
          + status.controlGroup());
      System.out.println("  systemd: " + status.configured().entrySet().stream()
          .map(Object::toString).collect(Collectors.joining(" ")));
      for (String file : List.of("memory.max", "memory.swap.max", "cpu.max")) {
        System.out.println("  kernel:  " + file + " = " + status.effective().getOrDefault(file, "(not readable)"));
      }
      // verify() compares every setting of the spec with what systemd and the cgroup hold.
      List<NotEnforced> missing = systemd.verify(unit, spec);
      missing.forEach(finding -> System.err.println("Agent: warning: " + finding));
      System.out.println("Logs: journalctl" + (manager == Manager.USER ? " --user" : "") + " -u " + unit
          + "; stop it: " + again + " --stop");
      return missing.isEmpty() ? 0 : 1;
    } catch (UnitExistsException e) {
      System.err.println("Agent: " + UNIT + " is already running; stop it first: " + again + " --stop");
    } catch (NoSuchUnitException e) {
      System.err.println("Agent: " + UNIT + " is not running.");
    } catch (SystemdException | InvalidPropertyException e) {
      // confine's messages say what to do; refused by the system manager, for one: run as root,
      // use the user manager (--user), or grant a polkit rule.
      System.err.println("Agent: " + e.getMessage());
    }
    return 1;
  }
}
