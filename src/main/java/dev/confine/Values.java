package dev.confine;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for systemd's value grammar, as {@code systemd-run -p} and unit files accept it. Each
 * throws {@link InvalidPropertyException} naming the property, the bad value and what is expected.
 */
final class Values {
  /** {@code UINT64_MAX}: systemd's "infinity" / "unset" for 64-bit limits. */
  static final long INFINITY = -1L;

  /** parse_permyriad's N%, after whitespace that its safe_atoi skips; nothing may follow. */
  private static final Pattern PERCENT = Pattern.compile("[ \t\n\r]*(\\d+(?:\\.\\d+)?)%");
  /** The size suffixes of base-1024 sizes, K = 2^10 on. */
  static final String SIZE_SUFFIXES = "KMGTPE";
  /** parse_size's suffixes, largest first (E = base^6); B and none are a factor of one. */
  private static final List<String> SIZE_TERMS = List.of("E", "P", "T", "G", "M", "K", "B", "");
  /** What systemd's WHITESPACE skips. */
  static final String SYSTEMD_WHITESPACE = " \t\n\r";
  private static final String DIGITS = "0123456789";
  /** The longest file name (NAME_MAX), in bytes. */
  private static final int NAME_MAX = 255;
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
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
          Map.entry("weeks", 604_800_000_000L),
          // USEC_PER_MONTH and USEC_PER_YEAR: a 30.44-day month, a 365.25-day year.
          Map.entry("M", 2_629_800_000_000L), Map.entry("month", 2_629_800_000_000L),
          Map.entry("months", 2_629_800_000_000L), Map.entry("y", 31_557_600_000_000L),
          Map.entry("year", 31_557_600_000_000L), Map.entry("years", 31_557_600_000_000L),
          Map.entry("\u03bcs", 1L)); // the Greek mu, beside the micro sign above
  /** parse_nsec's units: those of parse_sec, a thousand times, and ns; a bare number is ns. */
  private static final Map<String, Long> TIME_UNITS_NSEC = nanosecondUnits();
  /** A number, with or without digits before its point (.5) but never without after, and a unit. */
  private static final Pattern TIME_PART =
      Pattern.compile("(\\d*\\.\\d+|\\d+)\\s*([a-zA-Z\u00b5\u03bc]*)");
  static final List<String> SIGNALS =
      List.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
          "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
          "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

  private Values() {}

  static InvalidPropertyException invalid(String property, String value, String expected) {
    return new InvalidPropertyException(
        "invalid value for " + property + ": '" + value + "' (expected " + expected + ")");
  }

  /** Bytes as systemd's parse_size reads them in base 1024: {@code 64M}, {@code 1.5G}, {@code 1G 512M}. */
  static long bytes(String property, String value) {
    return size(property, value, 1024);
  }

  /**
   * A size as systemd's parse_size reads it in the given base (1024, or 1000 for IO), as the
   * unsigned 64-bit value it sends (UINT64_MAX included, which systemd takes as infinity).
   */
  static long size(String property, String value, int base) {
    OptionalLong size = parseSize(value, base);
    if (size.isEmpty()) {
      throw invalid(property, value, "a size such as 512M, 1.5G, 1G 512M or 1048576 (suffixes K, M, G, T, P, E"
          + " of base " + base + ", or B)");
    }
    return size.getAsLong();
  }

  /**
   * systemd's parse_size: a sum of terms NUMBER[.DIGITS][SUFFIX], each suffix smaller than the one
   * before ({@code 1G 512M}, {@code 1G512M}); whitespace may come before a number and before a
   * suffix, not after the last term. B is a factor of one, and a term without suffix must be the
   * last. The fraction is computed in double and truncated, as systemd does. Empty when systemd
   * refuses the text (also on overflow beyond UINT64_MAX); else the unsigned value's bits.
   */
  static OptionalLong parseSize(String text, int base) {
    BigInteger total = BigInteger.ZERO;
    int next = 0;
    int firstAllowedTerm = 0;
    do {
      next = skip(text, next, SYSTEMD_WHITESPACE);
      if (text.startsWith("+", next)) {
        next++;
      }
      int digitsEnd = skip(text, next, DIGITS);
      if (digitsEnd == next) {
        return OptionalLong.empty(); // no number, or a negative one, which systemd refuses too
      }
      BigInteger whole = new BigInteger(text.substring(next, digitsEnd));
      double fraction = 0;
      next = digitsEnd;
      if (text.startsWith(".", next)) {
        next++;
        int fractionEnd = skip(text, next, DIGITS);
        if (fractionEnd > next) {
          BigInteger digits = new BigInteger(text.substring(next, fractionEnd));
          if (digits.compareTo(UINT64_MAX) > 0) {
            return OptionalLong.empty();
          }
          fraction = new BigDecimal(digits).doubleValue();
          for (; next < fractionEnd; next++) {
            fraction /= 10;
          }
        }
      }
      next = skip(text, next, SYSTEMD_WHITESPACE);
      int term = firstAllowedTerm;
      while (term < SIZE_TERMS.size() && !text.startsWith(SIZE_TERMS.get(term), next)) {
        term++;
      }
      if (term == SIZE_TERMS.size()) {
        return OptionalLong.empty();
      }
      long factor = BigInteger.valueOf(base).pow(Math.max(0, SIZE_TERMS.size() - 2 - term)).longValueExact();
      total = total.add(whole.multiply(BigInteger.valueOf(factor)))
          .add(BigInteger.valueOf((long) (fraction * factor)));
      if (total.compareTo(UINT64_MAX) > 0) {
        return OptionalLong.empty();
      }
      next += SIZE_TERMS.get(term).length();
      firstAllowedTerm = term + 1;
    } while (next < text.length());
    return OptionalLong.of(total.longValue());
  }

  /**
   * systemd's safe_atou64: C's strtoull in base 0 (0x… hex, 0… octal, else decimal) after
   * systemd's own 0b/0o prefixes; leading whitespace and a '+' allowed, a '-' only on zero. Empty
   * when systemd refuses the text; else the unsigned value's bits.
   */
  static OptionalLong parseUnsigned(String text) {
    int next = skip(text, 0, SYSTEMD_WHITESPACE);
    int radix = 0;
    if (text.regionMatches(true, next, "0b", 0, 2)) {
      radix = 2;
      next += 2;
    } else if (text.regionMatches(true, next, "0o", 0, 2)) {
      radix = 8;
      next += 2;
    }
    next = skip(text, next, SYSTEMD_WHITESPACE + "\u000b\f");
    boolean negative = text.startsWith("-", next);
    if (negative || text.startsWith("+", next)) {
      next++;
    }
    if (radix == 0) {
      boolean hex = text.regionMatches(true, next, "0x", 0, 2) && next + 2 < text.length()
          && Character.digit(text.charAt(next + 2), 16) >= 0;
      radix = hex ? 16 : text.startsWith("0", next) ? 8 : 10;
      next += hex ? 2 : 0;
    }
    String digits = text.substring(next);
    int base = radix;
    if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
      return OptionalLong.empty();
    }
    BigInteger value = new BigInteger(digits, radix);
    if (value.compareTo(UINT64_MAX) > 0 || (negative && value.signum() != 0)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(value.longValue());
  }

  /** {@link #parseUnsigned(String)}, empty too when the value is outside min-max. */
  static OptionalLong parseUnsigned(String text, long min, long max) {
    return parseUnsigned(text).stream().filter(n -> n >= min && n <= max).findFirst();
  }


  /** An unsigned 64-bit integer as systemd's safe_atou64 reads it, within [min, max] (unsigned). */
  static long unsigned(String property, String value, long min, long max) {
    OptionalLong n = parseUnsigned(value);
    if (n.isEmpty() || Long.compareUnsigned(n.getAsLong(), min) < 0
        || Long.compareUnsigned(n.getAsLong(), max) > 0) {
      throw invalid(property, value,
          "an integer from " + Long.toUnsignedString(min) + " to " + Long.toUnsignedString(max));
    }
    return n.getAsLong();
  }

  /**
   * systemd's path_is_normalized: an absolute or relative path without empty, "." or ".."
   * components, each component at most 255 bytes, the whole below PATH_MAX (4096).
   */
  static boolean isNormalizedPath(String path) {
    if (path.isEmpty() || utf8Length(path) >= 4096 || path.contains("//")) {
      return false;
    }
    for (String component : path.split("/")) {
      if (component.equals(".") || component.equals("..") || utf8Length(component) > NAME_MAX) {
        return false;
      }
    }
    return true;
  }


  /** systemd's path_is_valid: not empty, below PATH_MAX (4096), each component at most 255 bytes. */
  static boolean isValidPath(String path) {
    return !path.isEmpty() && utf8Length(path) < 4096
        && Arrays.stream(path.split("/")).allMatch(component -> utf8Length(component) <= NAME_MAX);
  }

  /**
   * systemd's fdname_is_valid: up to 255 printable ASCII characters, no ':'.
   */
  static boolean isFdName(String name) {
    return name.length() <= NAME_MAX && name.chars().allMatch(c -> c >= 32 && c < 127 && c != ':');
  }

  /** systemd's credential_name_valid: a file name that is also a file descriptor name. */
  static boolean isCredentialName(String name) {
    return isValidFilename(name) && isFdName(name);
  }

  /**
   * systemd's credential_glob_valid: a credential name, or one followed by a single trailing
   * {@code *}, or {@code *} alone; no other glob characters.
   */
  static boolean isCredentialGlob(String glob) {
    String prefix = glob.endsWith("*") ? glob.substring(0, glob.length() - 1) : glob;
    boolean noGlob = prefix.chars().noneMatch(c -> "*?[]".indexOf(c) >= 0);
    return noGlob && (isCredentialName(prefix) || glob.equals("*"));
  }

  /**
   * extract_first_word with one separator and EXTRACT_DONT_COALESCE_SEPARATORS: the word up to
   * the first separator, a backslash taking the next character as it is, then the rest after that
   * separator, or null when there was none. Null instead of both when a backslash ends the text.
   */
  static String[] firstWord(String text, char separator) {
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == separator) {
        return new String[] {word.toString(), text.substring(i + 1)};
      }
      if (c == '\\') {
        if (++i == text.length()) {
          return null;
        }
        c = text.charAt(i);
      }
      word.append(c);
    }
    return new String[] {word.toString(), null};
  }

  /**
   * systemd's cunescape: C escapes resolved ({@link #unescapeOne}), every other character kept as
   * its UTF-8 bytes; an unknown escape, a trailing backslash or (unless {@code acceptNul}) a NUL
   * refused.
   */
  static byte[] unescape(String property, String value, String text, boolean acceptNul) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != '\\') {
        i = append(text, i, bytes);
        continue;
      }
      i = i + 1 < text.length() ? unescapeOne(text, i + 1, bytes, acceptNul) : -1;
      if (i < 0) {
        throw invalid(property, value, "C escapes such as \\n, \\t, \\\\, \\xHH, \\OOO or \\uHHHH"
            + (acceptNul ? "" : ", but no NUL"));
      }
    }
    return bytes.toByteArray();
  }

  /** A code point as UTF-8, surrogates too (as systemd's utf8_encode_unichar writes them). */
  private static byte[] utf8(int c) {
    if (c < 0x80) {
      return new byte[] {(byte) c};
    }
    if (c < 0x800) {
      return new byte[] {(byte) (0xC0 | c >> 6), (byte) (0x80 | c & 0x3F)};
    }
    if (c < 0x10000) {
      return new byte[] {(byte) (0xE0 | c >> 12), (byte) (0x80 | c >> 6 & 0x3F), (byte) (0x80 | c & 0x3F)};
    }
    return new byte[] {(byte) (0xF0 | c >> 18), (byte) (0x80 | c >> 12 & 0x3F),
        (byte) (0x80 | c >> 6 & 0x3F), (byte) (0x80 | c & 0x3F)};
  }

  /**
   * Base64 as systemd's unbase64mem reads it: whitespace anywhere is skipped, the rest must be
   * whole four-character groups with correct padding and no stray bits.
   */
  static byte[] base64(String property, String value, String data) {
    String text = data.replaceAll("[ \t\n\r]", "");
    try {
      byte[] decoded = Base64.getDecoder().decode(text);
      if (Base64.getEncoder().encodeToString(decoded).equals(text)) {
        return decoded;
      }
    } catch (IllegalArgumentException notBase64) {
      // refused below
    }
    throw invalid(property, value, "base64 data such as aGVsbG8K, with its = padding");
  }

  /** systemd's filename_is_valid: one path component, not . or .., at most 255 bytes. */
  static boolean isValidFilename(String name) {
    return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
        && utf8Length(name) <= NAME_MAX;
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The index of the first character at or after {@code from} that is not one of {@code chars}. */
  private static int skip(String text, int from, String chars) {
    int i = from;
    while (i < text.length() && chars.indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i;
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
    Matcher m = PERCENT.matcher(value);
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
    OptionalLong usec = parseTimespan(value);
    if (usec.isEmpty()) {
      throw invalid(property, value, "a time span such as 90s, 500ms, 1h 30min or infinity,"
          + " below about 584000 years");
    }
    return usec.getAsLong();
  }

  /** A time span in microseconds as {@link #timespanUsec}, or empty when systemd refuses it. */
  static OptionalLong parseTimespan(String value) {
    return parseTimespan(value, 1_000_000);
  }

  /** A time span as systemd's parse_time reads it: a bare number counts {@code defaultUnit} µs. */
  static OptionalLong parseTimespan(String value, long defaultUnit) {
    return parseTimespan(value, defaultUnit, TIME_UNITS_USEC);
  }

  /**
   * A time span in nanoseconds as systemd's parse_nsec reads it: {@code 50us}, {@code 1ms},
   * {@code 500} (nanoseconds), {@code infinity}.
   */
  static long timespanNsec(String property, String value) {
    OptionalLong nsec = parseTimespan(value, 1, TIME_UNITS_NSEC);
    if (nsec.isEmpty()) {
      throw invalid(property, value, "a time span such as 50us, 1ms or 500 (nanoseconds), or"
          + " infinity, below about 584 years");
    }
    return nsec.getAsLong();
  }

  private static Map<String, Long> nanosecondUnits() {
    Map<String, Long> units = new HashMap<>(Map.of("ns", 1L, "nsec", 1L));
    TIME_UNITS_USEC.forEach((unit, usec) -> units.put(unit, usec * 1_000));
    return Map.copyOf(units);
  }

  /** A time span of the given units; a bare number counts {@code defaultUnit} of them. */
  private static OptionalLong parseTimespan(String value, long defaultUnit,
      Map<String, Long> units) {
    String v = value.trim();
    if (v.equals("infinity")) {
      return OptionalLong.of(INFINITY);
    }
    Matcher m = TIME_PART.matcher(v);
    BigDecimal total = BigDecimal.ZERO;
    int end = 0;
    while (end < v.length()) {
      while (end < v.length() && v.charAt(end) == ' ') {
        end++;
      }
      if (!m.find(end) || m.start() != end || m.end() == end) {
        return OptionalLong.empty();
      }
      Long unit = m.group(2).isEmpty() ? Long.valueOf(defaultUnit) : units.get(m.group(2));
      // A number with no unit must end the text or be followed by a space: not 1.2.3.
      boolean runsOn = m.group(2).isEmpty() && m.end() == m.end(1) && m.end() < v.length();
      if (unit == null || runsOn) {
        return OptionalLong.empty();
      }
      total = total.add(new BigDecimal("0" + m.group(1)).multiply(BigDecimal.valueOf(unit)));
      end = m.end();
    }
    if (v.isEmpty() || total.compareTo(new BigDecimal(UINT64_MAX)) >= 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(total.toBigInteger().longValue());
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

  /**
   * Words as systemd's extract_first_word splits them with EXTRACT_UNQUOTE: separated by
   * whitespace, quotes ' and " anywhere in a word keep spaces, a backslash takes the next
   * character as it is; unbalanced quotes and a trailing backslash are refused.
   */
  static List<String> words(String property, String value) {
    return extractWords(property, value, Backslash.TAKES_NEXT);
  }

  /**
   * Words as extract_first_word splits them with EXTRACT_UNQUOTE|EXTRACT_RETAIN_ESCAPE: like
   * {@link #words}, but a backslash is an ordinary character, kept for a later unescape.
   */
  static List<String> wordsKeepingBackslashes(String property, String value) {
    return extractWords(property, value, Backslash.KEPT);
  }

  /**
   * Words as extract_first_word splits them with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE, as command
   * lines are: like {@link #words}, but a backslash starts a C escape ({@code \n}, {@code \s} for a
   * space, {@code \x41}, {@code \101}, backslash-u {@code 00e9} …) and any other is refused. The bytes
   * escapes make must still be UTF-8, which D-Bus strings are.
   */
  static List<String> commandWords(String property, String value) {
    return extractWords(property, value, Backslash.STARTS_C_ESCAPE);
  }

  /** What a backslash in a word does, by extract_first_word's flags. */
  private enum Backslash { TAKES_NEXT, STARTS_C_ESCAPE, KEPT }

  private static List<String> extractWords(String property, String value, Backslash backslash) {
    List<String> words = new ArrayList<>();
    ByteArrayOutputStream word = null;
    char quote = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quote == 0 && SYSTEMD_WHITESPACE.indexOf(c) >= 0) {
        if (word != null) {
          words.add(utf8(property, value, word));
          word = null;
        }
        continue;
      }
      word = word == null ? new ByteArrayOutputStream() : word;
      if (c == quote) {
        quote = 0;
      } else if (quote == 0 && (c == '\'' || c == '"')) {
        quote = c;
      } else if (c == '\\' && backslash != Backslash.KEPT) {
        if (i + 1 == value.length()) {
          throw invalid(property, value, "no backslash at the end");
        }
        i = backslash == Backslash.STARTS_C_ESCAPE
            ? unescapeOne(value, i + 1, word, false) : append(value, i + 1, word);
        if (i < 0) {
          throw invalid(property, value, "C escapes such as \\n, \\s, \\x41, \\101 or \\u00e9 after a"
              + " backslash (none of them NUL), or an escaped quote or backslash");
        }
      } else {
        i = append(value, i, word);
      }
    }
    if (quote != 0) {
      throw invalid(property, value, "balanced quotes");
    }
    if (word != null) {
      words.add(utf8(property, value, word));
    }
    return words;
  }

  /**
   * The words of {@code text} (a part of {@code value}) as extract_first_word splits it at ':'
   * with EXTRACT_CUNESCAPE|EXTRACT_UNESCAPE_SEPARATORS: a run of colons separates, so no word is
   * empty; C escapes are resolved, {@code \:} is a colon; quotes are plain characters.
   */
  static List<String> colonSeparatedWords(String property, String value, String text) {
    List<String> words = new ArrayList<>();
    ByteArrayOutputStream word = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ':') {
        if (word.size() > 0) {
          words.add(utf8(property, value, word));
          word = new ByteArrayOutputStream();
        }
      } else if (c != '\\') {
        i = append(text, i, word);
      } else {
        int end = i + 1 < text.length() ? unescapeOne(text, i + 1, word, false) : -1;
        if (end < 0 && i + 1 < text.length() && text.charAt(i + 1) == ':') {
          word.write(':');
          end = i + 1;
        }
        if (end < 0) {
          throw invalid(property, value, "C escapes such as \\n, \\s or \\x41 after a backslash"
              + " (none of them NUL), or \\: for a colon");
        }
        i = end;
      }
    }
    if (word.size() > 0) {
      words.add(utf8(property, value, word));
    }
    return words;
  }

  /** Appends the character at {@code i} (both halves of a surrogate pair); the index of its last char. */
  private static int append(String text, int i, ByteArrayOutputStream to) {
    int end = i + Character.charCount(text.codePointAt(i));
    to.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
    return end - 1;
  }

  /** cunescape_one's one-letter escapes; s is a space. */
  private static final Map<Character, Character> SIMPLE_ESCAPES = Map.of('a', '\u0007', 'b', '\b',
      'f', '\f', 'n', '\n', 'r', '\r', 't', '\t', 'v', '\u000b', '\\', '\\', '"', '"', '\'', '\'');

  /**
   * Appends the escape that starts at {@code at} (after the backslash) as systemd's cunescape_one
   * reads it: x and three octal digits are raw bytes, u and U code points as UTF-8 (U must be a
   * Unicode character). The index of the escape's last char, or -1 when it is none: unknown,
   * short, out of range, or NUL unless {@code acceptNul}.
   */
  private static int unescapeOne(String text, int at, ByteArrayOutputStream to, boolean acceptNul) {
    char kind = text.charAt(at);
    Character simple = kind == 's' ? Character.valueOf(' ') : SIMPLE_ESCAPES.get(kind);
    if (simple != null) {
      to.write(simple);
      return at;
    }
    int digits = switch (kind) {
      case 'x' -> 2;
      case 'u' -> 4;
      case 'U' -> 8;
      default -> kind >= '0' && kind <= '7' ? 3 : 0;
    };
    boolean octal = digits == 3;
    int from = octal ? at : at + 1;
    String number = text.substring(from, Math.min(text.length(), from + digits));
    if (digits == 0 || number.length() != digits || !number.matches(octal ? "[0-7]+" : "[0-9a-fA-F]+")) {
      return -1;
    }
    long code = Long.parseLong(number, octal ? 8 : 16);
    boolean rawByte = octal || kind == 'x';
    if ((code == 0 && !acceptNul) || (rawByte && code > 0xff) || (kind == 'U' && !isUnicodeScalar(code))) {
      return -1;
    }
    to.writeBytes(rawByte ? new byte[] {(byte) code} : utf8((int) code));
    return from + digits - 1;
  }

  /** systemd's unichar_is_valid: within Unicode, no surrogate, no non-character. */
  private static boolean isUnicodeScalar(long code) {
    return code < 0x110000 && (code & 0xFFFFF800L) != 0xD800 && !(code >= 0xFDD0 && code <= 0xFDEF)
        && (code & 0xFFFE) != 0xFFFE;
  }

  /** The word's bytes as a string, when they are UTF-8 of valid characters, as sd-bus demands. */
  private static String utf8(String property, String value, ByteArrayOutputStream word) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(word.toByteArray())).toString();
      if (text.codePoints().allMatch(Values::isUnicodeScalar)) {
        return text;
      }
    } catch (CharacterCodingException e) {
      // refused below
    }
    throw invalid(property, value, "escapes that make UTF-8 text, as D-Bus strings must be");
  }
}
