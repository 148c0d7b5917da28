package dev.confine;

/**
 * A property this systemd is too old for, or does not take on this unit type. Nothing was sent.
 */
public class UnsupportedPropertyException extends SystemdException {
  private static final long serialVersionUID = 1L;

  public UnsupportedPropertyException(String message) {
    super(message);
  }
}
