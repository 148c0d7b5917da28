package dev.confine;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Unit-name rules of systemd's {@code unit_name_is_valid}, and confine's generated names. */
final class UnitNames {
  /** systemd's limit: names are shorter than 256 bytes. */
  private static final int MAX_LENGTH = 255;

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:_.\\\\-]+(@[A-Za-z0-9:_.\\\\-]+)?");
  private static final String UNIT_SUFFIXES =
      "\\.(service|scope|slice|socket|timer|target|mount|path|swap|device|automount)";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Where systemd puts its units' objects. */
  static final String UNITS_PATH = "/org/freedesktop/systemd1/unit";

  private UnitNames() {}

  /**
   * A name for a new unit: {@code confine-<32 hex>.scope|service}, the form the polkit rules in
   * {@code polkit/} match.
   */
  static String generate(UnitType type) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "confine-" + HexFormat.of().formatHex(bytes) + type.suffix();
  }

  /**
   * Checks a user-given name and adds the type suffix when it has none, as systemd-run does:
   * {@code build} becomes {@code build.scope}.
   */
  static String complete(String name, String suffix, String what) {
    String full = name.endsWith(suffix) ? name : name + suffix;
    String prefix = full.substring(0, full.length() - suffix.length());
    if (typeSuffixAt(name) > 0 && !name.endsWith(suffix)) {
      throw new InvalidPropertyException(
          "invalid " + what + " '" + name + "': expected a " + suffix.substring(1) + " unit name");
    }
    if (!isValidPrefix(prefix, full)) {
      throw new InvalidPropertyException(
          "invalid " + what + " '" + name + "': use letters, digits and :_.-\\ (at most "
              + MAX_LENGTH + " characters), e.g. build" + suffix);
    }
    if (suffix.equals(".slice") && (prefix.contains("@") || prefix.startsWith("-") && !prefix.equals("-")
        || prefix.endsWith("-") && !prefix.equals("-") || prefix.contains("--"))) {
      throw new InvalidPropertyException(
          "invalid " + what + " '" + name + "': slice names have no '@' and no leading, trailing or"
              + " double '-'");
    }
    return full;
  }

  /**
   * Checks the name of an existing unit as systemd's unit_name_is_valid() would: a name with its
   * type suffix ({@code build.service}, {@code web.socket}) or without ({@code build}).
   */
  static void check(String name) {
    int dot = typeSuffixAt(name);
    if (!isValidPrefix(dot > 0 ? name.substring(0, dot) : name, name)) {
      throw new InvalidPropertyException("invalid unit name '" + name + "': use letters, digits and"
          + " :_.-\\ (at most " + MAX_LENGTH + " characters), with or without a suffix such as .service");
    }
  }

  /** Whether systemd takes this as a whole unit name, type suffix included (unit_name_is_valid). */
  static boolean isValid(String name) {
    int dot = typeSuffixAt(name);
    return dot > 0 && isValidPrefix(name.substring(0, dot), name);
  }

  /** Where a unit type suffix ({@code .service} … {@code .automount}) starts in the name, or -1. */
  private static int typeSuffixAt(String name) {
    int dot = name.lastIndexOf('.');
    return dot >= 0 && name.substring(dot).matches(UNIT_SUFFIXES) ? dot : -1;
  }

  /**
   * A plain or instance name ({@code build}, {@code getty@tty1}) before the type suffix, in a
   * whole name no longer than systemd allows.
   */
  private static boolean isValidPrefix(String prefix, String whole) {
    return whole.length() <= MAX_LENGTH && PREFIX.matcher(prefix).matches();
  }

  /**
   * The object path systemd gives a unit, as its unit_dbus_path() does with sd_bus_path_encode:
   * every byte but an ASCII letter or digit becomes {@code _xx}, a leading digit too, and an
   * empty name is {@code _}; so {@code x-y.service} is {@code .../unit/x_2dy_2eservice}.
   */
  static String objectPath(String unit) {
    StringBuilder path = new StringBuilder(UNITS_PATH).append('/');
    if (unit.isEmpty()) {
      return path.append('_').toString();
    }
    byte[] bytes = unit.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean letter = b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z';
      boolean laterDigit = i > 0 && b >= '0' && b <= '9';
      if (letter || laterDigit) {
        path.append((char) b);
      } else {
        path.append('_').append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
      }
    }
    return path.toString();
  }

  /**
   * The unit an object path stands for: {@code /org/freedesktop/systemd1/unit/x_2dy_2eservice}
   * is {@code x-y.service} (sd-bus escapes every byte but letters and digits as _XX).
   */
  static String fromObjectPath(String path) {
    String escaped = path.substring(path.lastIndexOf('/') + 1);
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '_' && i + 2 < escaped.length()) {
        name.append((char) Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        name.append(c);
      }
    }
    return name.toString();
  }
}
