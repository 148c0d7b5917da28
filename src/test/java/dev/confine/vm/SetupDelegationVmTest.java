package dev.confine.vm;

import static dev.confine.vm.Guest.ROOT;
import static dev.confine.vm.Guest.confine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * confine setup delegation: root only; --dry-run changes nothing; the real run installs
 * units/user@.service.d/delegate.conf, reloads systemd so that user@1000.service is configured with
 * every controller, and names user@1000.service as the manager to restart, which confine doctor
 * confirms until it restarts. Leaves the machine as it found it, so that later passes start from
 * systemd's stock delegation.
 */
@Tag("vm")
class SetupDelegationVmTest {
  private static final Path DROP_IN = Path.of("/etc/systemd/system/user@.service.d/confine-delegate.conf");
  private static final String RESTART = "confine:   user@1000.service (tester): log out and in again, or: systemctl"
      + " restart user@1000.service\n";

  @Test
  void installsReloadsAndNamesTheUserManagersToRestart() throws Exception {
    if (!ROOT) {
      Result refused = confine("setup", "delegation", "--dry-run");
      assertEquals(1, refused.status(), refused::toString);
      assertEquals("confine: run as root: sudo confine setup delegation\n", refused.err());
      return;
    }
    String content = Files.readString(Guest.HOME.resolve("units/user@.service.d/delegate.conf"));
    assertFalse(Files.exists(DROP_IN), "the root pass starts from systemd's stock delegation");
    try {
      Result dryRun = confine("setup", "delegation", "--dry-run");
      assertEquals(0, dryRun.status(), dryRun::toString);
      assertFalse(Files.exists(DROP_IN.getParent()), "a dry run changes nothing");
      assertEquals("cpu memory pids", delegateControllers());
      StringBuilder indented = new StringBuilder();
      content.lines().forEach(line -> indented.append("    ").append(line).append('\n'));
      assertEquals("confine: would install " + DROP_IN + " (mode 0644):\n" + indented
          + "confine: would reload systemd (systemctl daemon-reload)\n"
          + "confine: these user managers get cpu cpuset io memory pids only once they restart:\n" + RESTART
          + "confine: dry run: nothing was changed\n", dryRun.err());

      Result install = confine("setup", "delegation");
      assertEquals(0, install.status(), install::toString);
      assertEquals(content, Files.readString(DROP_IN));
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(DROP_IN)));
      assertEquals("cpu cpuset io memory pids", delegateControllers(), "systemd has reloaded");
      assertEquals("confine: installed " + DROP_IN + " (mode 0644): Delegate=cpu cpuset io memory pids\n"
          + "confine: reloaded systemd (systemctl daemon-reload)\n"
          + "confine: these user managers get cpu cpuset io memory pids only once they restart:\n" + RESTART,
          install.err());

      // Until it restarts, tester's manager lacks the controllers: in its cgroup (257), or only in itself (252,
      // whose reload adds them to the running manager's cgroup).
      Result doctor = Guest.run(Map.of(), "", List.of("su", "-l", "tester", "-c", Guest.CONFINE + " doctor"));
      assertEquals(1, doctor.status(), doctor::toString);
      assertTrue(doctor.out().contains("\nFAIL controllers  user@1000.service "), doctor::toString);
      assertTrue(doctor.out().contains("fix: " + DROP_IN + " is installed; restart user@1000.service to give it the"
          + " controllers: log out and in again, or: sudo systemctl restart user@1000.service\n"), doctor::toString);

      Result again = confine("setup", "delegation", "--json");
      assertEquals(0, again.status(), again::toString);
      assertTrue(again.out().startsWith("{\"dropIn\":\"" + DROP_IN + "\",\"content\":"), again::toString);
      assertTrue(again.out().endsWith(",\"found\":\"SAME\",\"controllers\":[\"cpu\",\"cpuset\",\"io\",\"memory\","
          + "\"pids\"],\"kernelLacks\":[],\"restartNeeded\":[{\"unit\":\"user@1000.service\",\"user\":\"tester\"}]}\n"),
          again::toString);
    } finally {
      Files.deleteIfExists(DROP_IN);
      Files.deleteIfExists(DROP_IN.getParent());
      Guest.run(Map.of(), "", List.of("systemctl", "daemon-reload"));
    }
    assertEquals("cpu memory pids", delegateControllers(), "back to systemd's stock delegation");
  }

  private static String delegateControllers() throws Exception {
    return Guest.systemctl("show", "-P", "DelegateControllers", "user@1000.service");
  }
}
