package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.PropertyTable.Assignment;
import java.util.Arrays;
import java.util.List;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;

/** What systemd holds after several assignments of one name, and how its report compares. */
class MergeTest {

  private static List<Assignment> parse(String property, String... values) {
    return Arrays.stream(values)
        .flatMap(value -> PropertyTable.parseAssignment(property, value, UnitType.SERVICE).stream())
        .toList();
  }

  @Test
  void commandsCompareByTheFieldsSent() {
    List<Assignment> sent = parse("ExecStop", "/bin/true", "-/bin/false x");
    // systemd reports each command with its run-time status after the fields it takes.
    Object stored = List.of(
        new Object[] {"/bin/true", List.of("/bin/true"), false, new UInt64(0), new UInt64(0), 0, 0},
        new Object[] {"/bin/false", List.of("/bin/false", "x"), true, new UInt64(0), new UInt64(0), 0, 0});

    assertEquals(List.of("[[/bin/false, [/bin/false, x], true]]", "[[/bin/true, [/bin/true], false]]"),
        Merge.APPENDS.expected(sent));
    assertEquals(Merge.APPENDS.expected(sent), Merge.APPENDS.stored(stored, sent));
  }

  @Test
  void exitStatusesAndSignalsAddUp() {
    List<Assignment> sent = parse("SuccessExitStatus", "3 SIGUSR1", "TEMPFAIL");
    Object stored = new Object[] {List.of(3, 75, 99), List.of(10)};

    assertEquals(List.of("field 1: 3", "field 1: 75", "field 2: 10"), Merge.UNITES.expected(sent));
    assertEquals(Merge.UNITES.expected(sent), Merge.UNITES.stored(stored, sent));
  }

  @Test
  void theOtherKindOfListRemovesNames() {
    // The first assignment makes a deny list; an allow-list one then takes a name out of it.
    List<Assignment> sent = parse("SystemCallFilter", "~ptrace mount", "mount");
    Object stored = new Object[] {false, List.of("ptrace", "kexec_load")};

    assertEquals(List.of("(deny list)", "ptrace"), Merge.ALLOWS_OR_DENIES.expected(sent));
    assertEquals(Merge.ALLOWS_OR_DENIES.expected(sent), Merge.ALLOWS_OR_DENIES.stored(stored, sent));
    assertEquals(List.of("ptrace"),
        Merge.ALLOWS_OR_DENIES.stored(new Object[] {true, List.of("ptrace")}, sent));
  }

  @Test
  void anEmptyValueEmptiesTheList() {
    List<Assignment> reset = parse("RestrictAddressFamilies", "");
    assertTrue(reset.get(0).replaces());
    assertFalse(parse("RestrictAddressFamilies", "AF_UNIX").get(0).replaces());
    assertTrue(parse("SuccessExitStatus", "").get(0).replaces());
    assertTrue(parse("ExecStart", "-").get(0).replaces());
  }
}
