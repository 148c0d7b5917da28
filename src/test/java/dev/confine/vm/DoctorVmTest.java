package dev.confine.vm;

import static dev.confine.vm.Guest.ROOT;
import static dev.confine.vm.Guest.confine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Manager;
import dev.confine.Systemd;
import dev.confine.vm.Guest.Result;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * confine doctor against the real thing: FAIL for the user manager's controllers with systemd's
 * stock delegation and PASS with units/user@.service.d/delegate.conf; the system bus as root and,
 * without polkit rules, as tester; and the reasons why a user bus cannot be reached.
 */
@Tag("vm")
class DoctorVmTest {
  private static final Pattern CHECK = Pattern.compile("(PASS|WARN|FAIL) (\\w+) +(.*)");

  /** One check as the text report shows it. */
  record Check(String verdict, String finding, String fix) {}

  /** The checks of a text report by name, in order. */
  private static Map<String, Check> checks(Result result) {
    Map<String, Check> checks = new LinkedHashMap<>();
    String[] last = null;
    for (String line : result.out().lines().toList()) {
      Matcher check = CHECK.matcher(line);
      if (check.matches()) {
        last = new String[] {check.group(2), check.group(1), check.group(3)};
        checks.put(last[0], new Check(last[1], last[2], null));
      } else {
        assertTrue(last != null && line.matches(" {7,}fix: .*"), () -> "unexpected line: " + line + "\n" + result);
        checks.put(last[0], new Check(last[1], last[2], line.strip().substring("fix: ".length())));
      }
    }
    return checks;
  }

  private static Map<String, String> verdicts(Map<String, Check> checks) {
    Map<String, String> verdicts = new LinkedHashMap<>();
    checks.forEach((name, check) -> verdicts.put(name, check.verdict()));
    return verdicts;
  }

  @Test
  @Tag("vm-delegated")
  void defaultManagerPassesOnlyWithEveryControllerDelegated() throws Exception {
    Result result = confine("doctor");
    Map<String, Check> checks = checks(result);
    assertEquals("", result.err());
    assertEquals("the " + (ROOT ? "system manager answers on unix:path=/run/dbus/system_bus_socket"
        : "user manager answers on unix:path=/run/user/1000/bus"), checks.get("bus").finding(), result::toString);
    if (ROOT) {
      assertEquals(0, result.status(), result::toString);
      assertEquals(Map.of("cgroup", "PASS", "bus", "PASS", "systemd", "PASS", "controllers", "PASS",
          "authorization", "PASS", "polkit", "PASS"), verdicts(checks), result::toString);
      assertEquals("running as root: systemd asks polkit nothing of root", checks.get("authorization").finding());
      assertEquals("the system manager has every limit controller: cpu cpuset io memory pids",
          checks.get("controllers").finding());
    } else if (Guest.DELEGATION_EXTENDED) {
      assertEquals(0, result.status(), result::toString);
      assertEquals(Map.of("cgroup", "PASS", "bus", "PASS", "systemd", "PASS", "controllers", "PASS"),
          verdicts(checks), result::toString);
      assertEquals("user@1000.service has every limit controller: cpu cpuset io memory pids",
          checks.get("controllers").finding());
    } else {
      assertEquals(1, result.status(), result::toString);
      assertEquals(Map.of("cgroup", "PASS", "bus", "PASS", "systemd", "PASS", "controllers", "FAIL"),
          verdicts(checks), result::toString);
      assertEquals(new Check("FAIL", "user@1000.service lacks cpuset io, which the kernel offers (it has cpu memory"
          + " pids): systemd would accept their limits for --user units and enforce nothing, so confine refuses them",
          "delegate them to user managers: sudo confine setup delegation (it installs"
          + " units/user@.service.d/delegate.conf from confine's sources), then log out and in again, or: sudo"
          + " systemctl restart user@1000.service"), checks.get("controllers"));
    }
  }

