package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.confine.SystemdRefusalsTest.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The verdicts of {@link SystemdRefusalsTest}, proven against the VM's systemd: the rows go
 * through {@code systemd-run -p NAME=VALUE true} (a scope where scopes take the property, else a
 * service), which must accept what confine accepts and refuse what it refuses; each refused row
 * alone, the accepted ones in batches. Rows of
 * properties newer than the VM's systemd are left out. Root's pass only: the system and user
 * managers parse properties with the same code, and the rows cost over a minute and a half a
 * pass under emulation (GrammarFuzzVmTest sends generated values to both).
 */
@Tag("vm")
@Tag("vm-root")
class SystemdRefusalsVmTest {
  /** Accepted rows per systemd-run call. */
  private static final int BATCH = 16;

  @Test
  void systemdRunAcceptsAndRefusesWhatConfineDoes() throws Exception {
    int version;
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      version = systemd.majorVersion();
    }
    List<String> disagreements = new ArrayList<>();
    Map<UnitType, List<Row>> acceptedByType = new EnumMap<>(UnitType.class);
    for (Row row : SystemdRefusalsTest.rows()) {
      UnitType type = SystemdRefusalsTest.typeFor(row);
      if (PropertyTable.require(row.property(), type).since(type) > version) {
        continue;
      }
      if (row.accepted()) {
        acceptedByType.computeIfAbsent(type, t -> new ArrayList<>()).add(row);
        continue;
      }
      String refusal = systemdRunRefusal(List.of(row), type);
      if (refusal == null) {
        disagreements.add(row + ": confine refuses, systemd " + version + " accepts");
      }
    }
    for (Map.Entry<UnitType, List<Row>> accepted : acceptedByType.entrySet()) {
      List<Row> rows = accepted.getValue();
      for (int start = 0; start < rows.size(); start += BATCH) {
        acceptedOneByOneWhereNotTogether(rows.subList(start, Math.min(rows.size(), start + BATCH)),
            accepted.getKey(), version, disagreements);
      }
    }
    assertEquals(List.of(), disagreements);
  }

  /**
   * Rows confine accepts go to systemd-run a batch at a time: a call per row would cost a second
   * each under emulation. A batch systemd-run takes is accepted row by row (each row is parsed on
   * its own, client and manager side); one it refuses is split until the refused rows stand alone.
   */
  private static void acceptedOneByOneWhereNotTogether(List<Row> rows, UnitType type, int version,
      List<String> disagreements) throws IOException, InterruptedException {
    String refusal = systemdRunRefusal(rows, type);
    if (refusal == null) {
      return;
    }
    if (rows.size() == 1) {
      disagreements.add(rows.get(0) + ": confine accepts, systemd " + version + " refuses: " + refusal);
      return;
    }
    int half = rows.size() / 2;
    acceptedOneByOneWhereNotTogether(rows.subList(0, half), type, version, disagreements);
    acceptedOneByOneWhereNotTogether(rows.subList(half, rows.size()), type, version, disagreements);
  }

  /**
   * What systemd-run printed when it refused the rows, or null when it ran {@code true}. Accepted
   * rows must leave {@code true} able to run (no MemoryMax of a few bytes).
   */
  private static String systemdRunRefusal(List<Row> rows, UnitType type) throws IOException, InterruptedException {
    // --collect: a row whose start fails must not leave a failed unit behind.
    List<String> command = new ArrayList<>(List.of("systemd-run", "--quiet", "--collect"));
    if (type == UnitType.SCOPE) {
      command.add("--scope");
    }
    for (Row row : rows) {
      command.add("--property=" + row.property() + "=" + row.value());
    }
    command.add("true");
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
