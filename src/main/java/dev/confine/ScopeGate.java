package dev.confine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds a payload at its start until its scope exists. A JVM cannot exec in place the way
 * systemd-run does, so the payload is started as {@code sh -c 'read < FIFO; exec "$@"'}: the shell
 * keeps the caller's stdio, environment and cwd, blocks reading the FIFO, and execs the payload
 * (same PID) only once confine writes {@code go} — after systemd has moved it into the scope.
 *
 * <p>confine holds the FIFO open read-write from before the child starts until the child exits,
 * so the {@code go} is read whenever the shell gets there. The shell opens its reading end while
 * holding a writing end of its own, which it then closes: no open blocks, even when confine is
 * already gone. If confine dies before it wrote {@code go}, the shell reads end-of-file and exits
 * 125 without running the payload. A confine killed before it started the shell leaves its gate
 * behind; the next gate made in the same directory removes it.
 */
final class ScopeGate implements AutoCloseable {
  /**
   * What the child runs: $1 is the FIFO, the rest is the payload. Once its read returns, the child
   * removes the FIFO's directory itself: nothing is left behind if confine ends before the payload.
   */
  private static final String SCRIPT = "exec 3<>\"$1\" 4<\"$1\" 3>&-; IFS= read -r go <&4;"
      + " exec 4<&-;"
      + " command -p rm -rf -- \"${1%/*}\" 2>/dev/null;"
      + " [ \"$go\" = go ] || exit 125; shift; exec \"$@\"";

  private static final String PREFIX = "confine-";
  private static final int UID = (int) new com.sun.security.auth.module.UnixSystem().getUid();
  private static final Pattern MAKER = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,10})-\\d+");

  private final Path dir;
  private final Path fifo;
  private final RandomAccessFile writer;

  private ScopeGate(Path dir, Path fifo, RandomAccessFile writer) {
    this.dir = dir;
    this.fifo = fifo;
    this.writer = writer;
  }

  static ScopeGate create() throws IOException {
    Path base = baseDirectory();
    removeGatesOfDeadProcesses(base);
    Path dir = Files.createTempDirectory(base, PREFIX + ProcessHandle.current().pid() + "-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path fifo = dir.resolve("gate");
    try {
      Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString())
          .redirectErrorStream(true).start();
      String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (mkfifo.waitFor() != 0) {
        throw new IOException("mkfifo " + fifo + " failed: " + output.trim());
      }
      return new ScopeGate(dir, fifo, new RandomAccessFile(fifo.toFile(), "rw"));
    } catch (IOException | RuntimeException e) {
      deleteQuietly(fifo, dir);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteQuietly(fifo, dir);
      throw new IOException("interrupted while creating " + fifo, e);
    }
  }

  /**
   * Removes the gates that confines killed between making theirs and starting its shell left
   * behind (a shell, once started, removes its gate itself). A gate's name holds its maker's PID:
   * one whose maker is gone is removed; one whose PID lives on, maybe reused, is left alone.
   */
  static void removeGatesOfDeadProcesses(Path base) {
    try (DirectoryStream<Path> gates = Files.newDirectoryStream(base, PREFIX + "*")) {
      for (Path gate : gates) {
        Matcher maker = MAKER.matcher(gate.getFileName().toString());
        if (maker.matches() && ProcessHandle.of(Long.parseLong(maker.group(1))).isEmpty()
            && Files.isDirectory(gate, LinkOption.NOFOLLOW_LINKS)
            && Files.getAttribute(gate, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(UID)) {
          deleteQuietly(gate.resolve("gate"), gate);
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort: a leftover gate is a small empty directory
    }
  }

  private static Path baseDirectory() {
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    if (runtimeDir != null && Files.isDirectory(Path.of(runtimeDir))
        && Files.isWritable(Path.of(runtimeDir))) {
      return Path.of(runtimeDir);
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** The command line that runs {@code payload} once the gate opens. */
  List<String> wrap(List<String> payload) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "confine-gate", fifo.toString()));
    command.addAll(payload);
    return command;
  }

  /** Lets the payload run. */
  void open() throws IOException {
    writer.write("go\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** Closes confine's end: a child still waiting gives up (exit 125). Call after the child exits. */
  @Override
  public void close() {
    try {
      writer.close();
    } catch (IOException e) {
      // nothing to do: the descriptor is gone either way
    }
    deleteQuietly(fifo, dir);
  }

  private static void deleteQuietly(Path... paths) {
    for (Path path : paths) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // a leftover empty temporary directory is harmless
      }
    }
  }
}
