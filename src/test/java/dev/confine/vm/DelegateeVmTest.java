package dev.confine.vm;

import static dev.confine.vm.Guest.CGROUP_DIR;
import static dev.confine.vm.Guest.confine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The delegatee's side: a program in a unit with Delegate=yes manages the tree below it, with
 * {@code confine cgroup}, with the library (examples' DelegatedLauncher), and starts in a leaf with
 * --delegate-subgroup (DelegateSubgroup= from systemd 254, confine's own move before). Runs as
 * root and as tester on both versions.
 */
@Tag("vm")
class DelegateeVmTest {
  @Test
  @Tag("vm-user") // the user's pass: a delegated tree of one's own is the unprivileged case; root may write anywhere
  void cgroupCommandsManageTheDelegatedTree() throws Exception {
    String script = String.join("\n",
        "confine cgroup check; echo \"check $?\"",
        "confine cgroup enable memory pids; echo \"enable before moving $?\"",
        "confine cgroup move --all supervisor; echo \"move --all $?\"",
        "confine cgroup enable memory pids; echo \"enable $?\"",
        "confine cgroup create worker && confine cgroup set worker MemoryMax=50M TasksMax=16; echo \"set $?\"",
        "sh -c 'confine cgroup move worker && cat /proc/self/cgroup"
            + " && d=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup) && cat $d/memory.max $d/pids.max'",
        "confine cgroup show --json",
        "confine cgroup remove worker; echo \"remove $?\"");
    Result result = Guest.confineWith(Map.of("PATH", Guest.HOME.resolve("bin") + ":" + System.getenv("PATH")),
        "", "run", "--scope", "-p", "Delegate=yes", "--", "sh", "-c", script);
    assertEquals(0, result.status(), result::toString);
    String unit = Guest.unitFrom(result);
    List<String> lines = result.out().lines().toList();
    assertEquals(List.of("check 0", "enable before moving 1", "move --all 0", "enable 0", "set 0"),
        lines.subList(0, 5), result::toString);
    assertTrue(lines.get(5).startsWith("0::/") && lines.get(5).endsWith("/" + unit + "/worker"), result::toString);
    assertEquals(List.of("52428800", "16"), lines.subList(6, 8), result::toString);
    assertTrue(lines.get(8).contains("\"delegated\":true") && lines.get(8).contains("\"ownerUid\":" + Guest.uid())
        && lines.get(8).contains("\"enabledControllers\":[\"memory\",\"pids\"]")
        && lines.get(8).contains("\"processes\":[]")
        && lines.get(8).contains("\"children\":[\"supervisor\",\"worker\"]"), result::toString);
    assertEquals("remove 0", lines.get(9), result::toString);
    // The refusal before the move explains the rule and the way out.
    assertTrue(result.err().contains("confine: cannot enable memory for the children of /")
        && result.err().contains("it still has processes of its own")
        && result.err().contains("confine cgroup move --all LEAF"), result::toString);
  }

  /** A group whose processes live on: remove refuses it, remove --kill ends them first. */
  @Test
  @Tag("vm-user") // the user's pass: a delegated tree of one's own is the unprivileged case; root may write anywhere
  void removeKillEndsTheProcessesOfAGroupFirst() throws Exception {
    String script = String.join("\n",
        "confine cgroup move --all supervisor",
        "u=$(dirname /sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)); mkdir $u/stuck",
        "sh -c \"echo \\$\\$ > $u/stuck/cgroup.procs && { sleep 120 & exec sleep 120; }\" &",
        "for i in $(seq 300); do [ $(wc -l < $u/stuck/cgroup.procs) -ge 2 ] && break; sleep 0.1; done",
        "confine cgroup remove stuck; echo \"remove busy $?\"",
        "confine cgroup remove --kill stuck; echo \"remove --kill $?\"",
        "test -d $u/stuck; echo \"gone $?\"",
        "confine cgroup remove --kill supervisor; echo \"kill itself $?\"");
    Result result = Guest.confineWith(Map.of("PATH", Guest.HOME.resolve("bin") + ":" + System.getenv("PATH")),
        "", "run", "--scope", "-p", "Delegate=yes", "--", "sh", "-c", script);
    assertEquals(0, result.status(), result::toString);
    assertEquals(List.of("remove busy 1", "remove --kill 0", "gone 1", "kill itself 1"), result.out().lines().toList(),
        result::toString);
    assertTrue(result.err().contains("confine: cannot remove /") && result.err().contains("/stuck: ")
        && result.err().contains("it still has processes (") && result.err().contains("confine cgroup remove --kill"),
        result::toString);
    assertTrue(result.err().contains("/supervisor: this program runs in /")
        && result.err().contains("and would kill itself"), result::toString);
  }

  @Test
  void delegateSubgroupStartsScopesAndServicesInTheLeaf() throws Exception {
    Result scope = confine("run", "--scope", "--delegate-subgroup", "init", "--", "sh", "-c",
        "cat /proc/self/cgroup; " + CGROUP_DIR + "stat -c %u $d");
    assertEquals(0, scope.status(), scope::toString);
    List<String> lines = scope.out().lines().toList();
    assertTrue(lines.get(0).startsWith("0::/") && lines.get(0).endsWith("/" + Guest.unitFrom(scope) + "/init"),
        scope::toString);
    assertEquals(String.valueOf(Guest.uid()), lines.get(1), "the unit's cgroup is the user's: " + scope);

    Path seen = Files.createTempFile("confine-subgroup", ".txt");
    try {
      Result service = confine("run", "--wait", "--delegate-subgroup", "payload", "--", "sh", "-c",
          "cat /proc/self/cgroup > " + seen);
      assertEquals(0, service.status(), service::toString);
      String cgroup = Files.readString(seen).trim();
      assertTrue(cgroup.endsWith("/" + Guest.unitFrom(service) + "/payload"), cgroup + "\n" + service);
    } finally {
      Files.deleteIfExists(seen);
    }
  }

  /** examples/DelegatedLauncher: a worker group each, with limits; an OOM kill stays in its worker. */
  @Test
  void delegatedLauncherGivesEachWorkerItsGroupAndLimits() throws Exception {
    Result result = confine("run", "--scope", "--delegate-subgroup", "supervisor", "--",
        "java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
        Guest.HOME.resolve("target/confine.jar") + ":" + Guest.HOME.resolve("target/test-classes"),
        "dev.confine.examples.DelegatedLauncher", "-p", "MemoryMax=30M", "-p", "MemorySwapMax=0",
        "-p", "TasksMax=8",
        "cat /proc/self/cgroup; " + CGROUP_DIR + "cat $d/memory.max $d/pids.max", "tail /dev/zero");
    assertEquals(1, result.status(), "a worker failed, so the launcher does\n" + result);
    List<String> lines = result.out().lines().toList();
    assertTrue(lines.get(0).endsWith("/" + Guest.unitFrom(result) + "/worker-1"), result::toString);
    assertEquals(List.of("31457280", "8"), lines.subList(1, 3), result::toString);
    assertTrue(lines.get(3).matches("worker-1: exit 0, memory peak \\d+, oom kills 0"), result::toString);
    assertTrue(lines.get(4).matches("worker-2: exit 137, memory peak \\d+, oom kills 1"), result::toString);
  }
}
