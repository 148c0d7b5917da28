package dev.confine.vm;

import static dev.confine.vm.Guest.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Manager;
import dev.confine.Systemd;
import dev.confine.vm.Guest.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * polkit/50-confine.rules against the real polkitd and systemd. Without the rules, a caller on the
 * system bus is refused and told why. With them, the dedicated account "confine" may start, change
 * and stop confine-<hex>.scope units on systemd 257 and nothing else polkit is asked about — but
 * polkit never sees auxiliary units; on 252 no transient start can be allowed at all. Root
 * installs the rules and runs confine as the account; tester checks its own refusal.
 */
@Tag("vm")
class PolkitVmTest {
  private static final String ACCOUNT = "confine";
  private static final Path RULES = Path.of("/etc/polkit-1/rules.d/50-confine.rules");
  private static final String MANAGE_UNITS = "org.freedesktop.systemd1.manage-units";
  private static final String REFUSED = "confine: the system manager refused StartTransientUnit: ";
  private static final String NO_GRANT = "Interactive authentication required. No polkit rule allows this for"
      + " you, so polkit would ask for an administrator's password, and confine does not ask interactively.";
  private static final String RULE_SAID_NO = "Permission denied. A polkit rule refused it, or polkit is not"
      + " running (systemctl status polkit).";
  private static final String WHAT_TO_DO = " Run as root, use the user manager (--user), or let one dedicated"
      + " account start and steer scopes named confine-<32 hex digits>.scope with polkit/50-confine.rules"
      + " (polkit/README.md in confine's sources).\n";
  private static final String BEFORE_257 = " does not tell polkit the name of a transient unit (systemd 257 and"
      + " later do), so no rule that allows only certain names, such as polkit/50-confine.rules, can allow"
      + " this start.";
  private static final SecureRandom RANDOM = new SecureRandom();

  private static int version;
  private static boolean createdAccount;

