package dev.confine.cli;

import dev.confine.ServiceExit;
import java.util.function.Consumer;

/** How a service ended, told as {@code systemd-run --wait} tells it. */
final class ServiceOutcome {
  private ServiceOutcome() {}

  /** Prints the outcome through {@code info} and returns the exit status to pass on. */
  static int report(ServiceExit exit, Consumer<String> info) {
    info.accept("Finished with result: " + exit.result());
    info.accept("Main processes terminated with: code=" + exit.code() + "/status=" + exit.status());
    return exit.exitStatus();
  }
}
