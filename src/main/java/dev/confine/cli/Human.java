package dev.confine.cli;

import dev.confine.Bytes;
import java.util.OptionalLong;

/** Numbers for people in confine's text output; "-" where there is no value. */
final class Human {
  private Human() {}

  static String bytes(OptionalLong bytes) {
    return bytes.isPresent() ? Bytes.of(bytes.getAsLong()).toHumanString() : "-";
  }

  /** CPU time: {@code 850ms}, {@code 12.345s}, {@code 3min 4.5s}. */
  static String cpu(OptionalLong nanos) {
    if (nanos.isEmpty()) {
      return "-";
    }
    long millis = nanos.getAsLong() / 1_000_000;
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return String.format("%.3fs", millis / 1000.0);
    }
    return millis / 60_000 + "min " + String.format("%.1fs", millis % 60_000 / 1000.0);
  }

  static String number(OptionalLong value) {
    return value.isPresent() ? Long.toString(value.getAsLong()) : "-";
  }
}
