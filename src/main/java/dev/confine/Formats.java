package dev.confine;

import java.math.BigInteger;
import java.util.BitSet;
import java.util.StringJoiner;
import org.freedesktop.dbus.types.UInt64;

/** Values as systemctl shows them: the inverse of {@link Values} for what confine reports. */
final class Formats {
  private static final long[] TIME_UNITS = {86_400, 3_600, 60, 1};
  private static final String[] TIME_UNIT_NAMES = {"d", "h", "min", "s"};

  private Formats() {}

  /** {@code 20971520} → {@code 20M}, {@code 1536} → {@code 1.5K}, as systemd's format_bytes. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + "B";
    }
    int exponent = Math.min((63 - Long.numberOfLeadingZeros(bytes)) / 10, Values.SIZE_SUFFIXES.length());
    long unit = 1L << (10 * exponent);
    String suffix = String.valueOf(Values.SIZE_SUFFIXES.charAt(exponent - 1));
    if (bytes % unit == 0) {
      return bytes / unit + suffix;
    }
    return String.format("%.1f%s", (double) bytes / unit, suffix);
  }

  /** {@code 90000000} µs → {@code 1min 30s}, as systemd's format_timespan (whole seconds). */
  static String timespan(long usec) {
    if (usec < 1_000_000L) {
      return usec == 0 ? "0" : usec % 1000 == 0 ? usec / 1000 + "ms" : usec + "us";
    }
    StringJoiner parts = new StringJoiner(" ");
    long seconds = usec / 1_000_000L;
    for (int i = 0; i < TIME_UNITS.length; i++) {
      long n = seconds / TIME_UNITS[i];
      if (n > 0) {
        parts.add(n + TIME_UNIT_NAMES[i]);
        seconds %= TIME_UNITS[i];
      }
    }
    return parts.toString();
  }

  /** {@code 9} → {@code SIGKILL}. */
  static String signal(int number) {
    return number >= 1 && number <= Values.SIGNALS.size() ? "SIG" + Values.SIGNALS.get(number - 1)
        : "signal " + number;
  }

  /** A CPU or NUMA node mask ({@code ay}, bit n = CPU n) as a list: {@code 0-2,5}. */
  static String cpuList(byte[] mask) {
    BitSet bits = BitSet.valueOf(mask);
    StringJoiner list = new StringJoiner(",");
    for (int start = bits.nextSetBit(0); start >= 0; start = bits.nextSetBit(start)) {
      int end = bits.nextClearBit(start) - 1;
      list.add(start == end ? Integer.toString(start) : start + "-" + end);
      start = end + 1;
    }
    return list.toString();
  }

  /** A uint64 from dbus-java, or -1 for systemd's "unset"/"infinity" (UINT64_MAX) and for absence. */
  static long uint64(Object value) {
    if (value instanceof UInt64 u) {
      BigInteger v = u.value();
      return v.bitLength() > 63 ? -1 : v.longValue();
    }
    return value instanceof Number n ? n.longValue() : -1;
  }
}
