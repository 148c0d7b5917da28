package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.confine.SystemdRefusalsTest.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The verdicts of {@link SystemdRefusalsTest}, proven against the VM's systemd: each row goes
 * through {@code systemd-run -p NAME=VALUE true} (a scope where scopes take the property, else a
 * service), which must accept what confine accepts and refuse what it refuses. Rows of
 * properties newer than the VM's systemd are left out. Root's pass only: the system and user
 * managers parse properties with the same code, and the rows cost over a minute and a half a
 * pass under emulation (GrammarFuzzVmTest sends generated values to both).
 */
@Tag("vm")
@Tag("vm-root")
class SystemdRefusalsVmTest {

  @Test
  void systemdRunAcceptsAndRefusesWhatConfineDoes() throws Exception {
    int version;
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      version = systemd.majorVersion();
    }
    List<String> disagreements = new ArrayList<>();
    for (Row row : SystemdRefusalsTest.rows()) {
      UnitType type = SystemdRefusalsTest.typeFor(row);
      if (PropertyTable.require(row.property(), type).since(type) > version) {
        continue;
      }
      String refusal = systemdRunRefusal(row, type);
      if ((refusal == null) != row.accepted()) {
        disagreements.add(row + ": confine " + (row.accepted() ? "accepts" : "refuses")
            + ", systemd " + version + (refusal == null ? " accepts" : " refuses: " + refusal));
      }
    }
    assertEquals(List.of(), disagreements);
  }

  /**
   * What systemd-run printed when it refused the row, or null when it ran {@code true}. Accepted
   * rows must leave {@code true} able to run (no MemoryMax of a few bytes).
   */
  private static String systemdRunRefusal(Row row, UnitType type) throws IOException, InterruptedException {
    // --collect: a row whose start fails must not leave a failed unit behind.
    List<String> command = new ArrayList<>(List.of("systemd-run", "--quiet", "--collect"));
    if (type == UnitType.SCOPE) {
      command.add("--scope");
    }
    command.addAll(List.of("--property=" + row.property() + "=" + row.value(), "true"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("systemd-run timed out: " + command);
    }
    return process.exitValue() == 0 ? null : output;
  }
}
