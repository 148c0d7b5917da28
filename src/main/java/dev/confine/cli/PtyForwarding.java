package dev.confine.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;

/**
 * Copies between confine's terminal and a service's pseudo-terminal, as systemd-run's pty
 * forwarder: raw mode while it runs, the window size kept in step, and ^] three times within a
 * second to let go of the service (it keeps running).
 */
final class PtyForwarding {
  private static final int ESCAPE = 0x1d;
  private static final long ESCAPE_WINDOW_NANOS = 1_000_000_000L;
  /** How long the output must have been quiet before the service's last words count as read. */
  private static final long QUIET_MILLIS = 150;
  private static final long DRAIN_LIMIT_MILLIS = 3_000;

  private final Pty pty;
  /** --background's painter, or null. */
  private final BackgroundTint tint;
  private final OutputStream toTerminal = new FileOutputStream(FileDescriptor.out);
  private final InputStream fromService;
  private final OutputStream toService;
  private final CompletableFuture<Void> disconnected = new CompletableFuture<>();
  private final Thread restoreOnExit;
  private volatile long lastOutputNanos = System.nanoTime();
  private volatile boolean endsWithNewline = true;
  private volatile boolean stopped;

  private PtyForwarding(Pty pty, BackgroundTint tint) throws IOException {
    this.pty = pty;
    this.tint = tint;
    this.fromService = new FileInputStream(pty.master());
    this.toService = new FileOutputStream(pty.master());
    this.restoreOnExit = new Thread(pty::restore, "confine-pty-restore");
  }

  /**
   * Starts copying both ways; confine's terminal is in raw mode until {@link #finish}. {@code tint}
   * paints the service's output (--background), if not null.
   */
  static PtyForwarding start(Pty pty, BackgroundTint tint) throws IOException {
    PtyForwarding forwarding = new PtyForwarding(pty, tint);
    Signal.handle(new Signal("WINCH"), signal -> pty.copySizeFrom(1));
    Runtime.getRuntime().addShutdownHook(forwarding.restoreOnExit);
    pty.makeRaw(0);
    if (tint != null) {
      forwarding.toTerminal.write(tint.start());
    }
    forwarding.daemon("confine-pty-in", forwarding::copyInput).start();
    forwarding.daemon("confine-pty-out", forwarding::copyOutput).start();
    return forwarding;
  }

  /** Completes when the user pressed ^] three times within a second. */
  CompletableFuture<Void> disconnected() {
    return disconnected;
  }

  /**
   * Once the service has ended: lets its last output through, gives the terminal back its
   * settings and ends a last line that has no newline.
   */
  void finish() {
    long deadline = System.nanoTime() + DRAIN_LIMIT_MILLIS * 1_000_000;
    try {
      while (!stopped && System.nanoTime() < deadline
          && (fromService.available() > 0 || System.nanoTime() - lastOutputNanos < QUIET_MILLIS * 1_000_000)) {
        Thread.sleep(20);
      }
    } catch (IOException e) {
      // The master is gone: nothing left to read.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stop();
    try {
      if (tint != null) {
        toTerminal.write(BackgroundTint.end());
      }
      if (!endsWithNewline) {
        toTerminal.write('\n');
      }
    } catch (IOException e) {
      // confine's stdout is gone: nothing to tidy up.
    }
  }

  /** Stops copying and gives the terminal back its settings. */
  void stop() {
    stopped = true;
    pty.restore();
    try {
      Runtime.getRuntime().removeShutdownHook(restoreOnExit);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook restores.
    }
  }

  private Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private void copyInput() {
    InputStream in = new FileInputStream(FileDescriptor.in);
    byte[] buffer = new byte[4096];
    long[] escapes = new long[3];
    int escapeCount = 0;
    try {
      int n;
      while (!stopped && (n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] != ESCAPE) {
            escapeCount = 0;
            continue;
          }
          long now = System.nanoTime();
          escapes[escapeCount % 3] = now;
          escapeCount++;
          if (escapeCount >= 3 && now - escapes[(escapeCount - 3) % 3] <= ESCAPE_WINDOW_NANOS) {
            stop();
            disconnected.complete(null);
            return;
          }
        }
        toService.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // confine's stdin or the pseudo-terminal is gone: stop reading, as systemd-run does.
    }
  }

  private void copyOutput() {
    byte[] buffer = new byte[4096];
    try {
      int n;
      while ((n = fromService.read(buffer)) > 0) {
        lastOutputNanos = System.nanoTime();
        if (stopped) {
          return;
        }
        if (tint != null) {
          toTerminal.write(tint.paint(buffer, n));
        } else {
          toTerminal.write(buffer, 0, n);
        }
        endsWithNewline = buffer[n - 1] == '\n';
      }
    } catch (IOException e) {
      // EIO: nothing holds the service's end open any more.
    }
  }
}
