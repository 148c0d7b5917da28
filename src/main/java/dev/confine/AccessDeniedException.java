package dev.confine;

/** The manager refused the caller: not root, no polkit grant, or interactive authorization required. */
public class AccessDeniedException extends SystemdException {
  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message, String dbusErrorName, Throwable cause) {
    super(message, dbusErrorName, cause);
  }
}
