package dev.confine.vm;

import static dev.confine.vm.Guest.ROOT;
import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineInProcess;
import static dev.confine.vm.Guest.confineWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code confine run --pipe}: the service gets confine's own standard input, output and error
 * (passed to systemd as descriptors), confine waits for it and exits with its status, as
 * {@code systemd-run --pipe}; on systemd 252 and 257, as root and as a user.
 */
@Tag("vm")
class RunPipeVmTest {

  @Test
  void theServiceReadsAndWritesConfinesOwnStreams() throws Exception {
    String unit = Guest.uniqueName("confine-pipe") + ".service";
    // Standard input in, standard output and error out, from inside the service's own cgroup.
    String script = "tr a-z A-Z; echo \"id=$INVOCATION_ID\"; cut -d: -f3 /proc/self/cgroup >&2; exit 3";
    Result result = confineWith(Map.of(), "hello through a pipe\n",
        "run", "--pipe", "--unit", unit, "--", "sh", "-c", script);
    assertEquals(3, result.status(), result::toString);
    String invocation = result.err().replaceFirst("(?s).*invocation ID: (\\w+).*", "$1");
    assertEquals("HELLO THROUGH A PIPE\nid=" + invocation + "\n", result.out(), result::toString);
    assertTrue(result.err().lines().anyMatch(line -> line.endsWith("/" + unit)), result::toString);
    // --pipe alone tells no outcome: that is --wait's.
    assertTrue(!result.err().contains("Finished with result"), result::toString);
    assertEquals("not-found", Guest.loadState(unit), "the finished service is unloaded");
  }

  @Test
  void aMegabyteGoesThroughUnchangedAndWaitTellsTheOutcome() throws Exception {
    String input = "0123456789abcdef".repeat(65_536);
    Result result = confineWith(Map.of(), input, "run", "-P", "--wait", "--", "sh", "-c", "wc -c; exit 0");
    assertEquals(0, result.status(), result::toString);
    assertEquals(String.valueOf(input.length()), result.out().trim(), result::toString);
    assertTrue(result.err().contains("Finished with result: success"), result::toString);
  }

  @Test
  void aTerminalOnTheStreamsReachesTheServiceWithItsType() throws Exception {
    // script(1) gives confine a pseudo-terminal for its standard streams.
    String inner = Guest.CONFINE + " run -P -q -- sh -c 'echo \"term=$TERM\"; [ -t 1 ] && echo stdout-is-a-tty'";
    Result result = Guest.run(Map.of("TERM", "xterm-confine"), "",
        java.util.List.of("script", "-qec", inner, "/dev/null"));
    assertEquals(0, result.status(), result::toString);
    assertTrue(result.out().contains("term=xterm-confine"), result::toString);
    assertTrue(result.out().contains("stdout-is-a-tty"), result::toString);
  }

  @Test
  void anotherIdentityWritesThroughThePassedDescriptors() throws Exception {
    if (!ROOT) {
      return;
    }
    Result result = confine("run", "-P", "-q", "--uid=nobody", "--", "id", "-un");
    assertEquals(0, result.status(), result::toString);
    assertEquals("nobody\n", result.out(), result::toString);
  }

  @Test
  void pipeIsRefusedWhereSystemdRunRefusesIt() {
    Result scope = confineInProcess("run", "--pipe", "--scope", "--", "true");
    assertEquals(2, scope.status(), scope::toString);
    assertTrue(scope.err().contains("--pty/--pipe is not compatible in timer or --scope mode"), scope::toString);
    Result timer = confineInProcess("run", "--pipe", "--on-active=1h", "--", "true");
    assertEquals(2, timer.status(), timer::toString);
    Result noBlock = confineInProcess("run", "--pipe", "--no-block", "--", "true");
    assertEquals(2, noBlock.status(), noBlock::toString);
    assertTrue(noBlock.err().contains("--pty/--pipe is not compatible with --no-block"), noBlock::toString);
  }
}
