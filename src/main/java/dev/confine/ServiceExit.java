package dev.confine;

/**
 * How a service ended: systemd's {@code Result} ({@code success}, {@code exit-code}, {@code signal},
 * {@code oom-kill}, {@code timeout}, …) and how its main process terminated.
 *
 * @param unit the service's name
 * @param result the unit's {@code Result} property
 * @param code {@code exited}, {@code killed} or {@code dumped}
 * @param status the exit status, or the signal number when killed
 */
public record ServiceExit(String unit, String result, String code, int status) {

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
