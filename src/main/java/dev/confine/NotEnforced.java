package dev.confine;

/**
 * A requested setting that will not be, or is not, in effect, and why: found before the start by
 * {@link Systemd#preflight} or after it by {@link Systemd#verify}.
 *
 * @param property the unit-file property name, e.g. {@code IOWeight}
 * @param value the value as given
 * @param reason what is wrong and, where there is one, what to do
 */
public record NotEnforced(String property, String value, String reason) {
  @Override
  public String toString() {
    return property + "=" + value + " is not in effect: " + reason;
  }
}
