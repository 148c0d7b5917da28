package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's shell on this machine's /bin/sh: it runs the payload only after {@code go}. */
class ScopeGateTest {

  @Test
  void thePayloadRunsOnceTheGateOpens() throws Exception {
    Process child;
    Path fifo;
    try (ScopeGate gate = ScopeGate.create()) {
      List<String> command = gate.wrap(List.of("sh", "-c", "echo payload; ls /proc/self/fd"));
      fifo = Path.of(command.get(4));
      child = new ProcessBuilder(command).redirectErrorStream(true).start();
      gate.open();
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    }
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), out);
    // The payload gets no descriptor of the gate: 0, 1, 2 and the one ls reads /proc with.
    assertEquals("payload\n0\n1\n2\n3\n", out);
    assertFalse(Files.exists(fifo.getParent()), "the gate's directory is removed");
  }

  /**
   * confine killed before the shell opened the FIFO: nobody else has it open, and the shell must
   * neither block in its open nor run the payload.
   */
  @Test
  void aGateWhoseConfineIsGoneExitsWithoutThePayload() throws Exception {
    List<String> command;
    try (ScopeGate gate = ScopeGate.create()) {
      command = gate.wrap(List.of("echo", "payload"));
    }
    Path fifo = Path.of(command.get(4));
    Files.createDirectories(fifo.getParent());
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mkfifo.waitFor());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the shell blocked in its open");
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    assertEquals(125, child.exitValue());
    assertEquals("", new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertFalse(Files.exists(fifo.getParent()), "the shell removed the gate's directory");
  }

  /** A gate whose maker died before starting its shell goes with the next gate; a live maker's stays. */
  @Test
  void theNextGateRemovesTheGatesOfDeadMakers(@TempDir Path base) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path dead = Files.createDirectory(base.resolve("confine-" + gone.pid() + "-123"));
    Files.createFile(dead.resolve("gate"));
    Path live = Files.createDirectory(base.resolve("confine-" + ProcessHandle.current().pid() + "-456"));
    Path other = Files.createDirectory(base.resolve("confine-other"));

    ScopeGate.removeGatesOfDeadProcesses(base);

    assertFalse(Files.exists(dead));
    assertTrue(Files.exists(live));
    assertTrue(Files.exists(other));
  }
}
