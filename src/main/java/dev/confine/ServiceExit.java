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
