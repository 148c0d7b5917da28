package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Preflight and readback logic, on a made-up manager and a cgroup directory in a temp dir. */
class EnforcementTest {
  private static final Set<String> USER_DEFAULT = Set.of("cpu", "memory", "pids");

  @Test
  void limitOnAnUndelegatedControllerIsFoundBeforeTheStart() {
    ScopeSpec spec = ScopeSpec.builder()
        .property("MemoryMax", "64M").property("IOWeight", "500").property("AllowedCPUs", "0").build();

    List<NotEnforced> findings =
        Enforcement.preflight(spec, USER_DEFAULT, "user@1000.service", Manager.USER);

    assertEquals(List.of("IOWeight", "AllowedCPUs"), findings.stream().map(NotEnforced::property).toList());
    assertTrue(findings.get(0).toString().startsWith(
        "IOWeight=500 is not in effect: controller io is not delegated to user@1000.service"
            + " (it has: cpu memory pids)"), findings.get(0).toString());
    assertTrue(findings.get(0).remedy().startsWith(
        "delegate them to user managers: sudo confine setup delegation (it installs"
            + " units/user@.service.d/delegate.conf"),
        findings.get(0).remedy());
    assertTrue(findings.get(1).reason().contains("controller cpuset"), findings.get(1).reason());
  }

  @Test
  void delegatingAnUnavailableControllerIsFound() {
    ScopeSpec spec = ScopeSpec.builder().property("Delegate", "memory io").build();

    List<NotEnforced> findings =
        Enforcement.preflight(spec, USER_DEFAULT, "user@1000.service", Manager.USER);

    assertEquals(1, findings.size());
    assertTrue(findings.get(0).reason().startsWith("controller io is not delegated"), findings.get(0).reason());
  }

  @Test
  void onlyLimitsAndDelegatedControllersNeedTheLookup() {
    assertFalse(Enforcement.needsControllers(ScopeSpec.builder().description("x")
        .property("KillMode", "mixed").property("Delegate", "yes").build()));
    assertTrue(Enforcement.needsControllers(ScopeSpec.builder().property("MemoryMax", "1G").build()));
    assertTrue(Enforcement.needsControllers(ScopeSpec.builder().property("Delegate", "io").build()));
    // An emptied list sets no limit (GrammarFuzzVmTest found it flagged on a user manager).
    assertFalse(Enforcement.needsControllers(ScopeSpec.builder().property("IOWriteBandwidthMax", "").build()));
    assertTrue(Enforcement.needsControllers(ScopeSpec.builder().property("IOWriteBandwidthMax", "")
        .property("IOWriteBandwidthMax", "/dev/sda 1M").build()));
  }

  @Test
  void delegatedControllersPassThePreflight() {
    ScopeSpec spec = ScopeSpec.builder().property("MemoryMax", "64M").property("CPUQuota", "50%")
        .property("TasksMax", "10").property("Delegate", "yes").property("KillMode", "mixed").build();

    assertEquals(List.of(), Enforcement.preflight(spec, USER_DEFAULT, "user@1000.service", Manager.USER));
  }

  @ParameterizedTest(name = "quota {0} period {1} -> {2}")
  @CsvSource({
    "500000, infinity, 50000 100000",
    "2000000, infinity, 200000 100000",
    "500000, 50000, 25000 50000",
    // A tiny quota stretches the period so that the quota is at least 1 ms.
    "5000, infinity, 1000 200000",
    "infinity, 50000, max 100000",
  })
  void cpuMaxIsWhatSystemdWrites(String quota, String period, String expected) {
    assertEquals(expected, Enforcement.cpuMax(unsigned(quota), unsigned(period)));
  }

  @Test
  void cgroupFilesThatMatchGiveNoFindings(@TempDir Path cgroup) throws IOException {
    ScopeSpec spec = ScopeSpec.builder().property("MemoryMax", "1000000").property("CPUQuota", "50%")
        .property("TasksMax", "42").property("AllowedCPUs", "0-1").property("IOWeight", "500").build();
    write(cgroup, "memory.max", "999424\n"); // the kernel rounds down to a page
    write(cgroup, "cpu.max", "50000 100000\n");
    write(cgroup, "pids.max", "42\n");
    write(cgroup, "cpuset.cpus", "0-1\n");
    write(cgroup, "io.weight", "default 500\n");

    assertEquals(List.of(), Enforcement.verify(spec, stored(spec), cgroup, false));
  }

  @Test
  void cgroupFileThatDiffersOrIsMissingIsReported(@TempDir Path cgroup) throws IOException {
    ScopeSpec spec = ScopeSpec.builder().property("MemoryMax", "64M").property("IOWeight", "500").build();
    write(cgroup, "memory.max", "max\n");

    List<NotEnforced> findings = Enforcement.verify(spec, stored(spec), cgroup, false);

    assertEquals(2, findings.size());
    assertEquals("MemoryMax=64M is not in effect: " + cgroup.resolve("memory.max")
        + " reads 'max', expected '67108864'", findings.get(0).toString());
    assertEquals("IOWeight=500 is not in effect: " + cgroup.resolve("io.weight")
        + " does not exist: the io controller is not enabled for the unit, or the kernel lacks this"
        + " interface", findings.get(1).toString());
  }

