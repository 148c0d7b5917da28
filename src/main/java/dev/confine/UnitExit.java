package dev.confine;

import java.util.Optional;

/**
 * How a unit ended: systemd's {@code Result} ({@code success}, {@code exit-code}, {@code signal},
 * {@code oom-kill}, {@code timeout}, …) and, for a service, how its main process terminated.
 *
 * @param unit the unit's name
 * @param result the unit's {@code Result} property
 * @param code {@code exited}, {@code killed} or {@code dumped}; {@code none} for a scope
 * @param status the exit status, or the signal number when killed
 * @param explanation why it ended, in words, when that was not its own doing: "killed by the OOM
 *     killer: memory use reached MemoryMax=20M", "stopped by its runtime limit RuntimeMaxSec=5s",
 *     "killed by signal SIGTERM"
 */
public record UnitExit(String unit, String result, String code, int status, Optional<String> explanation) {

  /**
   * Whether the command itself ran. False when systemd could not set it up or execute it: it then
   * exits with one of its own codes, 200 to 243 (systemd.exec(5), "Process Exit Codes").
   */
  public boolean commandRan() {
    return !code.equals("exited") || status < 200 || status > 243;
  }

  /** The exit status {@code systemd-run --wait} returns for this outcome. */
  public int exitStatus() {
    if (result.equals("success")) {
      return 0;
    }
    if (result.equals("exit-code") && status > 0) {
      return status;
    }
    // systemd-run returns EXIT_EXCEPTION (255) for a signal, in line with shells' >128 range.
    return result.equals("signal") ? 255 : 1;
  }
}
