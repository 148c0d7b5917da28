package dev.confine;

/** systemd rejected the request: a bad unit name, or a property it does not know or cannot set. */
public class InvalidArgumentException extends SystemdException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message, String dbusErrorName, Throwable cause) {
    super(message, dbusErrorName, cause);
  }
}
