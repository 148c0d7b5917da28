package dev.confine.vm;

import static dev.confine.vm.Guest.CGROUP_DIR;
import static dev.confine.vm.Guest.DISK;
import static dev.confine.vm.Guest.ROOT;
import static dev.confine.vm.Guest.confine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Limits whose controller the manager may lack (io, cpuset): refused by default when it is
 * missing, started with a warning under --allow-undelegated, and enforced when it is delegated.
 * Runs as root, as tester with systemd's default delegation (cpu memory pids), and as tester with
 * units/user@.service.d/delegate.conf installed.
 */
@Tag("vm")
@Tag("vm-delegated")
class DelegationVmTest {
  private static final String IO_LIMIT = "IOReadBandwidthMax=" + DISK + " 10M";

  @Test
  void theManagerHasTheControllersThisPassIsAbout() throws Exception {
    Set<String> controllers = Guest.managerControllers();
    if (ROOT || Guest.DELEGATION_EXTENDED) {
      assertTrue(controllers.containsAll(Set.of("cpu", "cpuset", "io", "memory", "pids")), controllers::toString);
    } else {
      assertEquals(Set.of("cpu", "memory", "pids"), controllers);
    }
  }

  @Test
  void ioAndCpusetLimitsAreEnforcedOrRefused() throws Exception {
    Result result = confine("run", "--scope", "-p", IO_LIMIT, "-p", "AllowedCPUs=0", "--",
        "sh", "-c", CGROUP_DIR + "cat $d/io.max $d/cpuset.cpus");
    if (Guest.managerControllers().containsAll(Set.of("io", "cpuset"))) {
      assertEquals(0, result.status(), result::toString);
      assertEquals(List.of(diskNumber() + " rbps=10000000 wbps=max riops=max wiops=max", "0"),
          result.out().lines().toList());
      assertFalse(result.err().contains("warning"), result::toString);
    } else {
      assertEquals(1, result.status(), result::toString);
      assertEquals("", result.out(), "the payload never ran");
      assertTrue(result.err().startsWith("confine: " + IO_LIMIT + " is not in effect: controller io is"
          + " not delegated to user@" + Guest.uid() + ".service (it has: cpu memory pids); AllowedCPUs=0"
          + " is not in effect: controller cpuset is not delegated"), result::toString);
      assertTrue(result.err().contains("units/user@.service.d/delegate.conf"), result::toString);
      assertTrue(result.err().contains("Nothing was started"), result::toString);
      assertTrue(result.err().contains("--allow-undelegated"), result::toString);
    }
  }

  @Test
  void allowUndelegatedStartsAndWarnsOnce() throws Exception {
    Result result = confine("run", "--scope", "--allow-undelegated", "-p", IO_LIMIT, "--",
        "echo", "ran");
    assertEquals(0, result.status(), result::toString);
    assertEquals("ran\n", result.out());
    long warnings = result.err().lines().filter(l -> l.startsWith("confine: warning: ")).count();
    if (Guest.managerControllers().contains("io")) {
      assertEquals(0, warnings, result::toString);
    } else {
      assertTrue(result.err().contains("confine: warning: " + IO_LIMIT
          + " is not in effect: controller io is not delegated"), result::toString);
      // One line for the setting, one for the fix; the readback does not repeat it.
      assertEquals(2, warnings, result::toString);
    }
  }

  @Test
  void delegatingAMissingControllerIsRefused() throws Exception {
    Result result = confine("run", "--scope", "-p", "Delegate=io memory", "--",
        "sh", "-c", CGROUP_DIR + "cat $d/cgroup.controllers");
    if (Guest.managerControllers().contains("io")) {
      assertEquals(0, result.status(), result::toString);
      assertTrue(Set.of(result.out().trim().split(" ")).containsAll(Set.of("io", "memory")), result::toString);
    } else {
      assertEquals(1, result.status(), result::toString);
      assertTrue(result.err().startsWith("confine: Delegate=io memory is not in effect: controller io"),
          result::toString);
    }
  }

  /** The delegated cgroup belongs to the user who runs in it: tester, or User= for root. */
  @Test
  void delegatedScopeBelongsToItsUser() throws Exception {
    Result result = ROOT
        ? confine("run", "--scope", "-p", "Delegate=yes", "-p", "User=tester", "--",
            "sh", "-c", CGROUP_DIR + "stat -c %U $d $d/cgroup.procs $d/cgroup.subtree_control")
        : confine("run", "--scope", "-p", "Delegate=yes", "--",
            "sh", "-c", CGROUP_DIR + "stat -c %U $d $d/cgroup.procs $d/cgroup.subtree_control");
    assertEquals(0, result.status(), result::toString);
    assertEquals(List.of("tester", "tester", "tester"), result.out().lines().toList());
  }

  /** A user manager cannot make anything run as root. */
  @Test
  void serviceUserIsTheRequestedOneAndNeverRootForAUser() throws Exception {
    Result result = ROOT
        ? confine("run", "--wait", "-p", "User=tester", "-p", "Group=tester", "--",
            "sh", "-c", "test \"$(id -un):$(id -gn)\" = tester:tester")
        : confine("run", "--wait", "-p", "User=root", "--", "sh", "-c", "test \"$(id -u)\" != 0");
    if (ROOT) {
      assertEquals(0, result.status(), result::toString);
    } else {
      // Refused outright, or the service fails to start its process: never status 0 as root.
      assertTrue(result.status() != 0, result::toString);
    }
  }

  private static String diskNumber() throws Exception {
    long rdev = ((Number) Files.getAttribute(Path.of(DISK), "unix:rdev")).longValue();
    return (rdev >> 8 & 0xfff) + ":" + (rdev & 0xff);
  }
}