  /** /dev/null stands in for a block device: any device node has a MAJ:MIN (here 1:3). */
  @Test
  void perDeviceLimitsAreFoundOnTheDevicesLine(@TempDir Path cgroup) throws IOException {
    ScopeSpec spec = ScopeSpec.builder().property("IOReadBandwidthMax", "/dev/null 10M")
        .property("IOWriteIOPSMax", "/dev/null 500").build();
    write(cgroup, "io.max", "1:3 rbps=10000000 wbps=max riops=max wiops=500\n");
    assertEquals(List.of(), Enforcement.verify(spec, stored(spec), cgroup, false));

    write(cgroup, "io.max", "1:3 rbps=max wbps=max riops=max wiops=500\n");
    assertEquals(List.of("IOReadBandwidthMax=/dev/null 10M is not in effect: " + cgroup.resolve("io.max")
        + " has '1:3 rbps=max wbps=max riops=max wiops=500', expected 1:3 rbps=10000000"),
        Enforcement.verify(spec, stored(spec), cgroup, false).stream().map(NotEnforced::toString).toList());

    Files.delete(cgroup.resolve("io.max"));
    assertTrue(Enforcement.verify(spec, stored(spec), cgroup, false).get(0).reason()
        .endsWith("io.max does not exist: the io controller is not enabled for the unit, or the kernel"
            + " lacks this interface"));
  }

  @Test
  void valueSystemdStoredDifferentlyIsReported() {
    ScopeSpec spec = ScopeSpec.builder().property("TasksMax", "42").build();
    Map<String, Object> stored = Map.of("TasksMax", new UInt64(41));

    List<NotEnforced> findings = Enforcement.verify(spec, stored, null, false);

    assertEquals(List.of(new NotEnforced("TasksMax", "42", "systemd stored TasksMax=41 instead of 42", "")),
        findings);
  }

  @Test
  void startupValuesApplyWhileTheManagerStarts(@TempDir Path cgroup) throws IOException {
    ScopeSpec spec = ScopeSpec.builder().property("CPUWeight", "200").property("StartupCPUWeight", "50")
        .property("AllowedCPUs", "0").property("StartupAllowedCPUs", "0-1").build();
    write(cgroup, "cpu.weight", "50\n");
    write(cgroup, "cpuset.cpus", "0-1\n");

    assertEquals(List.of(), Enforcement.verify(spec, stored(spec), cgroup, true));
    assertEquals(List.of("CPUWeight", "AllowedCPUs"), Enforcement.verify(spec, stored(spec), cgroup, false)
        .stream().map(NotEnforced::property).toList());
  }

  @Test
  void onlyADescriptionNeedsNoReadBackUnlessItIsEmpty() {
    ScopeSpec described = ScopeSpec.builder().description("make -j8").build();
    ScopeSpec blank = ScopeSpec.builder().description("").build();

    assertFalse(Enforcement.needsReadBack(described));
    assertFalse(Enforcement.needsReadBack(ScopeSpec.builder().build()));
    assertTrue(Enforcement.needsReadBack(ScopeSpec.builder().description("x").property("KillMode", "mixed").build()));
    // systemd reads an empty Description back as the unit's name: that is reported.
    assertTrue(Enforcement.needsReadBack(blank));
    assertEquals(List.of("Description"), Enforcement.verify(blank, Map.of("Description", "x.scope"), null, false)
        .stream().map(NotEnforced::property).toList());
  }

  @Test
  void managerStateMattersOnlyWithAStartupSetting() {
    assertFalse(Enforcement.hasStartupVariant(ScopeSpec.builder().property("CPUWeight", "200").build()));
    assertTrue(Enforcement.hasStartupVariant(ScopeSpec.builder().property("StartupCPUWeight", "50").build()));
  }

  /** What systemd would store: exactly what was sent. */
  private static Map<String, Object> stored(UnitSpec spec) {
    Map<String, Object> stored = new HashMap<>();
    for (PropertyTable.Assignment a : spec.assignments()) {
      stored.put(a.name(), a.signature().equals("t")
          ? new UInt64(new BigInteger(Long.toUnsignedString((Long) a.value()))) : a.value());
    }
    stored.putIfAbsent("CPUQuotaPeriodUSec", new UInt64(new BigInteger("18446744073709551615")));
    return stored;
  }

  private static BigInteger unsigned(String text) {
    return text.equals("infinity") ? new BigInteger("18446744073709551615") : new BigInteger(text);
  }

  private static void write(Path dir, String file, String content) throws IOException {
    Files.writeString(dir.resolve(file), content);
  }
}
