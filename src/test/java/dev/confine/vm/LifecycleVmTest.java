package dev.confine.vm;

import static dev.confine.vm.Guest.ROOT;
import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineInProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code confine set}, {@code stop} and {@code wait} on units of the real systemd in the VM: each
 * through a real bin/confine process once, further cases inside the test JVM.
 */
@Tag("vm")
class LifecycleVmTest {

  @Test
  void setChangesLimitsOfARunningUnitAndStopEndsIt() throws Exception {
    Result started = confine("run", "--", "sleep", "120");
    assertEquals(0, started.status(), started::toString);
    String unit = Guest.unitFrom(started);
    String shortName = unit.substring(0, unit.length() - ".service".length());
    try {
      Result set = confine("set", "--json", unit, "MemoryMax=32M", "TasksMax=7");
      assertEquals(0, set.status(), set::toString);
      assertEquals("{\"unit\":\"" + unit + "\",\"properties\":[\"MemoryMax=32M\",\"TasksMax=7\"]}\n", set.out());
      assertEquals("33554432", cgroupFile(unit, "memory.max"));
      assertEquals("7", cgroupFile(unit, "pids.max"));

      Result byShortName = confineInProcess("set", shortName, "CPUQuota=20%");
      assertEquals(0, byShortName.status(), byShortName::toString);
      assertEquals("20000 100000", cgroupFile(unit, "cpu.max"));

      Result creationOnly = confineInProcess("set", unit, "Delegate=yes");
      assertEquals(1, creationOnly.status(), creationOnly::toString);
      assertEquals("confine: Delegate can only be set when a unit is created, not changed on a running"
          + " one; start a new unit with -p Delegate=yes\n", creationOnly.err());
    } finally {
      Result stop = confine("stop", shortName, "--json");
      assertEquals(0, stop.status(), stop::toString);
      assertEquals("{\"unit\":\"" + unit + "\"}\n", stop.out());
    }
    assertEquals("not-found", Guest.loadState(unit), "the stopped unit is gone");
  }

  @Test
  void waitReturnsTheServiceStatus() throws Exception {
    // --no-collect: the service may end before wait's JVM is up, and must still be there.
    Result started = confineInProcess("run", "--no-collect", "--", "sh", "-c", "sleep 10; exit 3");
    assertEquals(0, started.status(), started::toString);
    String unit = Guest.unitFrom(started);
    try {
      Result waited = confine("wait", unit);
      assertEquals(3, waited.status(), waited::toString);
      assertEquals("Finished with result: exit-code\nMain processes terminated with: code=exited/status=3\n",
          waited.err());
    } finally {
      Guest.systemctl("reset-failed", unit);
    }
    assertEquals("not-found", Guest.loadState(unit));
  }

  /** confine collects a unit when it ends: wait comes too late, and says what to do instead. */
  @Test
  void waitForAnEndedUnitSaysWhatToDoInstead() throws Exception {
    Result started = confineInProcess("run", "--", "true");
    assertEquals(0, started.status(), started::toString);
    String unit = Guest.unitFrom(started);
    for (int i = 0; i < 100 && !Guest.loadState(unit).equals("not-found"); i++) {
      Thread.sleep(100);
    }
    Result waited = confineInProcess("wait", unit);
    assertEquals(1, waited.status(), waited::toString);
    assertTrue(waited.err().startsWith("confine: Unit " + unit + " not loaded; a unit that has ended"
        + " is unloaded at once unless it was started with --no-collect: to learn how a unit ends,"
        + " start it with confine run --wait, or with --no-collect and wait for it later"), waited::toString);
    assertEquals(1, waited.err().lines().count(), waited::toString);
  }

  @Test
  void unknownUnitIsNamed() throws Exception {
    Result result = confineInProcess("stop", "confine-no-such-unit");
    assertEquals(1, result.status(), result::toString);
    assertEquals("confine: no unit confine-no-such-unit.service or confine-no-such-unit.scope is loaded"
        + " in the " + (ROOT ? "system" : "user") + " manager (systemctl" + (ROOT ? "" : " --user")
        + " list-units)\n", result.err());
  }

  private static String cgroupFile(String unit, String file) throws Exception {
    String cgroup = Guest.systemctl("show", "-P", "ControlGroup", unit);
    assertTrue(cgroup.startsWith("/"), cgroup);
    return Files.readString(Path.of("/sys/fs/cgroup" + cgroup, file)).trim();
  }
}
