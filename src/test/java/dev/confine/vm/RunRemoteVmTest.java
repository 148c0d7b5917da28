package dev.confine.vm;

import static dev.confine.vm.Guest.ROOT;
import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineInProcess;
import static dev.confine.vm.Guest.confineWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code -H/--host} and {@code -M/--machine}: the manager is reached through a program's stdio,
 * as systemd-run reaches it ({@code ssh … systemd-stdio-bridge}, {@code systemd-run -M …
 * systemd-stdio-bridge}). The guest has no ssh server; a stand-in {@code ssh} first in PATH logs
 * its arguments and runs the remote command here, so what is tested is everything but the
 * network: the address confine builds, the bridge, and the manager's answers through it.
 */
@Tag("vm")
class RunRemoteVmTest {
  private static Path bin;
  private static Path log;

  @BeforeAll
  static void standInSsh() throws Exception {
    bin = Files.createTempDirectory("confine-ssh");
    log = bin.resolve("ssh.log");
    Path ssh = bin.resolve("ssh");
    // ssh [-xT] [-p PORT] -- HOST COMMAND...: runs COMMAND, as sshd would on HOST.
    Files.writeString(ssh, """
        #!/bin/sh
        echo "$*" >> "%s"
        while [ "$1" != -- ]; do shift; done
        shift 2
        exec "$@"
        """.formatted(log));
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void removeStandIn() throws Exception {
    Files.deleteIfExists(log);
    Files.deleteIfExists(bin.resolve("ssh"));
    Files.deleteIfExists(bin);
  }

  private static Result viaSsh(String... args) throws Exception {
    return confineWith(Map.of("PATH", bin + ":" + System.getenv("PATH")), "", args);
  }

  /** As root: a service on the "remote" system manager, its exit status and limits as sent. */
  @Test
  void hostStartsAServiceThroughSshAndTheBridge() throws Exception {
    if (!ROOT) {
      return;
    }
    Files.deleteIfExists(log);
    // A bare command name is the remote manager's to look up, as with systemd-run -H.
    Result result = viaSsh("run", "-H", "tester@box:2222", "--wait", "--", "sh", "-c", "exit 7");
    assertEquals(7, result.status(), result::toString);
    assertTrue(result.err().contains("Finished with result: exit-code"), result::toString);
    assertEquals("-xT -p 2222 -- tester@box systemd-stdio-bridge\n", Files.readString(log));

    String unit = Guest.uniqueName("confine-remote") + ".service";
    Result limited = viaSsh("run", "-H", "box", "-q", "-r", "-u", unit, "-p", "MemoryMax=64M", "--", "true");
    try {
      assertEquals(0, limited.status(), limited::toString);
      assertEquals("", limited.err(), limited::toString);
      assertEquals("67108864", Guest.systemctl("show", "-P", "MemoryMax", unit));
      assertEquals("true", Guest.systemctl("show", "-P", "ExecStart", unit).replaceFirst(".*argv\\[\\]=(\\S+).*", "$1"));
    } finally {
      Guest.systemctl("stop", unit);
    }
  }

  /** As a user: the system manager through ssh refuses, in one line, and nothing is left. */
  @Test
  void hostAsAUserGetsTheManagersRefusal() throws Exception {
    if (ROOT) {
      return;
    }
    Result result = viaSsh("run", "-H", "box", "--", "true");
    assertEquals(1, result.status(), result::toString);
    assertEquals(1, result.err().lines().count(), result::toString);
    assertFalse(result.err().contains("Exception"), result::toString);
  }

  /** A host that cannot be reached: ssh's own complaint, then confine's one line. */
  @Test
  void anUnreachableHostIsOneClearFailure() throws Exception {
    Path failing = Files.createTempDirectory("confine-ssh-failing");
    Path ssh = failing.resolve("ssh");
    Files.writeString(ssh, "#!/bin/sh\necho 'ssh: Could not resolve hostname box' >&2\nexit 255\n");
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      Result result = confineWith(Map.of("PATH", failing + ":" + System.getenv("PATH")), "",
          "run", "-H", "box", "--", "true");
      assertEquals(1, result.status(), result::toString);
      List<String> lines = result.err().lines().toList();
      assertEquals(2, lines.size(), result::toString);
      assertEquals("ssh: Could not resolve hostname box", lines.get(0));
      assertEquals("confine: cannot connect to the system manager:"
          + " ssh -xT -- box systemd-stdio-bridge ended with status 255", lines.get(1));
    } finally {
      Files.delete(ssh);
      Files.delete(failing);
    }
  }

