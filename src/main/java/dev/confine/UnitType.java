package dev.confine;

import java.util.Locale;

/** The transient unit types confine creates. */
enum UnitType {
  SCOPE,
  SERVICE;

  String suffix() {
    return "." + name().toLowerCase(Locale.ROOT);
  }

  /** The D-Bus interface with the type's own properties, e.g. org.freedesktop.systemd1.Scope. */
  String dbusInterface() {
    return "org.freedesktop.systemd1." + name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
  }
}
