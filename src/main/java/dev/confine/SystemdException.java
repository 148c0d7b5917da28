package dev.confine;

/**
 * A request to systemd, or to a cgroup tree systemd delegated, failed. Subclasses name the common
 * causes; {@link #dbusErrorName()} keeps the D-Bus error name systemd sent, when there was one.
 * Messages say what happened and what to do.
 */
public class SystemdException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String dbusErrorName;

  public SystemdException(String message, String dbusErrorName, Throwable cause) {
    super(message, cause);
    this.dbusErrorName = dbusErrorName;
  }

  public SystemdException(String message) {
    this(message, null, null);
  }

  /** The D-Bus error name, e.g. {@code org.freedesktop.systemd1.UnitExists}, or null. */
  public String dbusErrorName() {
    return dbusErrorName;
  }
}
