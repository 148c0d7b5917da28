package dev.confine;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for systemd's value grammar, as {@code systemd-run -p} and unit files accept it. Each
 * throws {@link InvalidPropertyException} naming the property, the bad value and what is expected.
 */
final class Values {
  /** {@code UINT64_MAX}: systemd's "infinity" / "unset" for 64-bit limits. */
  static final long INFINITY = -1L;

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTPE]?)B?");
  private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)%");
  private static final String SIZE_SUFFIXES = "KMGTPE";
  private static final Map<String, Long> TIME_UNITS_USEC =
      Map.ofEntries(
          Map.entry("us", 1L), Map.entry("usec", 1L), Map.entry("µs", 1L),
          Map.entry("ms", 1_000L), Map.entry("msec", 1_000L),
          Map.entry("s", 1_000_000L), Map.entry("sec", 1_000_000L),
          Map.entry("second", 1_000_000L), Map.entry("seconds", 1_000_000L),
          Map.entry("m", 60_000_000L), Map.entry("min", 60_000_000L),
          Map.entry("minute", 60_000_000L), Map.entry("minutes", 60_000_000L),
          Map.entry("h", 3_600_000_000L), Map.entry("hr", 3_600_000_000L),
          Map.entry("hour", 3_600_000_000L), Map.entry("hours", 3_600_000_000L),
          Map.entry("d", 86_400_000_000L), Map.entry("day", 86_400_000_000L),
          Map.entry("days", 86_400_000_000L),
          Map.entry("w", 604_800_000_000L), Map.entry("week", 604_800_000_000L),
          Map.entry("weeks", 604_800_000_000L));
  private static final Pattern TIME_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zµ]*)");
  private static final List<String> SIGNALS =
      List.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
          "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
          "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

  private Values() {}

  static InvalidPropertyException invalid(String property, String value, String expected) {
    return new InvalidPropertyException(
        "invalid value for " + property + ": '" + value + "' (expected " + expected + ")");
  }

  /** Bytes with an optional base-1024 suffix K, M, G, T, P, E; e.g. {@code 64M}, {@code 1.5G}. */
  static long bytes(String property, String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      throw invalid(property, value, "a size such as 512M, 2G or 1048576");
    }
    int exponent = m.group(2).isEmpty() ? 0 : SIZE_SUFFIXES.indexOf(m.group(2)) + 1;
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(exponent));
    if (bytes.compareTo(new BigDecimal(Long.MAX_VALUE)) > 0) {
      throw invalid(property, value, "a size below 8E");
    }
    return bytes.longValue();
  }

  /** The number in {@code N%} (decimals allowed), or null when the value is not a percentage. */
  static BigDecimal percentOrNull(String value) {
    Matcher m = PERCENT.matcher(value.trim());
    return m.matches() ? new BigDecimal(m.group(1)) : null;
  }

  /** {@code N%} (0% to 100%, two decimals at most) as the 32-bit scale of {@code …Scale} properties. */
  static int scale(String property, String value, BigDecimal percent) {
    int permyriad = permyriadAtMost(property, value, percent, 10_000, "between 0% and 100%");
    // Rounded to nearest, as systemd's UINT32_SCALE_FROM_PERMYRIAD does since v248.
    return (int) ((permyriad * 0xFFFF_FFFFL + 5_000L) / 10_000L);
  }

  /**
   * {@code N%} with at most two decimals and at most {@code max} permyriad, as systemd's
   * {@code parse_permyriad}; {@code range} describes the bound for the error message.
   */
  static int permyriadAtMost(String property, String value, BigDecimal percent, int max, String range) {
    BigDecimal permyriad = percent.movePointRight(2).stripTrailingZeros();
    if (permyriad.scale() > 0 || permyriad.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw invalid(property, value, "a percentage " + range + " with at most two decimals");
    }
    return permyriad.intValueExact();
  }

  /** yes/no, true/false, on/off, 1/0 (case-insensitive). */
  static boolean bool(String property, String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "yes": case "true": case "on": case "1": case "y": case "t":
        return true;
      case "no": case "false": case "off": case "0": case "n": case "f":
        return false;
      default:
        throw invalid(property, value, "a boolean: yes/no, true/false, on/off or 1/0");
    }
  }

  /** An unsigned integer within [min, max]. */
  static long number(String property, String value, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(property, value, "an integer between " + min + " and " + max);
    }
    if (n < min || n > max) {
      throw invalid(property, value, "an integer between " + min + " and " + max);
    }
    return n;
  }

  /**
   * A time span in microseconds: {@code 90}, {@code 500ms}, {@code 1h 30min}, {@code infinity}. A
   * bare number means seconds, as in unit files.
   */
  static long timespanUsec(String property, String value) {
    String v = value.trim();
    if (v.equals("infinity")) {
      return INFINITY;
    }
    Matcher m = TIME_PART.matcher(v);
    BigDecimal total = BigDecimal.ZERO;
    int end = 0;
    while (end < v.length()) {
      while (end < v.length() && v.charAt(end) == ' ') {
        end++;
      }
      if (!m.find(end) || m.start() != end || m.end() == end) {
        throw invalid(property, value, "a time span such as 90s, 500ms, 1h 30min or infinity");
      }
      Long unit = m.group(2).isEmpty() ? Long.valueOf(1_000_000L) : TIME_UNITS_USEC.get(m.group(2));
      if (unit == null) {
        throw invalid(property, value, "a time span; unknown unit '" + m.group(2) + "'");
      }
      total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
      end = m.end();
    }
    if (v.isEmpty()) {
      throw invalid(property, value, "a time span such as 90s, 500ms, 1h 30min or infinity");
    }
    if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw invalid(property, value, "a time span below about 292000 years, or infinity");
    }
    return total.longValue();
  }

  /** A signal by name ({@code SIGTERM}, {@code TERM}) or number, as its number. */
  static int signal(String property, String value) {
    String v = value.trim().toUpperCase(Locale.ROOT);
    int index = SIGNALS.indexOf(v.startsWith("SIG") ? v.substring(3) : v);
    if (index >= 0) {
      return index + 1;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= 64) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw invalid(property, value, "a signal name such as SIGTERM or a number 1-64");
  }

  /** One of the listed words. */
  static String oneOf(String property, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw invalid(property, value, "one of " + String.join(", ", allowed));
    }
    return value;
  }

  /** Whitespace-separated words, honouring double and single quotes. */
  static List<String> words(String property, String value) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (char c : value.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw invalid(property, value, "balanced quotes");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
