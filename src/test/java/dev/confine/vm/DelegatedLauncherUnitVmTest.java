package dev.confine.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Manager;
import dev.confine.Systemd;
import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * units/delegated-launcher.service as shipped, with a shell stand-in for the launcher: its user,
 * delegation and hardening leave the delegated cgroup writable, so that the launcher can give a
 * worker a sub-cgroup with limits, and the JVM runs.
 */
@Tag("vm")
@Tag("vm-root") // installs a system unit: the root pass only
class DelegatedLauncherUnitVmTest {
  private static final String UNIT = "delegated-launcher.service";
  /** What the launcher does: leave the delegated cgroup itself empty, then a worker with limits. */
  private static final String LAUNCHER = """
      id -u
      top=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
      if [ "${top##*/}" = supervisor ]; then top=${top%/supervisor}; echo started in supervisor
      else mkdir "$top/supervisor" && echo $$ > "$top/supervisor/cgroup.procs" && echo moved to supervisor; fi
      echo "+cpu +memory +pids" > "$top/cgroup.subtree_control"
      mkdir "$top/worker" && echo 100M > "$top/worker/memory.max" && echo 20 > "$top/worker/pids.max"
      sh -c "echo \\$\\$ > $top/worker/cgroup.procs && cat /proc/self/cgroup $top/worker/memory.max $top/worker/pids.max"
      java -version 2>&1 | head -n 1
      rmdir "$top/worker"
      """;

  @Test
  void launcherGivesAWorkerASubCgroupWithLimitsUnderTheUnitsHardening() throws Exception {
    int version;
    try (Systemd systemd = Systemd.connect(Manager.SYSTEM)) {
      version = systemd.majorVersion();
    }
    Path script = Path.of("/run/delegated-launcher-vm-test.sh");
    Files.writeString(script, LAUNCHER);
    try {
      Result run = Guest.runUnitWith(UNIT, "/bin/sh " + script);
      assertEquals(0, run.status(), run::toString);
      List<String> output = run.out().lines().toList();
      assertNotEquals("0", output.get(0), "runs as an unprivileged user");
      assertEquals(List.of(version >= 254 ? "started in supervisor" : "moved to supervisor",
          "0::/system.slice/" + UNIT + "/worker", "104857600", "20"), output.subList(1, 5), run::toString);
      assertTrue(output.get(5).matches("openjdk version .*"), run::toString);
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
