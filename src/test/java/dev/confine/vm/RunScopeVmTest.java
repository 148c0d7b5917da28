package dev.confine.vm;

import static dev.confine.vm.Guest.CGROUP_DIR;
import static dev.confine.vm.Guest.ROOT;
import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code confine run --scope} against the real systemd of the test VM. What is confine's side
 * alone (the gate, the announcement, status and signals passed on, the payload's environment,
 * directory and stdin, refusals) runs in the user's pass only; where the scope lands, its limits,
 * the OOM killer and ownership in both.
 */
@Tag("vm")
class RunScopeVmTest {

  @Test
  void payloadStartsInsideItsScopeUnderTheDefaultManager() throws Exception {
    Result result = confine("run", "--scope", "--", "cat", "/proc/self/cgroup");
    assertEquals(0, result.status(), result::toString);
    String unit = Guest.unitFrom(result);
    assertTrue(unit.matches("confine-[0-9a-f]{32}\\.scope"), unit);
    // The payload's very first action sees itself in the scope: it never ran outside it.
    String expectedParent = ROOT ? "0::/system.slice/" : "/user@" + Guest.uid() + ".service/";
    assertTrue(result.out().contains(expectedParent + (ROOT ? "" : "app.slice/") + unit), result::toString);
    assertEquals("not-found", Guest.loadState(unit), "the finished scope is gone");
  }

  /** The payload's gate (a FIFO in a directory of confine's) is gone once the payload runs. */
  @Test
  @Tag("vm-user")
  void theGateIsGoneBeforeThePayloadRuns() throws Exception {
    Result result = confine("run", "--scope", "-q", "--", "sh", "-c",
        "ls -d /tmp/confine-*/ \"$XDG_RUNTIME_DIR\"/confine-*/ 2>/dev/null; echo listed");
    assertEquals(0, result.status(), result::toString);
    assertEquals(List.of("listed"), lines(result.out()), "no gate directory left: " + result);
  }

  @Test
  @Tag("vm-user")
  void unitIsAnnouncedBeforeThePayloadRuns() throws Exception {
    Result result = Guest.run(Map.of(), "", List.of("sh", "-c",
        "exec " + Guest.CONFINE + " run --scope -- echo payload-output 2>&1"));
    assertEquals(0, result.status(), result::toString);
    List<String> lines = lines(result.out());
    assertEquals(2, lines.size(), result::toString);
    assertTrue(lines.get(0).matches("Running as unit: confine-[0-9a-f]{32}\\.scope; invocation ID: [0-9a-f]{32}"),
        result::toString);
    assertEquals("payload-output", lines.get(1));
  }

  @Test
  void limitsLandInCgroupfs() throws Exception {
    Result result = confine("run", "--scope", "-q", "-p", "MemoryMax=64M", "-p", "CPUQuota=50%",
        "-p", "TasksMax=42", "-p", "MemoryHigh=48M", "--",
        "sh", "-c", CGROUP_DIR + "cat $d/memory.max $d/cpu.max $d/pids.max $d/memory.high");
    assertEquals(0, result.status(), result::toString);
    assertEquals(List.of("67108864", "50000 100000", "42", "50331648"), lines(result.out()));
    assertEquals("", result.err(), "-q prints nothing");
  }

  // Status 0 is every other test's; death by SIGKILL (137) is payloadOverMemoryMaxIsOomKilled's.
  @ParameterizedTest
  @CsvSource({"exit 7, 7", "kill -TERM $$, 143"})
  @Tag("vm-user")
  void exitStatusPassesThrough(String script, int expected) throws Exception {
    Result result = confine("run", "--scope", "-q", "--", "sh", "-c", script);
    assertEquals(expected, result.status(), result::toString);
  }

  @Test
  void payloadOverMemoryMaxIsOomKilled() throws Exception {
    // tail buffers a "line" of /dev/zero without end: memory grows until the OOM killer acts.
    Result result = confine("run", "--scope", "-p", "MemoryMax=20M", "-p", "MemorySwapMax=0",
        "--", "tail", "/dev/zero");
    assertEquals(137, result.status(), result::toString);
    assertEquals("not-found", Guest.loadState(Guest.unitFrom(result)), "the OOM-killed scope is collected");
  }

  @Test
  @Tag("vm-user")
  void environmentDirectoryAndStdinReachThePayload() throws Exception {
    Path dir = Files.createTempDirectory("confine-cwd");
    Result result = confineWith(Map.of("CALLER_VAR", "from-caller", "PASSED_ON", "passed"), "hello stdin\n",
        "run", "--scope", "-q", "-E", "SET_VAR=set by -E", "-E", "PASSED_ON",
        "--working-directory", dir.toString(), "--",
        "sh", "-c", "echo \"$CALLER_VAR|$SET_VAR|$PASSED_ON\"; pwd; cat");
    assertEquals(0, result.status(), result::toString);
    assertEquals(List.of("from-caller|set by -E|passed", dir.toString(), "hello stdin"), lines(result.out()));
    Files.delete(dir);
  }

