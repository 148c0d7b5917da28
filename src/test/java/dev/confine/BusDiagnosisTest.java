package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.BusDiagnosis.Cause;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Why a bus cannot be reached, from the environment and the files that exist. */
class BusDiagnosisTest {
  private static final Set<String> BOOTED = Set.of("/run/systemd/system");
  private static final Set<String> SESSION = Set.of("/run/systemd/system", "/run/user/1000/bus",
      "/run/user/1000/systemd/private", "/run/dbus/system_bus_socket");

  private static List<Cause> causes(Manager manager, long uid, String user, String environment, Set<String> files) {
    Map<String, String> env = new HashMap<>();
    for (String assignment : environment.isBlank() ? new String[0] : environment.trim().split(" ")) {
      env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
    }
    return BusDiagnosis.causes(manager, uid, user, env, path -> files.contains(path.toString()));
  }

  @Test
  void aWorkingSessionHasNoCause() {
    assertEquals(List.of(), causes(Manager.USER, 1000, "tester", "XDG_RUNTIME_DIR=/run/user/1000", SESSION));
    assertEquals(List.of(), causes(Manager.SYSTEM, 1000, "tester", "", SESSION));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      su without -l         | 1000 | tester |                                                  | neither $XDG_RUNTIME_DIR nor $DBUS_SESSION_BUS_ADDRESS is set (as after su without -l, or in cron) | export XDG_RUNTIME_DIR=/run/user/1000
      sudo                  | 0    | root   | SUDO_USER=tester                                 | neither $XDG_RUNTIME_DIR nor $DBUS_SESSION_BUS_ADDRESS is set (sudo from tester does not pass them on) | run confine as tester, without sudo
      su keeps XDG          | 0    | root   | XDG_RUNTIME_DIR=/run/user/1000                   | $XDG_RUNTIME_DIR is /run/user/1000, which belongs to uid 1000, but confine runs as root (uid 0) | as root, use the system manager (--system)
      sudo -E keeps the bus | 0    | root   | SUDO_USER=tester DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus | $DBUS_SESSION_BUS_ADDRESS is unix:path=/run/user/1000/bus, which belongs to uid 1000, but confine runs as root (uid 0) through sudo from tester | as root, use the system manager
      su to another user    | 1001 | alice  | XDG_RUNTIME_DIR=/run/user/1000                   | $XDG_RUNTIME_DIR is /run/user/1000, which belongs to uid 1000, but confine runs as alice (uid 1001) | export XDG_RUNTIME_DIR=/run/user/1001; unset DBUS_SESSION_BUS_ADDRESS
      """)
  void environmentCauses(String label, long uid, String user, String environment, String finding, String fix) {
    List<Cause> causes = causes(Manager.USER, uid, user, environment == null ? "" : environment, SESSION);

    assertTrue(causes.get(0).finding().startsWith(finding), causes::toString);
    assertTrue(causes.get(0).fix().contains(fix), causes::toString);
  }

  @Test
  void noUserBusWhileTheUserManagerRunsIsTheMissingDbusUserSession() {
    List<Cause> causes = causes(Manager.USER, 1000, "tester", "XDG_RUNTIME_DIR=/run/user/1000",
        Set.of("/run/systemd/system", "/run/user/1000/systemd/private"));

    assertEquals(List.of(new Cause("user@1000.service runs, but there is no user bus at /run/user/1000/bus: the"
        + " dbus-user-session package is missing", "install it (sudo apt install dbus-user-session), then log in"
        + " again or: sudo systemctl restart user@1000.service")), causes);
  }

  @Test
  void noUserManagerWithoutSessionOrLingering() {
    List<Cause> causes = causes(Manager.USER, 1000, "tester", "", BOOTED);

    assertEquals(2, causes.size(), causes::toString);
    assertEquals("log in as tester (ssh, su -l tester, machinectl shell tester@)", causes.get(0).fix());
    assertEquals("no user manager runs for tester: tester has no login session and lingering is off (there is no"
        + " /var/lib/systemd/linger/tester)", causes.get(1).finding());
    assertTrue(causes.get(1).fix().startsWith("sudo loginctl enable-linger tester"), causes::toString);
  }

  @Test
  void lingeringWithoutAUserManager() {
    List<Cause> causes = causes(Manager.USER, 1000, "tester", "XDG_RUNTIME_DIR=/run/user/1000",
        Set.of("/run/systemd/system", "/var/lib/systemd/linger/tester"));

    assertEquals("lingering is on for tester, but user@1000.service does not run", causes.get(0).finding());
  }

  @Test
  void systemBusAndSystemdItself() {
    assertEquals("the system bus is not running (there is no /run/dbus/system_bus_socket)",
        causes(Manager.SYSTEM, 0, "root", "", BOOTED).get(0).finding());
    assertEquals(List.of(), causes(Manager.SYSTEM, 0, "root", "DBUS_SYSTEM_BUS_ADDRESS=unix:abstract=/x", BOOTED));
    assertTrue(causes(Manager.USER, 1000, "tester", "XDG_RUNTIME_DIR=/run/user/1000", Set.of()).get(0).finding()
        .startsWith("systemd is not the init system here"));
  }

  @Test
  void socketOfAnAddress() {
    assertEquals(Path.of("/run/user/1000/bus"), BusDiagnosis.socketPath("unix:path=/run/user/1000/bus,guid=1"));
    assertEquals(null, BusDiagnosis.socketPath("unix:abstract=/tmp/dbus-x"));
  }
}
