package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.CgroupLimits.FileWrite;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupLimitsTest {
  @Test
  void limitsBecomeTheFilesSystemdWouldWrite() {
    assertEquals(List.of(new FileWrite("memory.max", "52428800")), CgroupLimits.of("MemoryMax", "50M"));
    assertEquals(List.of(new FileWrite("memory.swap.max", "0")), CgroupLimits.of("MemorySwapMax", "0"));
    assertEquals(List.of(new FileWrite("memory.high", "max")), CgroupLimits.of("MemoryHigh", "infinity"));
    assertEquals(List.of(new FileWrite("pids.max", "64")), CgroupLimits.of("TasksMax", "64"));
    assertEquals(List.of(new FileWrite("cpu.max", "50000 100000")), CgroupLimits.of("CPUQuota", "50%"));
    assertEquals(List.of(new FileWrite("cpu.max", "max 100000")), CgroupLimits.of("CPUQuota", ""));
    assertEquals(List.of(new FileWrite("cpu.weight", "200")), CgroupLimits.of("CPUWeight", "200"));
    assertEquals(List.of(new FileWrite("cpu.idle", "1")), CgroupLimits.of("CPUWeight", "idle"));
    assertEquals(List.of(new FileWrite("io.weight", "default 300")), CgroupLimits.of("IOWeight", "300"));
    assertEquals(List.of(new FileWrite("cpuset.cpus", "0-1,3")), CgroupLimits.of("AllowedCPUs", "0 1 3"));
  }

  @Test
  void percentOfMemoryIsResolvedAgainstThisMachine() {
    long bytes = Long.parseLong(CgroupLimits.of("MemoryMax", "50%").get(0).value());
    long total = Runtime.getRuntime().maxMemory(); // only a sanity bound: half of RAM exceeds a small heap
    assertTrue(bytes > 0 && bytes > total / 64, () -> bytes + " bytes");
  }

  @Test
  void settingsWithoutAFileOfTheirOwnAreRefusedWithTheList() {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> CgroupLimits.of("KillMode", "mixed"));
    assertTrue(e.getMessage().startsWith("KillMode is a systemd setting with no cgroup file of its own;"
        + " a child cgroup takes: MemoryMax, "), e.getMessage());
    assertThrows(InvalidPropertyException.class, () -> CgroupLimits.of("TasksMax", "10%"));
    assertThrows(InvalidPropertyException.class, () -> CgroupLimits.of("MemoryMax", "lots"));
  }

  @Test
  void childNamesThatTheKernelWouldMixUpWithItsFilesAreRefused() {
    Cgroup unit = Cgroup.of("/system.slice/x.scope");
    assertEquals("/system.slice/x.scope/workers/a", unit.child("workers/a").controlGroup());
    for (String bad : List.of("..", "a/../b", "", "a//b", "cgroup.procs", "memory.max", "cpu.x")) {
      assertThrows(InvalidPropertyException.class, () -> unit.child(bad), bad);
    }
    assertEquals("/sys/fs/cgroup/system.slice/x.scope", Cgroup.of("/sys/fs/cgroup/system.slice/x.scope").path().toString());
    // A path never leaves cgroupfs: ".." is resolved first, then taken below /sys/fs/cgroup.
    assertEquals("/sys/fs/cgroup/etc", Cgroup.of("/../../etc").path().toString());
    assertEquals("/sys/fs/cgroup/sys/fs/etc", Cgroup.of("/sys/fs/cgroup/../etc").path().toString());
  }
}
