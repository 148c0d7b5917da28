package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What status and list make of systemd's properties and of cgroup files (a fake cgroup here). */
class ObservationTest {
  private static final UInt64 INFINITY = new UInt64(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));

  @Test
  void configuredLimitsAreShownAsMinusPTakesThemAndUnsetOnesAreLeftOut() {
    Map<String, Object> properties = Map.of("MemoryMax", new UInt64(32L << 20), "MemoryHigh", INFINITY,
        "MemoryLow", new UInt64(0), "CPUQuotaPerSecUSec", new UInt64(125_000), "TasksMax", new UInt64(9),
        "AllowedCPUs", new byte[] {0b11}, "CPUWeight", INFINITY);
    assertEquals(Map.of("MemoryMax", "32M", "CPUQuota", "12.5%", "TasksMax", "9", "AllowedCPUs", "0-1"),
        Observation.configured(properties, List.of("MemoryMax", "MemoryHigh", "MemoryLow", "CPUQuota", "TasksMax",
            "AllowedCPUs", "CPUWeight")));
  }

  @Test
  void statusReadsUsagePressureAndProcessesFromTheCgroup(@TempDir Path cgroup) throws Exception {
    Files.writeString(cgroup.resolve("memory.current"), "1048576\n");
    Files.writeString(cgroup.resolve("memory.max"), "33554432\n");
    Files.writeString(cgroup.resolve("cpu.stat"), "usage_usec 2500\nuser_usec 2000\n");
    Files.writeString(cgroup.resolve("io.stat"), "8:0 rbytes=100 wbytes=20 rios=1\n254:0 rbytes=1 wbytes=2 rios=1\n");
    Files.writeString(cgroup.resolve("memory.pressure"),
        "some avg10=1.50 avg60=0.20 avg300=0.00 total=1234\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=5\n");
    Files.writeString(cgroup.resolve("cgroup.procs"), ProcessHandle.current().pid() + "\n");
    Files.createDirectory(cgroup.resolve("init"));
    Files.writeString(cgroup.resolve("init/cgroup.procs"), "");

    UnitStatus status = Observation.status("x.service",
        Map.of("ActiveState", "active", "TasksCurrent", new UInt64(3), "Delegate", true,
            "DelegateControllers", List.of("memory", "pids"), "MainPID", 0),
        new CgroupFiles(cgroup));
    assertEquals(OptionalLong.of(1048576), status.usage().memoryCurrent());
    assertEquals(OptionalLong.of(2_500_000), status.usage().cpuUsageNanos());
    assertEquals(OptionalLong.of(3), status.usage().tasksCurrent(), "from systemd where the file is missing");
    assertEquals(OptionalLong.of(101), status.usage().ioReadBytes());
    assertEquals(OptionalLong.of(22), status.usage().ioWriteBytes());
    assertEquals(OptionalLong.empty(), status.usage().memoryPeak());
    assertEquals(Map.of("memory.max", "33554432"), status.effective());
    assertEquals(1.5, status.pressure().get("memory").some().avg10());
    assertEquals(5, status.pressure().get("memory").full().orElseThrow().totalMicros());
    assertEquals(List.of("memory", "pids"), status.delegation().controllers());
    assertTrue(status.mainPid().isEmpty());
    assertEquals(1, status.processes().size());
    assertEquals("/", status.processes().get(0).cgroup());
    assertTrue(status.processes().get(0).command().contains("java"), status.processes().toString());
  }
}
