package dev.confine.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The confine command line run inside the calling JVM, its output captured: for tests of what the
 * command line decides before anything runs, where a JVM start per case would only cost time (in
 * the emulated test VM, seconds). Each behaviour keeps a test through a real bin/confine process.
 */
public final class InProcess {
  private InProcess() {}

  /** Runs {@code confine ARGS…}; returns the exit status, with what it printed in out and err. */
  public static int confine(StringWriter out, StringWriter err, String... args) {
    picocli.CommandLine commandLine = Main.commandLine(args);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
