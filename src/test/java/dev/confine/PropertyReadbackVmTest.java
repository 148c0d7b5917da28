package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.confine.PropertyTable.Assignment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every table property, set on a real unit and read back from systemd over D-Bus: what systemd
 * stored must be exactly what the table sent. Runs in the test VM on each systemd version.
 */
@Tag("vm")
class PropertyReadbackVmTest {
  /** NAME=VALUE for scopes and services alike; each differs from systemd's default. */
  private static final List<String> COMMON = List.of(
      "MemoryMax=64M", "MemoryHigh=48M", "MemoryLow=8M", "MemoryMin=4M", "MemorySwapMax=0",
      "MemoryAccounting=yes", "CPUQuota=50%", "CPUQuotaPeriodSec=50ms", "CPUWeight=200",
      "StartupCPUWeight=50", "CPUAccounting=yes", "TasksMax=42", "TasksAccounting=yes",
      "IOAccounting=yes", "IOWeight=500", "StartupIOWeight=300", "DevicePolicy=closed",
      "ManagedOOMSwap=kill", "ManagedOOMMemoryPressure=kill",
      "ManagedOOMMemoryPressureLimit=50%", "ManagedOOMPreference=avoid", "KillMode=mixed",
      "KillSignal=SIGINT", "SendSIGHUP=yes", "SendSIGKILL=no", "RuntimeMaxSec=1h",
      "TimeoutStopSec=30s");

  /** NAME=VALUE for services only. */
  private static final List<String> SERVICE_ONLY = List.of(
      "UMask=0027", "NoNewPrivileges=yes", "Nice=5", "RemainAfterExit=yes",
      "LimitNOFILE=1024:4096", "LimitNPROC=500:600", "LimitCORE=0:1G", "LimitFSIZE=1G",
      "LimitMEMLOCK=64K:128K", "LimitSTACK=4M:8M", "WorkingDirectory=/", "Environment=A=1 B=2");

  @Test
  void scopePropertiesReadBackAsSent() throws Exception {
    ScopeSpec.Builder builder = ScopeSpec.builder();
    COMMON.forEach(builder::property);
    ScopeSpec spec = builder.build();
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      ScopedProcess process = systemd.launch(spec, new ProcessBuilder("sleep", "60"));
      try {
        assertReadBack(spec, systemd.unitProperties(process.unit(), "org.freedesktop.systemd1.Scope"));
      } finally {
        process.process().destroy();
        process.waitFor();
      }
    }
  }

  @Test
  void servicePropertiesReadBackAsSent() throws Exception {
    ServiceSpec.Builder builder = ServiceSpec.builder(List.of("sleep", "60"));
    COMMON.forEach(builder::property);
    SERVICE_ONLY.forEach(builder::property);
    ServiceSpec spec = builder.build();
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      String unit = systemd.start(spec);
      try {
        assertReadBack(spec, systemd.unitProperties(unit, "org.freedesktop.systemd1.Service"));
      } finally {
        new ProcessBuilder("systemctl", Manager.forCurrentUser() == Manager.USER ? "--user" : "--system",
            "stop", unit).start().waitFor();
      }
    }
  }

  /** Compares every sent assignment with systemd's value, naming each mismatch. */
  private static void assertReadBack(UnitSpec spec, Map<String, Object> stored) {
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (Assignment assignment : spec.assignments()) {
      if (assignment.name().equals("Description")) {
        continue; // on the Unit interface, and confine's own default
      }
      expected.add(assignment.name() + "=" + sent(assignment));
      actual.add(assignment.name() + "=" + stored(stored.get(assignment.name())));
    }
    assertEquals(expected, actual);
  }

  /** The text form of a value as the table sent it: t and u unsigned. */
  private static String sent(Assignment assignment) {
    switch (assignment.signature()) {
      case "t":
        return Long.toUnsignedString((Long) assignment.value());
      case "u":
        return Long.toString(Integer.toUnsignedLong((Integer) assignment.value()));
      default:
        return String.valueOf(assignment.value());
    }
  }

  /** The text form of a value as dbus-java returned it. */
  private static String stored(Object value) {
    if (value instanceof UInt64 u) {
      return u.value().toString();
    }
    if (value instanceof UInt32 u) {
      return Long.toString(u.longValue());
    }
    return String.valueOf(value);
  }
}
