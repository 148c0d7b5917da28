package dev.confine.vm;

import static dev.confine.vm.Guest.confine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A unit whose {@code Condition…=} fails is never started, though its start job ends "done".
 * For a service that is an outcome like any other, the same as systemd-run's; for a scope it
 * would leave the command outside its scope, so confine refuses and runs nothing.
 */
@Tag("vm")
class ConditionVmTest {

  @Test
  void aScopeWhoseConditionFailsRunsNothing() throws Exception {
    Path marker = Files.createTempDirectory("confine-condition").resolve("ran");
    try {
      Result result = confine("run", "--scope", "-p", "ConditionPathExists=/confine-no-such-file",
          "--", "touch", marker.toString());
      assertEquals(1, result.status(), result::toString);
      assertTrue(result.err().contains("was not started: a condition failed"), result::toString);
      assertFalse(Files.exists(marker), "the command ran outside its scope");
      assertEquals(1, result.err().lines().count(), result::toString);
    } finally {
      Files.deleteIfExists(marker);
      Files.delete(marker.getParent());
    }
  }

  @Test
  void aServiceWhoseConditionFailsEndsAsWithSystemdRun() throws Exception {
    Path marker = Files.createTempDirectory("confine-condition").resolve("ran");
    List<String> arguments = List.of("--wait", "-p", "ConditionPathExists=/confine-no-such-file",
        "--", "touch", marker.toString());
    try {
      List<String> command = new ArrayList<>(List.of(Guest.CONFINE.toString(), "run"));
      command.addAll(arguments);
      Result ours = Guest.run(Map.of(), "", command);
      List<String> reference = new ArrayList<>(List.of("systemd-run"));
      if (!Guest.ROOT) {
        reference.add("--user");
      }
      reference.addAll(arguments);
      Result theirs = Guest.run(Map.of(), "", reference);
      assertEquals(theirs.status(), ours.status(), () -> ours + "\n--- systemd-run:\n" + theirs);
      assertFalse(Files.exists(marker), "the command ran though its condition failed");
    } finally {
      Files.deleteIfExists(marker);
      Files.delete(marker.getParent());
    }
  }
}
