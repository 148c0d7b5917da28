package dev.confine.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Manager;
import dev.confine.ScopeSpec;
import dev.confine.ScopedProcess;
import dev.confine.UnitExit;
import dev.confine.ServiceSpec;
import dev.confine.Systemd;
import dev.confine.UnitExistsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The library API used directly, against the real systemd of the test VM. */
@Tag("vm")
class LibraryVmTest {

  @Test
  void reportsTheManagerVersion() throws Exception {
    String systemctl = Guest.run(Map.of(), "", List.of("systemctl", "--version")).out();
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      assertTrue(systemctl.startsWith("systemd " + systemd.majorVersion() + " "), systemctl);
    }
  }

  @Test
  void launchedProcessRunsInItsScopeWithLimits() throws Exception {
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      ScopeSpec spec = ScopeSpec.builder().memoryMax(96L << 20).cpuQuota(150).tasksMax(30)
          .description("library test").build();
      ScopedProcess job = systemd.launch(spec, new ProcessBuilder("sh", "-c",
          Guest.CGROUP_DIR + "cat /proc/self/cgroup $d/memory.max $d/cpu.max $d/pids.max"));
      String out = new String(job.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, job.waitFor());
      List<String> lines = List.of(out.split("\n"));
      assertTrue(lines.get(0).endsWith("/" + job.unit()), out);
      assertEquals(List.of("100663296", "150000 100000", "30"), lines.subList(1, 4));
    }
  }

  @Test
  void existingProcessesCanBeMovedIntoANewScope() throws Exception {
    Process worker = new ProcessBuilder("sleep", "60").start();
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      String unit = systemd.startScope(ScopeSpec.builder().tasksMax(5).build(), worker.pid());
      String cgroup = Files.readString(Path.of("/proc/" + worker.pid() + "/cgroup")).trim();
      assertTrue(cgroup.endsWith("/" + unit), cgroup);
      assertEquals("5", Files.readString(Path.of("/sys/fs/cgroup" + cgroup.substring(3), "pids.max")).trim());
    } finally {
      worker.destroy();
      worker.waitFor();
    }
  }

  @Test
  void serviceExitIsReported() throws Exception {
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      String unit = systemd.start(ServiceSpec.builder(List.of("sh", "-c", "exit 3")).build());
      UnitExit exit = systemd.awaitExit(unit);
      assertEquals(new UnitExit(unit, "exit-code", "exited", 3, Optional.empty()), exit);
      assertEquals(3, exit.exitStatus());
    }
  }

  @Test
  void unitsWhoseEndTheConnectionSawAreCollectedWhileItStaysOpen() throws Exception {
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      String waited = systemd.start(ServiceSpec.builder(List.of("true")).build());
      systemd.awaitExit(waited);
      Process worker = new ProcessBuilder("sleep", "60").start();
      String stopped = systemd.startScope(ScopeSpec.builder().build(), worker.pid());
      systemd.stop(stopped);
      worker.waitFor();
      ScopedProcess launched = systemd.launch(ScopeSpec.builder().build(), new ProcessBuilder("true"));
      launched.exit();
      // Pinned until the end is seen, then systemd's own collection (soon, not at once).
      for (String unit : List.of(waited, stopped, launched.unit())) {
        Guest.awaitProperty(unit, "LoadState", "not-found", Duration.ofSeconds(10));
      }
    }
  }

  @Test
  void duplicateNameIsUnitExists() throws Exception {
    String name = Guest.uniqueName("confine-lib-dup");
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      ServiceSpec sleeper = ServiceSpec.builder(List.of("sleep", "30")).name(name).build();
      String unit = systemd.start(sleeper);
      try {
        UnitExistsException e = assertThrows(UnitExistsException.class, () -> systemd.start(sleeper));
        assertEquals("org.freedesktop.systemd1.UnitExists", e.dbusErrorName());
        assertTrue(e.getMessage().contains(unit), e.getMessage());
      } finally {
        Guest.systemctl("stop", unit);
      }
    }
  }
}