  /**
   * tester's process in a system service, as runuser or su from one leaves it, outside tester's
   * login sessions and user manager: the user manager still takes it into a --user scope (measured
   * on 252 and 257: it has the system manager move it), and nothing is left.
   */
  @Test
  @Tag("vm-root")
  void aProcessOfASystemServiceGetsItsUserScope() throws Exception {
    List<String> inAService = List.of("systemd-run", "--wait", "--pipe", "--quiet", "--collect", "-p", "User=tester",
        "-E", "XDG_RUNTIME_DIR=/run/user/1000", "--", Guest.CONFINE.toString());
    Result run = Guest.run(Map.of(), "", concat(inAService, "run", "--user", "--scope", "-q", "--", "sh", "-c",
        "cat /proc/self/cgroup"));
    assertEquals(0, run.status(), run::toString);
    assertEquals("", run.err());
    assertTrue(run.out().matches("0::/user\\.slice/user-1000\\.slice/user@1000\\.service/app\\.slice/confine-\\w+\\.scope\n"),
        run::toString);
    assertEquals("", Guest.run(Map.of(), "", List.of("runuser", "-u", "tester", "--", "env",
        "XDG_RUNTIME_DIR=/run/user/1000", "systemctl", "--user", "list-units", "--all", "--plain", "--no-legend",
        "confine-*.scope")).out(), "the scope was collected");
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new java.util.ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  /** As root the system bus needs nothing; tester, without polkit rules, is told what to install. */
  @Test
  void systemBusAsJson() throws Exception {
    int version;
    try (Systemd systemd = Systemd.connect(Manager.SYSTEM)) {
      version = systemd.majorVersion();
    }
    Result result = confine("doctor", "--system", "--json");
    assertEquals("", result.err());
    List<String> lines = result.out().lines().toList();
    assertEquals(1, lines.size(), result::toString);
    Matcher authorization = Pattern.compile("\\{\"name\":\"authorization\",\"verdict\":\"(\\w+)\",\"finding\":\""
        + "([^\"]*)\",\"fix\":(null|\"[^\"]*\")}").matcher(lines.get(0));
    assertTrue(authorization.find(), result::toString);
    assertTrue(lines.get(0).contains("{\"name\":\"polkit\",\"verdict\":\"PASS\",\"finding\":\"polkit "),
        result::toString);
    if (ROOT) {
      assertEquals(0, result.status(), result::toString);
      assertEquals("PASS", authorization.group(1));
      assertEquals("null", authorization.group(3));
    } else {
      assertEquals(1, result.status(), result::toString);
      assertEquals("FAIL", authorization.group(1));
      assertTrue(authorization.group(2).matches("polkit does not let tester \\(uid 1000\\) start confine-[0-9a-f]{32}"
          + "\\.scope on the system bus without authentication \\(an administrator could authorize it interactively;"
          + " confine does not ask\\)"), authorization.group(2));
      assertTrue(authorization.group(3).startsWith("\"run confine as root, or use the user manager (--user); "
          + (version >= 257 ? "or let one dedicated account start confine's scopes with polkit/50-confine.rules"
              : "polkit rules for confine's scopes (polkit/50-confine.rules) need systemd 257 or later, this is "
                  + version)), authorization.group(3));
      assertTrue(authorization.group(3).contains("Delegate=yes"), authorization.group(3));
    }
  }

  /**
   * Why the user bus is out of reach: tester without $XDG_RUNTIME_DIR (as after su without -l),
   * root with tester's (as after su or sudo -E).
   */
  @Test
  void unreachableUserBusIsExplained() throws Exception {
    Result result = ROOT
        ? Guest.confineWith(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), "", "doctor", "--user")
        : Guest.run(Map.of(), "", List.of("env", "-u", "XDG_RUNTIME_DIR", "-u", "DBUS_SESSION_BUS_ADDRESS",
            Guest.CONFINE.toString(), "doctor", "--user"));
    assertEquals(1, result.status(), result::toString);
    Map<String, Check> checks = checks(result);
    assertEquals(Map.of("cgroup", "PASS", "bus", "FAIL"), verdicts(checks), result::toString);
    if (ROOT) {
      assertEquals(new Check("FAIL", "cannot reach the user manager: $XDG_RUNTIME_DIR is /run/user/1000, which"
          + " belongs to uid 1000, but confine runs as root (uid 0): su or sudo kept the other user's environment",
          "as root, use the system manager (--system); for a user's own manager, run confine as that user, without"
          + " sudo"), checks.get("bus"));
    } else {
      assertEquals(new Check("FAIL", "cannot reach the user manager: neither $XDG_RUNTIME_DIR nor"
          + " $DBUS_SESSION_BUS_ADDRESS is set (as after su without -l, or in cron)",
          "export XDG_RUNTIME_DIR=/run/user/1000, or log in as tester (ssh, su -l tester, machinectl shell tester@)"),
          checks.get("bus"));
    }
  }
}
