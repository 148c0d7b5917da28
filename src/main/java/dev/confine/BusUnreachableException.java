package dev.confine;

/** The manager's bus could not be reached, or no systemd answers on it. */
public class BusUnreachableException extends SystemdException {
  private static final long serialVersionUID = 1L;

  public BusUnreachableException(String message, String dbusErrorName, Throwable cause) {
    super(message, dbusErrorName, cause);
  }
}
