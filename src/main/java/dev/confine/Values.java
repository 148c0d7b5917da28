package dev.confine;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
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
  /** The size suffixes of base-1024 sizes, K = 2^10 on. */
  static final String SIZE_SUFFIXES = "KMGTPE";
  private static final Pattern CPU_RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");
  private static final int MAX_CPUS = 8192;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final Map<String, List<String>> IP_KEYWORDS = Map.of(
      "any", List.of("0.0.0.0/0", "::/0"),
      "localhost", List.of("127.0.0.0/8", "::1/128"),
      "link-local", List.of("169.254.0.0/16", "fe80::/64"),
      "multicast", List.of("224.0.0.0/4", "ff00::/8"));
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
  static final List<String> SIGNALS =
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
    return size(property, value, 1024);
  }

  /** A size with an optional suffix K, M, G, T, P, E in the given base (1024, or 1000 for IO). */
  static long size(String property, String value, int base) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      throw invalid(property, value, "a size such as 512M, 2G or 1048576");
    }
    int exponent = m.group(2).isEmpty() ? 0 : SIZE_SUFFIXES.indexOf(m.group(2)) + 1;
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(base).pow(exponent));
    if (bytes.compareTo(new BigDecimal(Long.MAX_VALUE)) > 0) {
      throw invalid(property, value, "a size below 8E");
    }
    return bytes.longValue();
  }

  /**
   * A CPU or NUMA node list such as {@code 0-3,6} or {@code 0 2}, as the little-endian bitmask
   * systemd takes: bit j of byte i is CPU 8i+j. An empty value is the empty set.
   */
  static byte[] cpuSet(String property, String value) {
    BitSet cpus = new BitSet();
    for (String item : value.trim().split("[\\s,]+")) {
      if (item.isEmpty()) {
        continue;
      }
      Matcher m = CPU_RANGE.matcher(item);
      if (!m.matches()) {
        throw invalid(property, value, "CPU numbers and ranges such as 0-3,6");
      }
      int first = Integer.parseInt(m.group(1));
      int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
      if (last < first || last >= MAX_CPUS) {
        throw invalid(property, value, "ranges FIRST-LAST with FIRST <= LAST < " + MAX_CPUS);
      }
      cpus.set(first, last + 1);
    }
    return cpus.toByteArray();
  }

  /**
   * Address prefixes for {@code IPAddressAllow/Deny}: {@code ADDRESS[/PREFIX]} and the keywords
   * any, localhost, link-local and multicast, as {@code (family, address bytes, prefix length)}.
   * Host names are refused: nothing here may look anything up.
   */
  static List<List<Object>> ipPrefixes(String property, String value) {
    List<List<Object>> prefixes = new ArrayList<>();
    for (String item : words(property, value)) {
      List<String> expanded = IP_KEYWORDS.getOrDefault(item, List.of(item));
      for (String prefix : expanded) {
        prefixes.add(ipPrefix(property, value, prefix));
      }
    }
    return prefixes;
  }

  private static boolean isIpv4Literal(String address) {
    if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return false;
    }
    return Arrays.stream(address.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
  }

  /** RFC 2732's strict IPv6 literal syntax, as java.net.URI checks it without a lookup. */
  private static boolean isIpv6Literal(String address) {
    try {
      return address.matches("[0-9A-Fa-f:.]+") && new URI("http://[" + address + "]/").getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static List<Object> ipPrefix(String property, String value, String prefix) {
    int slash = prefix.indexOf('/');
    String address = slash < 0 ? prefix : prefix.substring(0, slash);
    boolean v6 = address.contains(":");
    if (!(v6 ? isIpv6Literal(address) : isIpv4Literal(address))) {
      throw invalid(property, value,
          "IP addresses with optional /PREFIX, or any, localhost, link-local, multicast; '"
              + prefix + "' is not one");
    }
    byte[] bytes;
    try {
      // Checked to be a literal above, so this parses it and looks nothing up.
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw invalid(property, value, "valid IP addresses; '" + address + "' is not one");
    }
    if (v6 != (bytes.length == 16)) {
      throw invalid(property, value, "an IPv6 address that is not IPv4-mapped; '" + address + "' is");
    }
    int bits = bytes.length * 8;
    int length = bits;
    if (slash >= 0) {
      String digits = prefix.substring(slash + 1);
      if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > bits) {
        throw invalid(property, value, "a prefix length from 0 to " + bits + " after '/'");
      }
      length = Integer.parseInt(digits);
    }
    return List.of(v6 ? AF_INET6 : AF_INET, bytes, length);
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
