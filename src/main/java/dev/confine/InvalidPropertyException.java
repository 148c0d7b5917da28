package dev.confine;

/**
 * A property assignment, unit name or command was rejected before anything was sent to systemd.
 * The message names the offending thing and what is expected instead.
 */
public class InvalidPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidPropertyException(String message) {
    super(message);
  }
}
