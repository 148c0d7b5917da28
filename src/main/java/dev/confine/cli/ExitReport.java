package dev.confine.cli;

import dev.confine.UnitExit;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** How a unit ended, told as {@code systemd-run --wait} tells it, and why, in words. */
final class ExitReport {
  private ExitReport() {}

  /**
   * Prints the outcome through {@code info} (informational, silenced by -q) and the explanation
   * to {@code err} (always), and returns the exit status to pass on.
   */
  static int report(UnitExit exit, Consumer<String> info, PrintWriter err) {
    info.accept("Finished with result: " + exit.result());
    if (!exit.code().equals("none")) {
      info.accept("Main processes terminated with: code=" + exit.code() + "/status=" + exit.status());
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
