package dev.confine;

import java.math.BigDecimal;

/**
 * A percentage with at most two decimals, as systemd takes it ({@code 12.5%}); not negative.
 * Whether it may exceed 100 depends on the property: CPUQuota may, memory limits may not.
 */
public final class Percent {
  private final BigDecimal value;

  private Percent(BigDecimal value) {
    if (value.signum() < 0 || value.stripTrailingZeros().scale() > 2) {
      throw new InvalidPropertyException(
          "invalid percentage " + value.toPlainString() + "% (expected at least 0, at most two decimals)");
    }
    this.value = value.stripTrailingZeros();
  }

  /** E.g. {@code Percent.of(50)} or {@code Percent.of(12.5)}. */
  public static Percent of(double percent) {
    return new Percent(BigDecimal.valueOf(percent));
  }

  /** {@code 50%} or {@code 50}. */
  public static Percent parse(String percent) {
    String number = percent.trim().endsWith("%") ? percent.trim().substring(0, percent.trim().length() - 1)
        : percent.trim();
    try {
      return new Percent(new BigDecimal(number));
    } catch (NumberFormatException e) {
      throw new InvalidPropertyException("invalid percentage '" + percent + "' (expected e.g. 50%)");
    }
  }

  public double value() {
    return value.doubleValue();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Percent percent && percent.value.compareTo(value) == 0;
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The unit-file form, e.g. {@code 12.5%}. */
  @Override
  public String toString() {
    return value.toPlainString() + "%";
  }
}