  @Test
  @Tag("vm-user")
  void callerDirectoryIsKeptByDefault() throws Exception {
    Result result = Guest.run(Map.of(), "", List.of("sh", "-c",
        "cd /usr/share && exec " + Guest.CONFINE + " run --scope -q -- pwd"));
    assertEquals(0, result.status(), result::toString);
    assertEquals("/usr/share", result.out().trim());
  }

  @Test
  void delegatedScopeBelongsToTheCallerAndAcceptsChildren() throws Exception {
    Result result = confine("run", "--scope", "-q", "-p", "Delegate=yes", "--", "sh", "-c",
        CGROUP_DIR + "stat -c %U $d; test -w $d/cgroup.subtree_control && echo writable;"
            + " mkdir $d/worker && echo created && rmdir $d/worker");
    assertEquals(0, result.status(), result::toString);
    assertEquals(List.of(System.getProperty("user.name"), "writable", "created"), lines(result.out()));
  }

  @ParameterizedTest
  @CsvSource({"INT, 30", "TERM, 43", "HUP, 29"})
  @Tag("vm-user")
  void signalsToConfineReachThePayload(String signal, int status) throws Exception {
    // The payload reports the signal by its own exit status; confine passes that status on.
    String script = "trap 'exit " + status + "' " + signal + "; echo ready; "
        + "while :; do sleep 0.1; done";
    Process confine = new ProcessBuilder(Guest.CONFINE.toString(), "run", "--scope", "-q", "--",
        "sh", "-c", script).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(confine.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("ready", out.readLine());
    new ProcessBuilder("kill", "-s", signal, Long.toString(confine.pid())).start().waitFor();
    assertTrue(confine.waitFor(60, TimeUnit.SECONDS), "confine exits after its payload");
    assertEquals(status, confine.exitValue());
  }

  @Test
  void existingUnitNameIsAClearError() throws Exception {
    String name = Guest.uniqueName("confine-test-taken");
    Process holder = new ProcessBuilder(Guest.CONFINE.toString(), "run", "--scope", "-q",
        "--unit", name, "--", "sh", "-c", "echo ready; exec sleep 60").start();
    try {
      assertEquals("ready", new BufferedReader(new InputStreamReader(holder.getInputStream(),
          StandardCharsets.UTF_8)).readLine());
      Result second = confine("run", "--scope", "--unit", name, "--", "echo", "must not run");
      assertEquals(1, second.status(), second::toString);
      assertEquals("", second.out(), "the payload never ran");
      assertTrue(second.err().startsWith("confine: Unit " + name + ".scope"), second::toString);
      assertEquals(1, lines(second.err()).size(), second::toString);
    } finally {
      holder.destroy();
      holder.waitFor();
    }
    // SIGTERM to confine reached the payload, so the scope ends with it.
    Guest.awaitProperty(name + ".scope", "LoadState", "not-found", Duration.ofSeconds(10));
  }

  @Test
  @Tag("vm-user")
  void badInputFailsBeforeAnythingStarts() throws Exception {
    String name = Guest.uniqueName("confine-test-bad");
    String[][] cases = {
      {"-p", "MemoryMax=lots", "MemoryMax"},
      {"-p", "MemoryMaxx=1G", "did you mean MemoryMax?"},
      {"-p", "CPUQuota=-5%", "CPUQuota"},
      {"-p", "Delegate=maybe", "Delegate"},
      {"-p", "Type=exec", "not supported for scope units"},
      {"-p", "NoEquals", "NAME=VALUE"},
    };
    // The first case through a real process, the rest in this JVM: the same checks, seconds apart.
    for (String[] c : cases) {
      String[] args = {"run", "--scope", "--unit", name, c[0], c[1], "--", "echo", "ran"};
      Result result = c == cases[0] ? confine(args) : Guest.confineInProcess(args);
      assertEquals(1, result.status(), result::toString);
      assertEquals("", result.out(), result::toString);
      assertEquals(1, lines(result.err()).size(), result::toString);
      assertTrue(result.err().startsWith("confine: ") && result.err().contains(c[2]), result::toString);
    }
    Result badName = Guest.confineInProcess("run", "--scope", "--unit", "bad/name", "--", "echo", "ran");
    assertEquals(1, badName.status(), badName::toString);
    assertTrue(badName.err().contains("'bad/name'"), badName::toString);
    Result noCommand = Guest.confineInProcess("run", "--scope");
    assertEquals(2, noCommand.status(), noCommand::toString);
    Result missing = Guest.confineInProcess("run", "--scope", "--", "no-such-command-here");
    assertEquals(1, missing.status(), missing::toString);
    assertTrue(missing.err().contains("no-such-command-here"), missing::toString);
    Result usage = confine("run", "--scope", "--wait", "--", "true");
    assertEquals(2, usage.status(), usage::toString);
    assertTrue(usage.err().startsWith("confine: --wait may not be combined with --scope"), usage::toString);
    assertEquals("not-found", Guest.loadState(name + ".scope"));
  }

  static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }
}
