package dev.confine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a manager's bus cannot be reached, read from the environment and the file system: the
 * usual causes are a user environment left behind by su or sudo, a session without a user bus,
 * and a user without session or lingering.
 */
final class BusDiagnosis {
  /** One cause, and what to do about it. */
  record Cause(String finding, String fix) {}

  private static final Pattern RUNTIME_DIR = Pattern.compile("/run/user/(\\d+)(/|$)");

  private BusDiagnosis() {}

  /** The causes found on this machine, for this process. */
  static List<Cause> causes(Manager manager) {
    return causes(manager, new com.sun.security.auth.module.UnixSystem().getUid(),
        System.getProperty("user.name"), System.getenv(), Files::exists);
  }

  /**
   * The causes for user {@code uid}, named {@code user}, with {@code environment} and the files
   * that {@code exists}.
   */
  static List<Cause> causes(Manager manager, long uid, String user, Map<String, String> environment,
      Predicate<Path> exists) {
    List<Cause> causes = new ArrayList<>();
    if (!exists.test(Path.of("/run/systemd/system"))) {
      causes.add(new Cause("systemd is not the init system here (there is no /run/systemd/system), as in"
          + " most containers", "run confine on a machine, VM or container booted with systemd"));
      return causes;
    }
    if (manager == Manager.SYSTEM) {
      String address = set(environment.get("DBUS_SYSTEM_BUS_ADDRESS"));
      Path socket = socketPath(address == null ? SystemdBus.SYSTEM_BUS : address);
      if (socket != null && !exists.test(socket)) {
        causes.add(new Cause("the system bus is not running (there is no " + socket + ")",
            "start it: sudo systemctl start dbus (install the dbus package if it is missing)"));
      }
      return causes;
    }
    String runtimeDir = set(environment.get("XDG_RUNTIME_DIR"));
    String address = set(environment.get("DBUS_SESSION_BUS_ADDRESS"));
    String sudoUser = set(environment.get("SUDO_USER"));
    String ownDir = "/run/user/" + uid;
    String login = "log in as " + user + " (ssh, su -l " + user + ", machinectl shell " + user + "@)";
    for (String[] variable : new String[][] {{"XDG_RUNTIME_DIR", runtimeDir}, {"DBUS_SESSION_BUS_ADDRESS", address}}) {
      Matcher other = variable[1] == null ? null : RUNTIME_DIR.matcher(variable[1]);
      if (other != null && other.find() && Long.parseLong(other.group(1)) != uid) {
        causes.add(new Cause("$" + variable[0] + " is " + variable[1] + ", which belongs to uid " + other.group(1)
            + ", but confine runs as " + user + " (uid " + uid + ")"
            + (sudoUser != null ? " through sudo from " + sudoUser : "")
            + ": su or sudo kept the other user's environment",
            uid == 0
                ? "as root, use the system manager (--system); for a user's own manager, run confine as that"
                    + " user, without sudo"
                : login + ", or: export XDG_RUNTIME_DIR=" + ownDir + "; unset DBUS_SESSION_BUS_ADDRESS"));
        return causes;
      }
    }
    Path socket = address != null ? socketPath(address) : Path.of(runtimeDir != null ? runtimeDir : ownDir, "bus");
    boolean busExists = socket == null || exists.test(socket);
    if (runtimeDir == null && address == null) {
      causes.add(new Cause("neither $XDG_RUNTIME_DIR nor $DBUS_SESSION_BUS_ADDRESS is set"
          + (sudoUser != null ? " (sudo from " + sudoUser + " does not pass them on)"
              : " (as after su without -l, or in cron)"),
          uid == 0 && sudoUser != null
              ? "run confine as " + sudoUser + ", without sudo, for " + sudoUser + "'s user manager; or use the"
                  + " system manager (--system)"
              : busExists ? "export XDG_RUNTIME_DIR=" + ownDir + ", or " + login : login));
    }
    if (!busExists) {
      String userManager = "user@" + uid + ".service";
      if (exists.test(Path.of(ownDir, "systemd/private"))) {
        causes.add(new Cause(userManager + " runs, but there is no user bus at " + socket
            + ": the dbus-user-session package is missing",
            "install it (sudo apt install dbus-user-session), then log in again or: sudo systemctl restart "
                + userManager));
      } else if (exists.test(Path.of("/var/lib/systemd/linger", user))) {
        causes.add(new Cause("lingering is on for " + user + ", but " + userManager + " does not run",
            "sudo systemctl start " + userManager + "; see: systemctl status " + userManager));
      } else {
        causes.add(new Cause("no user manager runs for " + user + ": " + user + " has no login session and"
            + " lingering is off (there is no /var/lib/systemd/linger/" + user + ")",
            "sudo loginctl enable-linger " + user + " (the user manager then runs from boot on), or " + login));
      }
    }
    return causes;
  }

  /** What a manager's bus needs, when no particular cause was found. */
  static String usualNeeds(Manager manager) {
    return manager == Manager.USER
        ? "the user manager needs a login session or lingering (loginctl enable-linger USER), and the"
            + " dbus-user-session package"
        : "the system bus needs dbus running (systemctl status dbus)";
  }

  /** The causes as the tail of an error message: {@code ; CAUSE. To fix: FIX}. */
  static String hint(Manager manager) {
    List<Cause> causes = causes(manager);
    if (causes.isEmpty()) {
      return "; " + usualNeeds(manager);
    }
    StringBuilder hint = new StringBuilder();
    for (Cause cause : causes) {
      hint.append("; ").append(cause.finding()).append(". To fix: ").append(cause.fix());
    }
    return hint.toString();
  }

  /** The socket file of a {@code unix:path=…} address, or null for other kinds of address. */
  static Path socketPath(String address) {
    if (!address.startsWith("unix:path=")) {
      return null;
    }
    String rest = address.substring("unix:path=".length());
    int comma = rest.indexOf(',');
    return Path.of(comma < 0 ? rest : rest.substring(0, comma));
  }

  private static String set(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
