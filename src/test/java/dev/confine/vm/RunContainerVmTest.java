package dev.confine.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code -M NAME} with a real container: the guest boots itself a second time in systemd-nspawn,
 * on an overlay of its own root, registered with systemd-machined as {@code box}. confine reaches
 * the container's system manager through {@code systemd-stdio-bridge --machine=box}, a user's
 * manager there through a login session, and with {@code --pty} a terminal machined opens inside
 * it. Root only, as for systemd-run: entering a container's namespaces takes root.
 */
@Tag("vm")
@Tag("vm-root") // boots a container: the root pass only
class RunContainerVmTest {
  private static final String ROOT_DIR = "/var/lib/machines/box";

  @BeforeAll
  static void bootContainer() throws Exception {
    // The container must not run the suite again, nor linger tester, nor wait on a console login.
    Result booted = Guest.run(Map.of(), "", List.of("sh", "-ec", """
        mkdir -p /run/confine-box/upper /run/confine-box/work %1$s
        mount -t overlay confine-box -o lowerdir=/,upperdir=/run/confine-box/upper,workdir=/run/confine-box/work %1$s
        for unit in confine-vm-runner.service console-getty.service; do
          ln -sf /dev/null %1$s/etc/systemd/system/$unit
        done
        rm -f %1$s/var/lib/systemd/linger/tester
        : > %1$s/etc/fstab
        echo box > %1$s/etc/hostname
        systemd-run -q --unit=confine-box -p Type=notify -p Delegate=yes -p TimeoutStartSec=300 \\
          -p KillSignal=SIGKILL -p CollectMode=inactive-or-failed \\
          systemd-nspawn -q --keep-unit --boot --notify-ready=yes -D %1$s -M box
        """.formatted(ROOT_DIR)), Duration.ofMinutes(5));
    assertEquals(0, booted.status(), booted::toString);
  }

  @AfterAll
  static void removeContainer() throws Exception {
    Result removed = Guest.run(Map.of(), "", List.of("sh", "-c", """
        systemctl stop confine-box.service
        umount %1$s && rmdir %1$s && rm -rf /run/confine-box
        """.formatted(ROOT_DIR)));
    assertEquals(0, removed.status(), removed::toString);
  }

  /** The container's system manager runs the service there, with the caller's streams. */
  @Test
  void machineReachesTheContainersSystemManager() throws Exception {
    Result result = Guest.run(Map.of(), "in\n", List.of(Guest.CONFINE.toString(), "run", "-M", "box",
        "--pipe", "-q", "--", "sh", "-c", "cat; cat /run/systemd/container; hostname; exit 6"));
    assertEquals(6, result.status(), result::toString);
    assertEquals("in\nsystemd-nspawn\nbox\n", result.out(), result::toString);
    assertNothingLeft();
  }

  /** -M USER@NAME --user: that user's manager in the container, through a login session there. */
  @Test
  void machineWithUserReachesAUsersManagerInTheContainer() throws Exception {
    Result result = Guest.run(Map.of(), "", List.of(Guest.CONFINE.toString(), "run", "-M", "tester@box",
        "--user", "--pipe", "-q", "--", "sh", "-c", "id -un; cat /run/systemd/container"));
    assertEquals(0, result.status(), result::toString);
    assertEquals("tester\nsystemd-nspawn\n", result.out(), result::toString);
    assertNothingLeft();
  }

  /** --pty: a terminal systemd-machined opened in the container, forwarded to this one. */
  @Test
  void ptyIsATerminalInsideTheContainer() throws Exception {
    Result result = RunPtyVmTest.onTerminal("confine run -M box -t -q -- sh -c '"
        + "tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-three-ttys; stty size;"
        + " cat /run/systemd/container; echo; exit 3'; echo status=$?", Map.of());
    if (RunPtyVmTest.refusedForItsJava(result)) {
      return;
    }
    String out = result.out().replace("\r", "");
    assertTrue(out.contains("/dev/pts/"), result::toString);
    assertTrue(out.contains("all-three-ttys"), result::toString);
    assertTrue(out.contains("31 97"), result::toString);
    assertTrue(out.contains("systemd-nspawn"), result::toString);
    assertTrue(out.contains("status=3"), result::toString);
    assertNothingLeft();
  }

  /** A container machined does not know: one line that says so, and what lists the known ones. */
  @Test
  void ptyInAnUnknownContainerIsOneClearLine() throws Exception {
    Result result = RunPtyVmTest.onTerminal("confine run -M nobox -t -q -- true; echo status=$?", Map.of());
    if (RunPtyVmTest.refusedForItsJava(result)) {
      return;
    }
    String out = result.out().replace("\r", "");
    assertTrue(out.contains("confine: No machine 'nobox' known. machinectl list shows"), result::toString);
    assertTrue(out.contains("status=1"), result::toString);
    assertTrue(!out.contains("Exception"), result::toString);
  }

  private static void assertNothingLeft() throws Exception {
    Result leftovers = Guest.run(Map.of(), "", List.of("sh", "-c",
        "ls -d /tmp/confine-bus* 2>/dev/null; pgrep -a systemd-socket-activate; pgrep -a systemd-stdio-bridge;"
            + " systemctl list-units --plain --no-legend 'confine-*' | grep -v -e confine-box -e confine-vm-runner;"
            + " true"));
    assertEquals("", leftovers.out(), leftovers::toString);
  }
}
