package dev.confine.vm;

import static dev.confine.vm.Guest.CGROUP_DIR;
import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineInProcess;
import static dev.confine.vm.RunScopeVmTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code confine run} in service mode against the real systemd of the test VM. A status, a result
 * and the limits pass through a real bin/confine process; the further cases of the same kind run
 * the command line inside the test JVM.
 */
@Tag("vm")
class RunServiceVmTest {

  @Test
  void waitReturnsTheServiceStatusAndLeavesNothingBehind() throws Exception {
    Result result = confine("run", "--wait", "--", "sh", "-c", "exit 7");
    assertEquals(7, result.status(), result::toString);
    String unit = Guest.unitFrom(result);
    assertTrue(unit.matches("confine-[0-9a-f]{32}\\.service"), unit);
    assertTrue(result.err().contains("Finished with result: exit-code"), result::toString);
    assertTrue(result.err().contains("code=exited/status=7"), result::toString);
    assertEquals("not-found", Guest.loadState(unit), "the failed service is collected");
  }

  @Test
  void waitReportsSuccessAndSignals() throws Exception {
    assertEquals(0, confineInProcess("run", "--wait", "-q", "--", "true").status());
    // systemd expands ExecStart=, where "$$" stands for a literal "$". SIGKILL, because systemd
    // counts SIGTERM (and SIGHUP, SIGINT, SIGPIPE) as a clean exit of a service.
    Result killed = confineInProcess("run", "--wait", "--", "sh", "-c", "kill -KILL $$$$");
    // systemd-run returns 255 (EXIT_EXCEPTION) for a service killed by a signal.
    assertEquals(255, killed.status(), killed::toString);
    assertTrue(killed.err().contains("Finished with result: signal"), killed::toString);
  }

  @Test
  void limitsAndEnvironmentReachTheService() throws Exception {
    Path out = Files.createTempFile("confine-service", ".out");
    Result result = confine("run", "--wait", "-q", "-p", "MemoryMax=32M", "-p", "CPUQuota=25%",
        "-p", "TasksMax=17", "-E", "GREETING=hi there", "--working-directory", "/usr", "--",
        "sh", "-c", CGROUP_DIR + "{ cat $d/memory.max $d/cpu.max $d/pids.max; echo \"$GREETING\"; pwd; } > "
            + out);
    assertEquals(0, result.status(), result::toString);
    assertEquals(List.of("33554432", "25000 100000", "17", "hi there", "/usr"),
        lines(Files.readString(out)));
    Files.delete(out);
  }

  /**
   * --wait follows a restarting service to its real end: through restarts to a success, and to
   * the start limit, with the limit named.
   */
  @Test
  void waitFollowsRestartsToTheEnd() throws Exception {
    Path runs = Files.createTempFile("confine-service", ".runs");
    // "$$" is a literal "$" in ExecStart=: the command succeeds on its third run.
    Result recovered = confine("run", "--wait", "-p", "Restart=on-failure", "-p", "RestartSec=0", "--",
        "sh", "-c", "echo run >> " + runs + "; [ $$(wc -l < " + runs + ") -ge 3 ]");
    assertEquals(0, recovered.status(), recovered::toString);
    assertEquals(3, lines(Files.readString(runs)).size(), recovered::toString);
    assertTrue(recovered.err().contains("Finished with result: success"), recovered::toString);

    // systemd gives up after StartLimitBurst starts. After a failed run the Result stays that
    // run's (exit-code), and --wait passes its status on, as systemd-run does.
    Files.writeString(runs, "");
    Result gaveUp = confineInProcess("run", "--wait", "-p", "Restart=always", "-p", "RestartSec=0",
        "-p", "StartLimitBurst=3", "-p", "StartLimitIntervalSec=5min", "--",
        "sh", "-c", "echo run >> " + runs + "; exit 3");
    String unit = Guest.unitFrom(gaveUp);
    assertEquals(3, gaveUp.status(), gaveUp::toString);
    assertEquals(3, lines(Files.readString(runs)).size(), gaveUp::toString);
    assertTrue(gaveUp.err().contains("Finished with result: exit-code\n"
        + "Main processes terminated with: code=exited/status=3\n"
        + "confine: " + unit + ": restarted too often: systemd starts it at most StartLimitBurst=3 times"
        + " within StartLimitIntervalSec=5min\n"), gaveUp::toString);
    assertEquals("not-found", Guest.loadState(unit), "the failed service is collected");

    // After a successful run the Result is start-limit-hit, and systemd-run --wait returns 1.
    Files.writeString(runs, "");
    Result succeeding = confineInProcess("run", "--wait", "-p", "Restart=always", "-p", "RestartSec=0",
        "-p", "StartLimitBurst=2", "--", "sh", "-c", "echo run >> " + runs);
    assertEquals(1, succeeding.status(), succeeding::toString);
    assertEquals(2, lines(Files.readString(runs)).size(), succeeding::toString);
    assertTrue(succeeding.err().contains("Finished with result: start-limit-hit\n"), succeeding::toString);
    assertTrue(succeeding.err().contains(": restarted too often: systemd starts it at most StartLimitBurst=2 times"
        + " within StartLimitIntervalSec=10s\n"), succeeding::toString);
    Files.delete(runs);
  }

  @Test
  void withoutWaitConfineReturnsOnceTheServiceRuns() throws Exception {
    Path marker = Files.createTempFile("confine-service", ".marker");
    Files.delete(marker);
    Result result = confine("run", "--", "sh", "-c", "sleep 1; touch " + marker);
    assertEquals(0, result.status(), result::toString);
    String unit = Guest.unitFrom(result);
    assertTrue(result.err().startsWith("Running as unit: " + unit), result::toString);
    for (int i = 0; i < 100 && !Files.exists(marker); i++) {
      Thread.sleep(100);
    }
    assertTrue(Files.exists(marker), "the service ran after confine returned");
    Files.delete(marker);
  }

  @Test
  void noCollectKeepsAFailedServiceForInspection() throws Exception {
    String name = Guest.uniqueName("confine-test-kept");
    Result result = confineInProcess("run", "--wait", "-q", "--no-collect", "--unit", name, "--", "false");
    assertEquals(1, result.status(), result::toString);
    try {
      assertEquals("failed", Guest.systemctl("show", "-P", "ActiveState", name + ".service"));
    } finally {
      Guest.systemctl("reset-failed", name + ".service");
    }
    assertEquals("not-found", Guest.loadState(name + ".service"));
  }

  @Test
  void missingCommandFailsBeforeAnythingStarts() throws Exception {
    Result result = confineInProcess("run", "--wait", "--", "/no/such/program");
    assertEquals(1, result.status(), result::toString);
    assertEquals("confine: command not found or not executable: /no/such/program\n", result.err());
  }
}
