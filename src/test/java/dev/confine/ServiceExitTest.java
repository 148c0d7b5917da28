package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a service's end maps to an exit status, as systemd-run --wait maps it. */
class ServiceExitTest {

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
  })
  void exitStatusAndWhetherTheCommandRan(
      String result, String code, int status, int exitStatus, boolean ran) {
    ServiceExit exit = new ServiceExit("x.service", result, code, status);
    assertEquals(exitStatus, exit.exitStatus());
    assertEquals(ran, exit.commandRan());
  }
}
