package dev.confine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Passes SIGINT, SIGTERM and SIGHUP sent to confine on to the scope's payload, so that confine
 * behaves like the command it stands for (systemd-run execs in place; a JVM cannot).
 *
 * <p>A terminal delivers SIGINT (Ctrl-C) and SIGHUP (hang-up) to the whole foreground process
 * group, which includes the payload; forwarding those too would deliver them twice. So while
 * confine is in the foreground of its terminal those two are only absorbed, not forwarded.
 *
 * <p>Before the payload runs, a signal ends confine with 128+N, as it would have ended
 * systemd-run before its exec; the held payload then never starts.
 */
final class SignalForwarding implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SignalForwarding.class);
  private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP");

  private final Map<Signal, SignalHandler> previous = new HashMap<>();
  private volatile Process payload;

  private SignalForwarding() {}

  static SignalForwarding install() {
    SignalForwarding forwarding = new SignalForwarding();
    for (String name : FORWARDED) {
      Signal signal = new Signal(name);
      forwarding.previous.put(signal, Signal.handle(signal, forwarding::handle));
    }
    return forwarding;
  }

  /** From now on, signals go to this process. */
  void forwardTo(Process payload) {
    this.payload = payload;
  }

  private void handle(Signal signal) {
    Process target = payload;
    if (target == null) {
      System.exit(128 + signal.getNumber());
    }
    String name = signal.getName();
    if (!name.equals("TERM") && inForegroundOfTerminal()) {
      return;
    }
    forward(name, target);
  }

  private static void forward(String name, Process payload) {
    try {
      new ProcessBuilder("kill", "-s", name, Long.toString(payload.pid())).inheritIO().start().waitFor();
    } catch (IOException e) {
      LOG.warn("could not forward SIG{} to process {}: {}", name, payload.pid(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** From /proc/self/stat: a controlling terminal whose foreground group is ours. */
  private static boolean inForegroundOfTerminal() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      // Fields after "(comm)": state ppid pgrp session tty_nr tpgid ...
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long pgrp = Long.parseLong(fields[2]);
      long ttyNr = Long.parseLong(fields[4]);
      long foregroundGroup = Long.parseLong(fields[5]);
      return ttyNr != 0 && foregroundGroup == pgrp;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    previous.forEach(Signal::handle);
  }
}
