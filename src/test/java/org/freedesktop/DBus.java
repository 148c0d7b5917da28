package org.freedesktop;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * Test-only: dbus-java names the D-Bus error a server-side exception becomes after the exception's
 * class name with '$' turned into '.', so {@code DBus.Error.AccessDenied} here becomes the standard
 * error {@code org.freedesktop.DBus.Error.AccessDenied}. (dbus-java's own {@code
 * org.freedesktop.dbus.errors.AccessDenied} would go out under that lower-case name instead.)
 */
public final class DBus {
  private DBus() {}

  /** The {@code org.freedesktop.DBus.Error.*} names. */
  public static final class Error {
    private Error() {}

    public static class AccessDenied extends DBusExecutionException {
      private static final long serialVersionUID = 1L;

      public AccessDenied(String message) {
        super(message);
      }
    }

    public static class InteractiveAuthorizationRequired extends DBusExecutionException {
      private static final long serialVersionUID = 1L;

      public InteractiveAuthorizationRequired(String message) {
        super(message);
      }
    }

    public static class PropertyReadOnly extends DBusExecutionException {
      private static final long serialVersionUID = 1L;

      public PropertyReadOnly(String message) {
        super(message);
      }
    }
  }
}
