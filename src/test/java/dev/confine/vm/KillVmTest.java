package dev.confine.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of {@code confine run --scope} at each phase of a scope launch: while its JVM starts,
 * while the payload is held in its new scope, and after the payload's release. The payload then
 * either runs on in its scope with its limits, or never runs; nothing blocks, and nothing is left
 * behind: no unit, no gate.
 */
@Tag("vm")
class KillVmTest {
  private static final String MEMORY_MAX = "48M";

  @Test
  void killedWhileItStartsNothingRuns() throws Exception {
    String name = Guest.uniqueName("confine-kill-start");
    Path ran = Path.of(Files.createTempDirectory("confine-kill") + "/ran");
    Process confine = confine(name, "touch " + ran, Path.of("/dev/null"));
    confine.destroyForcibly();
    assertTrue(confine.waitFor(30, TimeUnit.SECONDS));
    Thread.sleep(1000);
    assertEquals("not-found", Guest.loadState(name + ".scope"));
    assertFalse(Files.exists(ran), "the payload ran");
    Files.delete(ran.getParent());
  }

  /**
   * confine's stderr is a pipe this test filled: its first line there, "Running as unit", comes
   * after the scope exists and before the release, and blocks. Killed there, the held shell reads
   * end-of-file and exits without the payload, and the emptied scope goes.
   */
  @Test
  void killedWhileThePayloadIsHeldItNeverRuns() throws Exception {
    String name = Guest.uniqueName("confine-kill-held");
    Path dir = Files.createTempDirectory("confine-kill");
    Path ran = dir.resolve("ran");
    Path stderr = dir.resolve("stderr");
    assertEquals(0, Guest.run(Map.of(), "", List.of("mkfifo", stderr.toString())).status());
    try (RandomAccessFile pipe = new RandomAccessFile(stderr.toFile(), "rw")) {
      fill(pipe);
      Process confine = confine(name, "touch " + ran, stderr);
      try {
        Guest.awaitProperty(name + ".scope", "ActiveState", "active", Duration.ofSeconds(60));
        assertTrue(confine.isAlive(), "confine held on to its stderr");
        assertFalse(Files.exists(ran), "the payload ran before its release");
      } finally {
        confine.destroyForcibly();
        assertTrue(confine.waitFor(30, TimeUnit.SECONDS));
      }
      Guest.awaitProperty(name + ".scope", "LoadState", "not-found", Duration.ofSeconds(30));
    }
    assertFalse(Files.exists(ran), "the payload ran after confine was killed");
    assertEquals(List.of(), gates(), "gates left behind");
    Files.delete(stderr);
    Files.delete(dir);
  }

  /**
   * Killed once the payload runs: the payload runs on in its scope, with its limit. Its launch also
   * removed the gate a confine killed before starting its shell had left.
   */
  @Test
  void killedAfterTheReleaseThePayloadRunsOnInItsScope() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path stale = Files.createDirectory(Guest.gateDirectory().resolve("confine-" + gone.pid() + "-1"));
    Files.createFile(stale.resolve("gate"));
    String name = Guest.uniqueName("confine-kill-released");
    Path dir = Files.createTempDirectory("confine-kill");
    Path pid = dir.resolve("pid");
    Process confine = confine(name, "echo $$ > " + dir.resolve("pid.new") + " && mv " + dir.resolve("pid.new")
        + " " + pid + " && exec sleep 300", Path.of("/dev/null"));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(pid)) {
        assertTrue(System.nanoTime() < deadline && confine.isAlive(), "the payload never started");
        Thread.sleep(100);
      }
      confine.destroyForcibly();
      assertTrue(confine.waitFor(30, TimeUnit.SECONDS));
      long payload = Long.parseLong(Files.readString(pid).trim());
      assertTrue(ProcessHandle.of(payload).map(ProcessHandle::isAlive).orElse(false), "the payload died with confine");
      String cgroup = Files.readString(Path.of("/proc/" + payload + "/cgroup")).trim();
      assertTrue(cgroup.startsWith("0::/") && cgroup.endsWith("/" + name + ".scope"), cgroup);
      assertEquals("50331648", Files.readString(Path.of("/sys/fs/cgroup" + cgroup.substring(3), "memory.max")).trim());
      assertFalse(Files.exists(stale), "the stale gate is still there");
    } finally {
      Guest.systemctl("stop", name + ".scope");
      Files.deleteIfExists(stale.resolve("gate"));
      Files.deleteIfExists(stale);
    }
    assertEquals("not-found", Guest.loadState(name + ".scope"));
    assertEquals(List.of(), gates(), "gates left behind");
    Files.delete(pid);
    Files.delete(dir);
  }

  /** {@code confine run --scope} of a shell command line, its stdout discarded, its stderr to a file. */
  private static Process confine(String name, String script, Path stderr) throws Exception {
    return new ProcessBuilder(Guest.CONFINE.toString(), "run", "--scope", "-u", name, "-p", "MemoryMax=" + MEMORY_MAX,
        "--", "sh", "-c", script)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
  }

  /**
   * Fills a pipe this test alone reads (64 KiB, Linux's default size), on a thread of its own: a
   * smaller pipe would block the write, and then fails the test instead of hanging it.
   */
  private static void fill(RandomAccessFile pipe) throws Exception {
    Thread filler = new Thread(() -> {
      try {
        pipe.write(new byte[64 * 1024]);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    filler.setDaemon(true);
    filler.start();
    filler.join(10_000);
    assertFalse(filler.isAlive(), "the pipe took less than 64 KiB");
  }

  /** The gates of this user's confines still there. */
  private static List<Path> gates() throws Exception {
    try (var entries = Files.list(Guest.gateDirectory())) {
      return entries.filter(p -> p.getFileName().toString().matches("confine-\\d+-\\d+")).toList();
    }
  }
}