  /** -M .host: this machine's system manager through systemd-stdio-bridge --machine (root). */
  @Test
  void machineDotHostReachesTheSystemManager() throws Exception {
    if (!ROOT) {
      return;
    }
    Result result = confine("run", "-M", ".host", "--wait", "--", "sh", "-c", "exit 5");
    assertEquals(5, result.status(), result::toString);
    assertTrue(result.err().contains("Running as unit: confine-"), result::toString);
  }

  /**
   * -M with --pipe: the caller's stdin, stdout and stderr reach the service through a second
   * bridge that sits on a socket (pipes carry no descriptors), for the system manager and for a
   * user's; nothing of either bridge is left behind.
   */
  @Test
  void machineWithPipePassesTheCallersStreams() throws Exception {
    if (!ROOT) {
      return;
    }
    Result system = Guest.run(Map.of(), "through the bridge\n", List.of(Guest.CONFINE.toString(), "run",
        "-M", ".host", "--pipe", "-q", "--", "sh", "-c", "cat; echo to-stderr >&2; exit 4"));
    assertEquals(4, system.status(), system::toString);
    assertEquals("through the bridge\n", system.out(), system::toString);
    assertTrue(system.err().contains("to-stderr"), system::toString);
    Result user = Guest.run(Map.of(), "", List.of(Guest.CONFINE.toString(), "run", "-M", "tester@",
        "--user", "--pipe", "-q", "--", "sh", "-c", "id -un; echo $PWD"));
    assertEquals(0, user.status(), user::toString);
    assertEquals("tester\n/home/tester\n", user.out(), user::toString);
    Result leftovers = Guest.run(Map.of(), "", List.of("sh", "-c",
        "ls -d /tmp/confine-bus* 2>/dev/null; pgrep -a systemd-socket-activate; pgrep -a systemd-stdio-bridge; true"));
    assertEquals("", leftovers.out(), leftovers::toString);
  }

  /**
   * -M tester@.host --user: tester's own manager, reached through a login session systemd-run
   * opens for tester (root only, as with systemd-run).
   */
  @Test
  void machineWithUserReachesThatUsersManager() throws Exception {
    if (!ROOT) {
      return;
    }
    String unit = Guest.uniqueName("confine-machine") + ".service";
    Result result = confine("run", "-M", "tester@.host", "--user", "-q", "-r", "-u", unit, "--", "true");
    try {
      assertEquals(0, result.status(), result::toString);
      Result show = Guest.run(Map.of(), "", List.of("systemctl", "--user", "-M", "tester@.host", "show",
          "-P", "ActiveState", unit));
      assertEquals("active", show.out().trim(), show::toString);
    } finally {
      Guest.run(Map.of(), "", List.of("systemctl", "--user", "-M", "tester@.host", "stop", unit));
    }
  }

  @Test
  void combinationsSystemdRunRefusesAreRefused() {
    Result user = confineInProcess("run", "-H", "box", "--user", "--", "true");
    assertEquals(2, user.status(), user::toString);
    assertTrue(user.err().contains("execution in user context is not supported on remote systems"), user::toString);
    Result scope = confineInProcess("run", "-H", "box", "--scope", "--", "true");
    assertEquals(2, scope.status(), scope::toString);
    Result bad = confineInProcess("run", "-M", "no_such", "--", "true");
    assertEquals(1, bad.status(), bad::toString);
  }
}
