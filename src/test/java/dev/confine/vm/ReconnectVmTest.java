package dev.confine.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * systemd or the bus going away while confine waits for a service, as TEST-74 checks of
 * systemd-run: confine waits for them to come back, on the same connection after a
 * daemon-reexec and on a new one after a restart of dbus-daemon, and passes the service's status
 * on as if nothing had happened, with nothing on stderr.
 */
@Tag("vm")
@Order(Integer.MAX_VALUE) // last in each pass: what a restart of the bus disturbs, nothing after it meets
class ReconnectVmTest {

  /** One wait through both, in turn: each confine process is a JVM start, seconds under emulation. */
  @Test
  void waitOutlivesADaemonReexecThenARestartOfDbus() throws Exception {
    waitOutlives(List.of(), List.of(List.of("daemon-reexec"), List.of("restart", "dbus.service")));
  }

  /**
   * The same through {@code -M .host}: systemd-stdio-bridge ends with its bus, and confine starts
   * it again. Root's pass, where {@code -M .host} reaches the system manager.
   */
  @Test
  @Tag("vm-root")
  void waitThroughTheMachineBridgeOutlivesARestartOfDbus() throws Exception {
    waitOutlives(List.of("-M", ".host"), List.of(List.of("restart", "dbus.service")));
  }

  /**
   * {@code confine run OPTIONS --wait} of a service that ends with status 37 once each systemctl
   * command of {@code aways} is over: the status must pass through, with nothing on stderr.
   */
  private static void waitOutlives(List<String> options, List<List<String>> aways) throws Exception {
    String unit = Guest.uniqueName("confine-reconnect") + ".service";
    Path err = Files.createTempFile("confine-reconnect", ".err");
    // The service ends when the test makes this file, once all are over: confine must hear it anew.
    Path over = Path.of(err + ".over");
    try {
      List<String> command = new ArrayList<>(List.of(Guest.CONFINE.toString(), "run"));
      command.addAll(options);
      command.addAll(List.of("-u", unit, "--wait", "-q", "--",
          "sh", "-c", "while [ ! -e " + over + " ]; do sleep 0.5; done; exit 37"));
      Process confine = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
      awaitShown(unit, "ActiveState", "active"::equals, "never became active", confine, err);
      for (List<String> away : aways) {
        Guest.Result done = Guest.systemctlResult(away.toArray(String[]::new));
        assertEquals(0, done.status(), done::toString);
        if (!confine.isAlive()) {
          throw new AssertionError("confine gave up after " + String.join(" ", away) + ": " + Files.readString(err));
        }
      }
      // Only once confine holds the unit again (its pin, Ref, from the new connection): a unit that
      // ends while nobody holds it is collected, and how it ended is lost, as confine would then say.
      awaitShown(unit, "Refs", refs -> !refs.isEmpty(), "was never held again", confine, err);
      Files.createFile(over);
      if (!confine.waitFor(90, TimeUnit.SECONDS)) {
        confine.destroyForcibly();
        throw new AssertionError("confine still waits; stderr: " + Files.readString(err));
      }
      assertEquals("", Files.readString(err, StandardCharsets.UTF_8));
      assertEquals(37, confine.exitValue());
      assertEquals("not-found", Guest.loadState(unit), "the unit is collected once read");
    } finally {
      Files.deleteIfExists(err);
      Files.deleteIfExists(over);
      Guest.systemctl("stop", unit);
      Guest.systemctl("reset-failed", unit);
    }
  }

  /** confine events hears again after a restart of dbus-daemon, on a connection of its own making. */
  @Test
  void eventsGoOnAfterARestartOfDbus() throws Exception {
    String unit = Guest.uniqueName("confine-reconnect") + ".service";
    Guest.Result started = Guest.run(Map.of(), "", Guest.ROOT
        ? List.of("systemd-run", "-q", "-u", unit, "sleep", "300")
        : List.of("systemd-run", "--user", "-q", "-u", unit, "sleep", "300"));
    assertEquals(0, started.status(), started::toString);
    Path out = Files.createTempFile("confine-reconnect", ".out");
    Path err = Files.createTempFile("confine-reconnect", ".err");
    try {
      Process events = new ProcessBuilder(Guest.CONFINE.toString(), "events", "-n", "1", unit)
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!Files.readString(err).contains("watching unit changes")) {
        assertTrue(System.nanoTime() < deadline && events.isAlive(), "events never started: " + Files.readString(err));
        Thread.sleep(100);
      }
      Guest.Result restarted = Guest.systemctlResult("restart", "dbus.service");
      assertEquals(0, restarted.status(), restarted::toString);
      // A change before confine is back goes unheard: make one every two seconds until one is heard.
      deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!events.waitFor(2, TimeUnit.SECONDS)) {
        if (System.nanoTime() > deadline) {
          events.destroyForcibly();
          throw new AssertionError("events heard nothing after the restart; stderr: " + Files.readString(err));
        }
        Guest.systemctl("restart", unit);
      }
      assertEquals("confine: watching unit changes\n", Files.readString(err));
      assertEquals(0, events.exitValue());
      String heard = Files.readString(out);
      assertTrue(heard.contains(unit), heard);
    } finally {
      Guest.systemctl("stop", unit);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * Waits until systemctl shows the unit's {@code property} as {@code wanted}; fails at once, with
   * confine's stderr, if confine ended, and after 90 s saying the unit {@code never}.
   */
  private static void awaitShown(String unit, String property, Predicate<String> wanted, String never,
      Process confine, Path err) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!wanted.test(Guest.systemctl("show", "-P", property, unit))) {
      if (!confine.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(unit + " " + never + "; confine's stderr: " + Files.readString(err));
      }
      Thread.sleep(100);
    }
  }

  /**
   * As root, a restart of the system's dbus-daemon leaves systemd-logind (257) without a bus, so
   * logins get no session, and tester's user manager without the system bus, over which it asks
   * the system manager to move a process of a login session into a scope (without it such a scope
   * fails with result resources, as the tester pass after it showed): give the passes after this
   * one a fresh logind and user manager.
   */
  @AfterAll
  static void restoreLogins() throws Exception {
    if (Guest.ROOT) {
      Guest.Result restarted = Guest.run(Map.of(), "", List.of("sh", "-c",
          "systemctl restart systemd-logind.service user@1000.service && for _ in $(seq 300); do"
              + " [ -S /run/user/1000/bus ] && systemctl is-active -q user@1000.service && exit 0; sleep 0.2;"
              + " done; exit 1"));
      assertEquals(0, restarted.status(), restarted::toString);
    }
  }
}
