package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * Test-only: dbus-java names the D-Bus error a server-side exception becomes after the exception's
 * class, so this class lets the fake systemd reply {@code org.freedesktop.systemd1.UnitExists}.
 */
public class UnitExists extends DBusExecutionException {
  private static final long serialVersionUID = 1L;

  public UnitExists(String message) {
    super(message);
  }
}
