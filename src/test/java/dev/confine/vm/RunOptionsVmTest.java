package dev.confine.vm;

import static dev.confine.vm.Guest.ROOT;
import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineInProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * systemd-run's options of {@code confine run}, each checked where systemd holds it (systemctl
 * show, the transient unit file) and where the command sees it, on systemd 252 and 257, as root
 * (system manager) and as a user (user manager). Each option goes once through a real process;
 * the other cases run the command line in this JVM.
 */
@Tag("vm")
class RunOptionsVmTest {

  @Test
  void jsonNamesTheUnitAndItsInvocationOnStdout() throws Exception {
    Result result = confine("run", "--json=short", "--no-ask-password", "--", "sleep", "30");
    assertEquals(0, result.status(), result::toString);
    String unit = result.out().replaceFirst("(?s)^\\{\"unit\":\"([^\"]+)\".*", "$1");
    assertEquals("{\"unit\":\"" + unit + "\",\"invocation_id\":\"" + Guest.systemctl("show", "-P", "InvocationID", unit)
        + "\"}\n", result.out(), result::toString);
    assertEquals("", result.err());
    Guest.systemctl("stop", unit);

    Result pretty = confineInProcess("run", "--json=pretty", "--", "sleep", "30");
    String prettyUnit = pretty.out().replaceFirst("(?s)^\\{\n\t\"unit\" : \"([^\"]+)\".*", "$1");
    assertEquals("{\n\t\"unit\" : \"" + prettyUnit + "\",\n\t\"invocation_id\" : \""
        + Guest.systemctl("show", "-P", "InvocationID", prettyUnit) + "\"\n}\n", pretty.out(), pretty::toString);
    Guest.systemctl("stop", prettyUnit);
  }

