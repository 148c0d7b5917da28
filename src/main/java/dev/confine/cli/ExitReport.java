package dev.confine.cli;

import dev.confine.UnitExit;
import java.io.PrintWriter;

/** How a unit ended, told as {@code systemd-run --wait} tells it, and why, in words. */
final class ExitReport {
  private ExitReport() {}

  /**
   * Prints the outcome (informational: not with -q) and the explanation (always) to {@code err},
   * and returns the exit status to pass on.
   */
  static int report(UnitExit exit, boolean quiet, PrintWriter err) {
    if (!quiet) {
      err.println("Finished with result: " + exit.result());
      if (!exit.code().equals("none")) {
        err.println("Main processes terminated with: code=" + exit.code() + "/status=" + exit.status());
      }
      err.flush();
    }
    explain(exit, err);
    return exit.exitStatus();
  }

  /** "confine: UNIT: killed by the OOM killer: …" when there is something to explain. */
  static void explain(UnitExit exit, PrintWriter err) {
    exit.explanation().ifPresent(why -> {
      err.println("confine: " + exit.unit() + ": " + why);
      err.flush();
    });
  }
}
