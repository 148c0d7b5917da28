package dev.confine.cli;

import dev.confine.SystemdException;
import picocli.CommandLine;

/**
 * Exit codes are part of the interface: the payload's own status passes through; confine's own
 * failures use these.
 */
final class ExitCodes {
  /** confine failed: bad input, or systemd refused or failed the request; or a check of confine doctor failed. */
  static final int FAILURE = 1;
  /** The command line itself is wrong (unknown option, missing argument, conflicting options). */
  static final int USAGE = 2;

  private ExitCodes() {}

  /** One line on stderr, no stack trace, for the failures users cause or can fix. */
  static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    if (e instanceof SystemdException || e instanceof IllegalArgumentException
        || e instanceof java.io.IOException || e instanceof UnsupportedOperationException) {
      commandLine.getErr().println("confine: " + e.getMessage());
      return FAILURE;
    }
    commandLine.getErr().println("confine: internal error: " + e);
    e.printStackTrace(commandLine.getErr());
    return FAILURE;
  }
}
