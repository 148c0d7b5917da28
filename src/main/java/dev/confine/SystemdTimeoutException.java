package dev.confine;

/** systemd did not answer or finish a job within the deadline. */
public class SystemdTimeoutException extends SystemdException {
  private static final long serialVersionUID = 1L;

  public SystemdTimeoutException(String message, String dbusErrorName, Throwable cause) {
    super(message, dbusErrorName, cause);
  }
}
