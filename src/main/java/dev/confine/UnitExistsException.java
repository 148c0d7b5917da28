package dev.confine;

/** A unit of the requested name is already loaded (running, failed, or with a unit file). */
public class UnitExistsException extends SystemdException {
  private static final long serialVersionUID = 1L;

  public UnitExistsException(String message, String dbusErrorName, Throwable cause) {
    super(message, dbusErrorName, cause);
  }
}
