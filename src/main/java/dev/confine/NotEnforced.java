package dev.confine;

/**
 * A requested setting that will not be, or is not, in effect, and why: found before the start by
 * {@link Systemd#preflight} or after it by {@link Systemd#verify}.
 *
 * @param property the unit-file property name, e.g. {@code IOWeight}
 * @param value the value as given
 * @param reason what is wrong
 * @param remedy what to do about it, or empty when confine knows no fix
 */
public record NotEnforced(String property, String value, String reason, String remedy) {
  /** {@code NAME=VALUE is not in effect: REASON}, without the remedy. */
  @Override
  public String toString() {
    return property + "=" + value + " is not in effect: " + reason;
  }
}
