package dev.confine;

/** The named unit is not loaded. */
public class NoSuchUnitException extends SystemdException {
  private static final long serialVersionUID = 1L;

  public NoSuchUnitException(String message, String dbusErrorName, Throwable cause) {
    super(message, dbusErrorName, cause);
  }
}
