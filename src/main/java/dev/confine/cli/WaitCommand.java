package dev.confine.cli;

import dev.confine.Systemd;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code confine wait UNIT}: waits for a service to end and exits as {@code run --wait}. */
@Command(name = "wait", mixinStandardHelpOptions = true,
    description = {"Wait until a service has ended and exit with its status, as run --wait:",
      "0 on success, the service's exit status, or 255 if a signal killed it."})
final class WaitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ManagerOptions managerOptions;

  @Option(names = {"-q", "--quiet"}, description = "Print no informational messages.")
  boolean quiet;

  @Parameters(paramLabel = "UNIT", description = "The service, with or without .service.")
  String unit;

  @Override
  public Integer call() throws InterruptedException {
    try (Systemd systemd = Systemd.connect(managerOptions.manager())) {
      String name = systemd.unitName(unit);
      if (!name.endsWith(".service")) {
        throw new IllegalArgumentException("wait takes a service; " + name + " is not one");
      }
      PrintWriter err = spec.commandLine().getErr();
      return ServiceOutcome.report(systemd.awaitExit(name), line -> {
        if (!quiet) {
          err.println(line);
          err.flush();
        }
      });
    }
  }
}
