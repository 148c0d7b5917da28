package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a unit's end maps to an exit status, as systemd-run --wait maps it, and how it is explained. */
class UnitExitTest {
  private static final UInt64 INFINITY = new UInt64(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));

  @ParameterizedTest(name = "{0} {1}/{2} -> {3}, ran={4}")
  @CsvSource({
    "success,   exited, 0,   0,   true",
    "exit-code, exited, 7,   7,   true",
    "signal,    killed, 9,   255, true",
    "core-dump, dumped, 11,  1,   true",
    "oom-kill,  killed, 9,   1,   true",
    "exit-code, exited, 203, 203, false",
    "exit-code, exited, 243, 243, false",
    "exit-code, exited, 244, 244, true",
    "oom-kill,  none,   0,   1,   true",
  })
  void exitStatusAndWhetherTheCommandRan(
      String result, String code, int status, int exitStatus, boolean ran) {
    UnitExit exit = new UnitExit("x.service", result, code, status, Optional.empty());
    assertEquals(exitStatus, exit.exitStatus());
    assertEquals(ran, exit.commandRan());
  }

  @Test
  void oomKillNamesTheLimitThatWasReached() {
    Map<String, Object> limited = Map.of("MemoryMax", new UInt64(20L << 20));
    assertEquals(Optional.of("killed by the OOM killer: memory use reached MemoryMax=20M"),
        ExitExplanation.of("oom-kill", "killed", 9, limited, 0));
    // systemd 252 does not put oom-kill on a scope: the kill counted in memory.events tells.
    assertEquals(Optional.of("killed by the OOM killer: memory use reached MemoryMax=20M"),
        ExitExplanation.of("success", "killed", 9, limited, 1));
    assertEquals(Optional.of("killed by the OOM killer: the memory of its slice or of the system ran out"),
        ExitExplanation.of("oom-kill", "none", 0, Map.of("MemoryMax", INFINITY), 1));
  }

  @Test
  void oomKillOfAnotherProcessDoesNotExplainANormalExit() {
    assertEquals(Optional.empty(),
        ExitExplanation.of("success", "exited", 0, Map.of("MemoryMax", new UInt64(20L << 20)), 1));
  }

  @Test
  void timeoutTellsRuntimeLimitFromStartTimeout() {
    Map<String, Object> ran = Map.of("RuntimeMaxUSec", new UInt64(5_000_000), "ActiveEnterTimestampMonotonic",
        new UInt64(123));
    assertEquals(Optional.of("stopped by its runtime limit: RuntimeMaxSec=5s"),
        ExitExplanation.of("timeout", "killed", 15, ran, 0));
    Map<String, Object> neverActive = Map.of("RuntimeMaxUSec", INFINITY, "ActiveEnterTimestampMonotonic",
        new UInt64(0));
    assertEquals(Optional.of("a start or stop timeout expired (TimeoutStartSec=, TimeoutStopSec=)"),
        ExitExplanation.of("timeout", "killed", 15, neverActive, 0));
  }

  @Test
  void startLimitNamesTheLimit() {
    Map<String, Object> limits = Map.of("StartLimitBurst", new UInt32(4), "StartLimitIntervalUSec",
        new UInt64(300_000_000), "Restart", "always", "NRestarts", new UInt32(4));
    String limit = "restarted too often: systemd starts it at most StartLimitBurst=4 times within"
        + " StartLimitIntervalSec=5min";
    assertEquals(Optional.of(limit), ExitExplanation.of("start-limit-hit", "exited", 0, limits, 0));
    // After a failed run systemd keeps that run's result.
    assertEquals(Optional.of(limit), ExitExplanation.of("exit-code", "exited", 3, limits, 0));
    assertEquals(Optional.of("killed by signal SIGKILL; " + limit), ExitExplanation.of("signal", "killed", 9, limits, 0));
    Map<String, Object> fewer = new HashMap<>(limits);
    fewer.put("NRestarts", new UInt32(2));
    assertEquals(Optional.empty(), ExitExplanation.of("exit-code", "exited", 3, fewer, 0));
    fewer.put("NRestarts", new UInt32(4));
    fewer.put("Restart", "no");
    assertEquals(Optional.empty(), ExitExplanation.of("exit-code", "exited", 3, fewer, 0));
  }

  @Test
  void signalsAreNamed() {
    assertEquals(Optional.of("killed by signal SIGTERM"), ExitExplanation.of("signal", "killed", 15, Map.of(), 0));
    assertEquals(Optional.of("dumped core after signal SIGSEGV"),
        ExitExplanation.of("core-dump", "dumped", 11, Map.of(), 0));
    assertEquals(Optional.empty(), ExitExplanation.of("exit-code", "exited", 3, Map.of(), 0));
  }

  @Test
  void formatsAsSystemctlShows() {
    assertEquals("20M", Formats.bytes(20L << 20));
    assertEquals("1.5K", Formats.bytes(1536));
    assertEquals("512B", Formats.bytes(512));
    assertEquals("1min 30s", Formats.timespan(90_000_000));
    assertEquals("250ms", Formats.timespan(250_000));
    assertEquals("0-2,5", Formats.cpuList(new byte[] {0b100111}));
    assertEquals("x-y.service", UnitNames.fromObjectPath("/org/freedesktop/systemd1/unit/x_2dy_2eservice"));
  }
}
