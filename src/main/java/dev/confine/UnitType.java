package dev.confine;

/** The transient unit types confine creates. */
enum UnitType {
  SCOPE,
  SERVICE;

  String suffix() {
    return "." + name().toLowerCase(java.util.Locale.ROOT);
  }
}
