package dev.confine.cli;

import dev.confine.Doctor;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code confine doctor}: whether confine can do its work here, and what to fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check whether confine can do its work with the manager on this machine.",
      "cgroup v2, the bus, the systemd version, the controllers the manager can give its units, and on the"
          + " system bus whether systemd lets you start confine's scopes. Each check is PASS, WARN or FAIL, with"
          + " the fix; the exit status is 1 when one FAILs."})
final class DoctorCommand implements Callable<Integer> {
  @Mixin ManagerOptions managerOptions;
  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    List<Doctor.Check> checks = Doctor.check(managerOptions.manager());
    if (output.json) {
      output.printJson(checks);
    } else {
      print(checks, output.out());
    }
    return checks.stream().anyMatch(c -> c.verdict() == Doctor.Verdict.FAIL) ? ExitCodes.FAILURE : 0;
  }

  /** One line per check, and under a check that did not pass, its fix. */
  private static void print(List<Doctor.Check> checks, PrintWriter out) {
    int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
    String indent = " ".repeat(5 + width + 2);
    for (Doctor.Check check : checks) {
      out.printf("%-4s %-" + width + "s  %s%n", check.verdict(), check.name(), check.finding());
      check.fix().ifPresent(fix -> out.println(indent + "fix: " + fix));
    }
    out.flush();
  }
}