  @Test
  void serviceOptionsBecomeTheUnitsSettings() throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("run", "-r", "--service-type=oneshot", "--nice=7",
        "--send-sighup", "--working-directory=/usr", "-q"));
    if (ROOT) {
      args.addAll(List.of("--uid=nobody", "--gid=nogroup"));
    }
    String unit = Guest.uniqueName("confine-options") + ".service";
    args.addAll(List.of("--unit", unit, "--", "true"));
    Result result = confine(args.toArray(String[]::new));
    assertEquals(0, result.status(), result::toString);
    try {
      assertEquals("active", Guest.systemctl("show", "-P", "ActiveState", unit), "RemainAfterExit keeps it");
      String shown = Guest.systemctl("show", "-p", "RemainAfterExit,Type,Nice,SendSIGHUP,WorkingDirectory,User,Group", unit);
      assertTrue(shown.contains("RemainAfterExit=yes") && shown.contains("Type=oneshot") && shown.contains("Nice=7")
          && shown.contains("SendSIGHUP=yes") && shown.contains("WorkingDirectory=/usr"), shown);
      String file = Guest.transientUnitFile(unit);
      for (String line : List.of("RemainAfterExit=yes", "Type=oneshot", "Nice=7", "SendSIGHUP=yes", "WorkingDirectory=/usr")) {
        assertTrue(file.lines().anyMatch(line::equals), line + " missing from\n" + file);
      }
      if (ROOT) {
        assertTrue(shown.contains("User=nobody") && shown.contains("Group=nogroup"), shown);
      }
    } finally {
      Guest.systemctl("stop", unit);
    }
  }

  @Test
  void theServiceRunsWithItsNiceLevelDirectoryAndIdentity() throws Exception {
    String check = "[ \"$(cut -d' ' -f19 /proc/self/stat)\" = 7 ] && [ \"$(pwd)\" = /usr ]"
        + (ROOT ? " && [ \"$(id -un):$(id -gn)\" = nobody:nogroup ]" : "");
    List<String> args = new java.util.ArrayList<>(List.of("run", "--wait", "-q", "--nice=7", "--working-directory=/usr"));
    if (ROOT) {
      args.addAll(List.of("--uid=nobody", "--gid=nogroup"));
    }
    args.addAll(List.of("--", "sh", "-c", check));
    Result result = confineInProcess(args.toArray(String[]::new));
    assertEquals(0, result.status(), result::toString);
  }

  @Test
  void aScopesCommandRunsWithItsNiceLevelDirectoryAndIdentity() throws Exception {
    // A directory anyone may write: the command may run as nobody, and /tmp (sticky) would not
    // let it open a file another user made there.
    Path dir = Files.createTempDirectory("confine-scope");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path out = dir.resolve("out");
    try {
      String report = "echo \"$(cut -d' ' -f19 /proc/self/stat) $(pwd) $(id -un) $HOME\" > " + out;
      List<String> args = new java.util.ArrayList<>(List.of("run", "--scope", "-q", "--nice=5", "-d"));
      if (ROOT) {
        args.add("--uid=nobody");
      }
      args.addAll(List.of("--", "sh", "-c", report));
      Result result = confine(args.toArray(String[]::new));
      assertEquals(0, result.status(), result::toString);
      String here = Path.of("").toAbsolutePath().toString();
      String expected = ROOT ? "5 " + here + " nobody /nonexistent"
          : "5 " + here + " " + System.getProperty("user.name") + " " + System.getenv("HOME");
      assertEquals(expected, Files.readString(out).trim(), result::toString);
    } finally {
      Files.deleteIfExists(out);
      Files.delete(dir);
    }
    if (!ROOT) {
      Result refused = confineInProcess("run", "--scope", "--nice=-5", "--", "true");
      assertEquals(1, refused.status(), refused::toString);
      assertTrue(refused.err().contains("needs root"), refused::toString);
      Result otherUser = confineInProcess("run", "--scope", "-q", "--uid=nobody", "--", "true");
      assertNotEquals(0, otherUser.status(), otherUser::toString);
    }
  }

  @Test
  void noBlockReturnsOnceTheStartIsQueued() throws Exception {
    Result result = confineInProcess("run", "--no-block", "--", "sleep", "30");
    assertEquals(0, result.status(), result::toString);
    String unit = Guest.unitFrom(result);
    assertTrue(List.of("active", "activating").contains(Guest.systemctl("show", "-P", "ActiveState", unit)));
    Guest.systemctl("stop", unit);
  }

  @Test
  void ignoreFailureTurnsAFailedCommandIntoSuccess() throws Exception {
    assertEquals(0, confineInProcess("run", "--wait", "-q", "--ignore-failure", "--", "false").status());
    assertEquals(1, confineInProcess("run", "--wait", "-q", "--", "false").status());
  }

  @Test
  void expandEnvironmentDecidesWhetherVariablesAreExpanded() throws Exception {
    // $0 is the word "$X": kept as it is, or expanded to 1.
    String isLiteral = "[ \"$0\" = '$X' ]";
    assertEquals(0, confineInProcess("run", "--wait", "-q", "-E", "X=1", "--expand-environment=no",
        "--", "sh", "-c", isLiteral, "$X").status());
    assertEquals(1, confineInProcess("run", "--wait", "-q", "-E", "X=1", "--", "sh", "-c", isLiteral, "$X").status());

    Path out = Files.createTempFile("confine-expand", ".out");
    try {
      Result expanded = confine("run", "--scope", "-q", "-E", "X=1", "--expand-environment=yes", "--",
          "sh", "-c", "echo \"$0 $1\" > " + out, "${X}", "$X");
      assertEquals(0, expanded.status(), expanded::toString);
      assertEquals("1 1", Files.readString(out).trim());
      Result literal = confineInProcess("run", "--scope", "-q", "-E", "X=1", "--",
          "sh", "-c", "echo \"$0\" > " + out, "${X}");
      assertEquals(0, literal.status(), literal::toString);
      assertEquals("${X}", Files.readString(out).trim());
    } finally {
      Files.delete(out);
    }
  }

  @Test
  void sliceInheritPlacesTheUnitBelowTheCallersSlice() throws Exception {
    String outer = Guest.uniqueName("cfouter").replace("-", "");
    Result result = Guest.run(Map.of(), "", List.of(Guest.CONFINE.toString(), "run", "--scope", "-q",
        "--slice=" + outer, "--", Guest.CONFINE.toString(), "run", "--scope", "-q", "--slice-inherit",
        "--slice=inner", "--", "cat", "/proc/self/cgroup"));
    assertEquals(0, result.status(), result::toString);
    assertTrue(result.out().contains("/" + outer + ".slice/" + outer + "-inner.slice/confine-"), result::toString);
  }

  @Test
  void versionAndHelpForOneCommand() throws Exception {
    Result version = confine("--version");
    assertEquals(0, version.status(), version::toString);
    assertTrue(version.out().matches("confine \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .*\\)\n"), version::toString);
    Result help = confineInProcess("help", "run");
    assertEquals(0, help.status(), help::toString);
    assertTrue(help.out().contains("--slice-inherit") && help.out().contains("Usage: confine run"), help::toString);
  }
}
