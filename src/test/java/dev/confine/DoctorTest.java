package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Doctor.Check;
import dev.confine.Doctor.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The doctor's checks that need no bus: what they conclude from what they read. */
class DoctorTest {
  private static final Set<String> ALL = Set.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unified | PASS | cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0                                   | cgroup v2 (the unified hierarchy)
      hybrid  | FAIL | tmpfs /sys/fs/cgroup tmpfs rw 0 0;cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0 | the hybrid hierarchy
      legacy  | FAIL | tmpfs /sys/fs/cgroup tmpfs rw 0 0;cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0     | cgroup v1 (the legacy hierarchy)
      none    | FAIL | proc /proc proc rw 0 0                                                             | nothing is mounted at /sys/fs/cgroup
      """)
  void cgroupV2MustBeAloneAtSysFsCgroup(String label, Verdict verdict, String mounts, String finding) {
    Check check = Doctor.cgroupV2(List.of(mounts.split(";")));

    assertEquals(verdict, check.verdict());
    assertTrue(check.finding().startsWith(finding), check::toString);
    assertEquals(verdict == Verdict.FAIL, check.fix().orElse("").contains("systemd.unified_cgroup_hierarchy=1"));
  }

  private static final Instant BOOT = Instant.parse("2026-11-23T10:00:00Z");
  private static final Optional<Instant> INSTALLED = Optional.of(BOOT.plusSeconds(60));

  @Test
  void userManagerWithStockDelegationFailsNamingEachMissingControllerAndTheFix() {
    Check check = Doctor.controllers(Manager.USER, "user@1000.service", ALL, Set.of("cpu", "memory", "pids"),
        Optional.empty(), BOOT);

    assertEquals(Verdict.FAIL, check.verdict());
    assertEquals("user@1000.service lacks cpuset io, which the kernel offers (it has cpu memory pids): systemd would"
        + " accept their limits for --user units and enforce nothing, so confine refuses them", check.finding());
    assertTrue(check.fix().orElseThrow().startsWith("delegate them to user managers: sudo confine setup delegation"),
        check::toString);
    assertTrue(check.fix().orElseThrow().endsWith("or: sudo systemctl restart user@1000.service"), check::toString);
  }

  @Test
  void withTheDropInInstalledTheFixIsARestart() {
    Check lacking = Doctor.controllers(Manager.USER, "user@1000.service", ALL, Set.of("cpu", "memory", "pids"),
        INSTALLED, BOOT);
    assertEquals(Verdict.FAIL, lacking.verdict());
    assertEquals("/etc/systemd/system/user@.service.d/confine-delegate.conf is installed; restart user@1000.service to"
        + " give it the controllers: log out and in again, or: sudo systemctl restart user@1000.service",
        lacking.fix().orElseThrow());

    // systemd 252 adds the controllers to the running manager's cgroup on reload; the manager ignores them.
    Check startedBefore = Doctor.controllers(Manager.USER, "user@1000.service", ALL, ALL, INSTALLED, BOOT);
    assertEquals(Verdict.FAIL, startedBefore.verdict());
    assertEquals("user@1000.service started at 2026-11-23T10:00:00Z, before"
        + " /etc/systemd/system/user@.service.d/confine-delegate.conf was installed at 2026-11-23T10:01:00Z: it gives"
        + " its units only the controllers it had when it started, so their limits may not be enforced",
        startedBefore.finding());
    assertEquals(lacking.fix(), startedBefore.fix());

    Check restarted = Doctor.controllers(Manager.USER, "user@1000.service", ALL, ALL, INSTALLED, BOOT.plusSeconds(61));
    assertEquals(Verdict.PASS, restarted.verdict());
  }

  @Test
  void managerWithEveryLimitControllerPasses() {
    Check check = Doctor.controllers(Manager.SYSTEM, "the system manager", ALL, ALL, Optional.empty(), BOOT);

    assertEquals(new Check("controllers", Verdict.PASS,
        "the system manager has every limit controller: cpu cpuset io memory pids", Optional.empty()), check);
  }

  @Test
  void controllerTheKernelLacksIsAWarningNotAFailure() {
    Set<String> kernel = Set.of("cpu", "io", "memory", "pids");

    Check check = Doctor.controllers(Manager.USER, "user@1000.service", kernel, kernel, Optional.empty(), BOOT);

    assertEquals(Verdict.WARN, check.verdict());
    assertEquals("user@1000.service has cpu io memory pids; the kernel offers no cpuset, so their limits cannot work"
        + " here", check.finding());
  }

  @Test
  void versionNamesWhatItAllowsWhereItMatters() {
    assertEquals("systemd 252 (252.39-1~deb12u1): no DelegateSubgroup= (it needs 254; confine moves the"
        + " processes into the subgroup itself); polkit is not told which unit a transient start creates (that needs 257), so polkit rules cannot"
        + " grant confine's scopes", Doctor.version(Manager.SYSTEM, 252, "252.39-1~deb12u1").finding());
    assertEquals("systemd 257 (257.9): DelegateSubgroup= works for scopes (254 and later)",
        Doctor.version(Manager.USER, 257, "257.9").finding());
    assertEquals(Verdict.PASS, Doctor.version(Manager.SYSTEM, 252, "252").verdict());
  }

  @ParameterizedTest(name = "{0} {1}, root {2}")
  @CsvSource(textBlock = """
      js,    126,   false, PASS
      js,    126,   true,  PASS
      local, 0.105, false, FAIL
      local, 0.105, true,  WARN
      """)
  void polkitMustReadJavaScriptRulesForAPerUnitGrant(String backend, String version, boolean root, Verdict verdict) {
    Check check = Doctor.polkit(backend, version, root);

    assertEquals(verdict, check.verdict(), check::toString);
    assertTrue(check.finding().startsWith("polkit " + version), check::toString);
  }
}