  @BeforeAll
  static void readVersionAndCreateTheAccount() throws Exception {
    try (Systemd systemd = Systemd.connect(Manager.SYSTEM)) {
      version = systemd.majorVersion();
    }
    if (ROOT && run("id", ACCOUNT).status() != 0) {
      Result useradd = run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ACCOUNT);
      assertEquals(0, useradd.status(), useradd::toString);
      createdAccount = true;
    }
  }

  @AfterAll
  static void removeTheAccount() throws Exception {
    if (createdAccount) {
      Result userdel = run("userdel", ACCOUNT);
      assertEquals(0, userdel.status(), userdel::toString);
    }
  }

  /** Root: the dedicated account; tester: itself. Neither has a grant. */
  @Test
  void withoutTheRulesASystemScopeIsRefusedAndExplained() throws Exception {
    if (ROOT) {
      removeRules();
    }
    Set<String> before = confineUnits();
    Result result = ROOT ? asAccount("run", "--system", "--scope", "--", "echo", "ran")
        : Guest.confine("run", "--system", "--scope", "--", "echo", "ran");
    assertRefused(result, NO_GRANT);
    assertEquals(before, confineUnits(), "nothing was left behind");
  }

  /** Root pass only (tag vm-root): installing polkit rules needs root. */
  @Nested
  @Tag("vm-root")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithTheRulesInstalled {
    /** A process of the account, for pkcheck to ask about. */
    private Process subject;

    private long subjectPid;

    @BeforeAll
    void installRules() throws Exception {
      subject = startAs(ACCOUNT, "sleep", "600");
      subjectPid = childOf(subject);
      // cp, as polkit/README.md says: the file is readable from the moment polkitd sees it.
      assertEquals(0, run("sh", "-c", "umask 022 && cp " + Guest.HOME.resolve("polkit/50-confine.rules") + " "
          + RULES.getParent()).status());
      System.out.printf("polkitd loaded the rules in %d ms%n", awaitPolkit(subjectPid, 0));
    }

    @AfterAll
    void removeRulesAndSubject() throws Exception {
      removeRules();
      stop(subject);
    }

    /** 0: allowed, 1: a rule said no, 2: polkit would ask for a password (no rule decided). */
    @Test
    void polkitAllowsTheAccountOnlyConfineScopesAndFiveVerbs() throws Exception {
      String scope = "confine-" + hex() + ".scope";
      for (String verb : List.of("start", "stop", "kill", "set-property", "reset-failed")) {
        assertEquals(0, pkcheck(scope, verb), verb);
      }
      for (String verb : List.of("restart", "reload", "kill-subgroup", "ref", "clean")) {
        assertEquals(1, pkcheck(scope, verb), verb);
      }
      String hex = hex();
      for (String unit : List.of("confine-" + hex + ".service", "other.scope", "confine-XYZ.scope",
          "confine-" + hex.toUpperCase() + ".scope", "x-confine-" + hex + ".scope", "confine-" + hex + "0.scope",
          "confine-" + hex + ".scope.slice")) {
        assertEquals(1, pkcheck(unit, "start"), unit);
      }
      // Without both details (a transient start before systemd 257, ResetFailed of everything …).
      assertEquals(1, check(subjectPid, MANAGE_UNITS, "-d", "unit", scope));
      assertEquals(1, check(subjectPid, MANAGE_UNITS, "-d", "verb", "start"));
      assertEquals(1, check(subjectPid, MANAGE_UNITS));
      // Other actions of the account, and other users, are left to polkit's defaults.
      assertEquals(2, check(subjectPid, "org.freedesktop.systemd1.reload-daemon"));
      Process tester = startAs("tester", "sleep", "600");
      try {
        assertEquals(2, check(childOf(tester), MANAGE_UNITS, "-d", "unit", scope, "-d", "verb", "start"));
      } finally {
        stop(tester);
      }
    }

    @Test
    void theAccountStartsChangesAndStopsAConfineScopeFrom257On() throws Exception {
      if (version < 257) {
        Result refused = asAccount("run", "--system", "--scope", "--", "echo", "ran");
        assertRefused(refused, RULE_SAID_NO);
        return;
      }
      Process run = new ProcessBuilder(command(ACCOUNT, Guest.CONFINE.toString(), "run", "--system", "--scope",
          "-p", "MemoryMax=64M", "--", "sleep", "300")).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      String unit = null;
      try {
        unit = unitAnnouncedBy(run);
        assertTrue(unit.matches("confine-[0-9a-f]{32}\\.scope"), unit);
        assertEquals("67108864", cgroupFile(unit, "memory.max"));

        Result set = asAccount("set", "--system", unit, "MemoryMax=96M");
        assertEquals(0, set.status(), set::toString);
        assertEquals("100663296", cgroupFile(unit, "memory.max"));

        Result kill = run(command(ACCOUNT, "busctl", "--allow-interactive-authorization=no", "call",
            "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
            "KillUnit", "ssi", unit, "all", "18"));
        assertEquals(0, kill.status(), "SIGCONT, allowed: " + kill);

        // polkit would allow FreezeUnit (verb stop), but the bus itself lets only root send it.
        Result freeze = run(command(ACCOUNT, "dbus-send", "--system", "--print-reply",
            "--dest=org.freedesktop.systemd1", "/org/freedesktop/systemd1",
            "org.freedesktop.systemd1.Manager.FreezeUnit", "string:" + unit));
        assertNotEquals(0, freeze.status(), freeze::toString);
        assertTrue(freeze.err().contains("Rejected send message") && freeze.err().contains("member=\"FreezeUnit\""),
            freeze::toString);
        assertEquals("running", systemctl("show", "-P", "FreezerState", unit));

        Result stop = asAccount("stop", "--system", unit);
        assertEquals(0, stop.status(), stop::toString);
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "confine run ends with its scope");
        assertEquals("not-found", systemctl("show", "-P", "LoadState", unit));
      } finally {
        if (unit != null) {
          systemctl("stop", unit);
        }
        stop(run);
      }
    }

    @Test
    void theAccountIsRefusedServicesAndScopesOfOtherNames() throws Exception {
      Set<String> before = confineUnits();
      Result service = asAccount("run", "--system", "--", "echo", "ran");
      assertRefused(service, RULE_SAID_NO);
      String hex = hex();
      for (String unit : List.of("other.scope", "confine-XYZ.scope", "confine-" + hex.toUpperCase() + ".scope")) {
        Process payload = startAs(ACCOUNT, "sleep", "60");
        try {
          Result start = startTransientAsAccount(unit, childOf(payload), null, "0");
          assertNotEquals(0, start.status(), unit);
          assertEquals("Call failed: Access denied\n", start.err(), unit);
          assertEquals("not-found", systemctl("show", "-P", "LoadState", unit), unit);
        } finally {
          stop(payload);
        }
      }
      assertEquals(before, confineUnits(), "nothing was left behind");
    }

    /**
     * polkit is asked about the main unit only: a service that comes with an allowed scope as an
     * auxiliary unit is created unseen, and runs as root. No rule can refuse it; this test notices
     * when systemd starts checking auxiliary units.
     */
    @Test
    void auxiliaryUnitsOfAnAllowedStartPassUnseen() throws Exception {
      String scope = "confine-" + hex() + ".scope";
      String aux = "polkit-vm-aux-" + hex() + ".service";
      Path proof = Path.of("/run", aux + ".uid");
      Process payload = startAs(ACCOUNT, "sleep", "60");
      try {
        Result start = startTransientAsAccount(scope, childOf(payload), aux,
            "1", aux, "1", "ExecStart", "a(sasb)", "1", "/bin/sh", "3", "/bin/sh", "-c", "id -u > " + proof, "false");
        if (version < 257) {
          assertEquals("Call failed: Access denied\n", start.err(), start::toString);
          assertFalse(Files.exists(proof));
          return;
        }
        assertEquals(0, start.status(), start::toString);
        // The shell creates the file before id writes to it.
        for (int i = 0; i < 100 && !(Files.exists(proof) && Files.readString(proof).endsWith("\n")); i++) {
          Thread.sleep(100);
        }
        assertTrue(Files.exists(proof), "the auxiliary service did not run: did systemd start asking polkit"
            + " about auxiliary units? Then polkit/README.md must say so");
        assertEquals("0\n", Files.readString(proof), "the account's auxiliary service ran as root");
        assertEquals("yes", systemctl("show", "-P", "Transient", aux));
      } finally {
        systemctl("stop", scope);
        systemctl("reset-failed", scope, aux);
        Files.deleteIfExists(proof);
        stop(payload);
      }
    }

    @Test
    void otherUsersGetNothingFromTheRules() throws Exception {
      Result result = run(command("tester", Guest.CONFINE.toString(), "run", "--system", "--scope", "--",
          "echo", "ran"));
      assertRefused(result, NO_GRANT);
    }

    /** units/scope-registrar.service as shipped, with confine run as its job runner. */
    @Test
    void theScopeRegistrarServiceRegistersUnderItsHardening() throws Exception {
      try {
        Result run = Guest.runUnitWith("scope-registrar.service", Guest.CONFINE + " run --system --scope"
            + " --slice workers.slice -p MemoryMax=256M -- sh -c"
            + " \"id -un; cat /sys/fs/cgroup$$(cut -d: -f3 /proc/self/cgroup)/memory.max\"");
        if (version >= 257) {
          assertEquals(0, run.status(), run::toString);
          List<String> lines = run.out().lines().toList();
          assertTrue(lines.get(0).matches("Running as unit: confine-[0-9a-f]{32}\\.scope; invocation ID: [0-9a-f]{32}"),
              run::toString);
          assertEquals(Set.of("confine", "268435456"), Set.copyOf(lines.subList(1, lines.size())),
              "the job ran as the account, with its limit");
        } else {
          assertNotEquals(0, run.status(), run::toString);
          assertTrue(run.out().contains("systemd " + version + BEFORE_257), run::toString);
        }
      } finally {
        systemctl("stop", "workers.slice");
      }
    }

    private int pkcheck(String unit, String verb) throws Exception {
      return check(subjectPid, MANAGE_UNITS, "-d", "unit", unit, "-d", "verb", verb);
    }
  }

  private static void assertRefused(Result result, String why) throws Exception {
    assertEquals(1, result.status(), result::toString);
    assertEquals("", result.out(), "the payload never ran");
    String expected = REFUSED + why + (version < 257 ? " systemd " + version + BEFORE_257 : WHAT_TO_DO);
    assertTrue(result.err().startsWith(expected), () -> "expected: " + expected + "\n" + result);
  }

  /** pkcheck's exit status for a process, an action and details ({@code -d KEY VALUE} …). */
  private static int check(long pid, String action, String... details) throws Exception {
    List<String> command = new ArrayList<>(List.of("pkcheck", "-a", action, "-p", Long.toString(pid)));
    command.addAll(List.of(details));
    return run(command).status();
  }

  /**
   * StartTransientUnit as the account through busctl: a scope of one process that {@code Wants=}
   * {@code wanted} (if not null), and the auxiliary units, in busctl's notation with their count.
   */
  private static Result startTransientAsAccount(String unit, long pid, String wanted, String... auxUnits)
      throws Exception {
    List<String> call = new ArrayList<>(List.of("busctl", "--allow-interactive-authorization=no", "call", "--",
        "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
        "StartTransientUnit", "ssa(sv)a(sa(sv))", unit, "fail", wanted == null ? "1" : "2",
        "PIDs", "au", "1", Long.toString(pid)));
    if (wanted != null) {
      call.addAll(List.of("Wants", "as", "1", wanted));
    }
    call.addAll(List.of(auxUnits));
    return run(command(ACCOUNT, call.toArray(String[]::new)));
  }

  private static Result asAccount(String... confineArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of(Guest.CONFINE.toString()));
    args.addAll(List.of(confineArgs));
    return run(command(ACCOUNT, args.toArray(String[]::new)));
  }

  private static List<String> command(String user, String... args) {
    List<String> command = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    command.addAll(List.of(args));
    return command;
  }

  private static Process startAs(String user, String... args) throws Exception {
    return new ProcessBuilder(command(user, args)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** The process runuser started. */
  private static long childOf(Process runuser) throws Exception {
    for (int i = 0; i < 100; i++) {
      var child = runuser.toHandle().children().findFirst();
      if (child.isPresent()) {
        return child.get().pid();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("runuser started no process");
  }

  private static void stop(Process process) throws Exception {
    if (process != null) {
      process.toHandle().descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Reads confine run's stderr until it names the unit. */
  private static String unitAnnouncedBy(Process run) throws Exception {
    BufferedReader err = new BufferedReader(new InputStreamReader(run.getErrorStream(), StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(() -> {
      StringBuilder seen = new StringBuilder();
      try {
        for (String line; (line = err.readLine()) != null; ) {
          if (line.startsWith("Running as unit: ")) {
            return line.substring("Running as unit: ".length(), line.indexOf(';'));
          }
          seen.append(line).append('\n');
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throw new AssertionError("confine run named no unit:\n" + seen);
    }).get(90, TimeUnit.SECONDS);
  }

  /** Removes the rules and waits until polkitd has forgotten them. */
  private static void removeRules() throws Exception {
    if (Files.deleteIfExists(RULES)) {
      Process subject = startAs(ACCOUNT, "sleep", "60");
      try {
        awaitPolkit(childOf(subject), 2);
      } finally {
        stop(subject);
      }
    }
  }

  /**
   * Waits until polkitd answers {@code status} for a start of a confine scope by {@code pid}, as it
   * does once it has (re)read its rules; returns how long that took in milliseconds.
   */
  private static long awaitPolkit(long pid, int status) throws Exception {
    long start = System.nanoTime();
    while (check(pid, MANAGE_UNITS, "-d", "unit", "confine-" + hex() + ".scope", "-d", "verb", "start") != status) {
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "polkitd did not reread its rules");
      Thread.sleep(100);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** The system manager's confine units, loaded in any state (the VM's runner aside). */
  private static Set<String> confineUnits() throws Exception {
    Set<String> units = new TreeSet<>(run("systemctl", "list-units", "--all", "--plain", "--no-legend",
        "confine-*").out().lines().map(line -> line.split(" ")[0]).toList());
    units.remove("confine-vm-runner.service");
    return units;
  }

  private static String cgroupFile(String unit, String file) throws Exception {
    return Files.readString(Path.of("/sys/fs/cgroup" + systemctl("show", "-P", "ControlGroup", unit), file)).trim();
  }

  private static String systemctl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("systemctl"));
    command.addAll(List.of(args));
    return run(command).out().trim();
  }

  private static Result run(String... command) throws Exception {
    return run(List.of(command));
  }

  private static Result run(List<String> command) throws Exception {
    return Guest.run(Map.of(), "", command);
  }

  private static String hex() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
