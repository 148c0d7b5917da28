package dev.confine;

import java.util.Locale;

/** The transient unit types confine creates: scopes and services, and the units that trigger services. */
enum UnitType {
  SCOPE,
  SERVICE,
  TIMER,
  PATH,
  SOCKET;

  /** The type of a unit name with a type suffix, e.g. {@code x.scope}, or null. */
  static UnitType ofName(String unit) {
    for (UnitType type : values()) {
      if (unit.endsWith(type.suffix())) {
        return type;
      }
    }
    return null;
  }

  String suffix() {
    return "." + name().toLowerCase(Locale.ROOT);
  }

  /** The D-Bus interface with the type's own properties, e.g. org.freedesktop.systemd1.Scope. */
  String dbusInterface() {
    return "org.freedesktop.systemd1." + name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
  }
}
