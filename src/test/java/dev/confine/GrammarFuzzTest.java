package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.PropertyTable.Assignment;
import dev.confine.PropertyTable.Property;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.MessageFactory;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.constants.Endian;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;

/**
 * Generated input for the {@code -p} grammar and for unit names: whatever comes in, the answer is
 * a value or one clear refusal, never another exception; and every value taken crosses the wire
 * as its signature says and arrives unchanged. Each run draws new input from a fresh seed, which a
 * failure names: {@code -Dconfine.fuzz.seed=N} replays it.
 */
class GrammarFuzzTest {
  private static final int TRIES = 20_000;
  /** The pieces unit-file values are made of, so that many generated values are taken. */
  private static final List<String> TOKENS = List.of("0", "1", "7", "64", "100", "512", "65535",
      "4294967295", "18446744073709551615", "-1", "1.5", ".5", "K", "M", "G", "T", "%", "s", "ms",
      "us", "min", "h", "d", "infinity", "yes", "no", "true", "off", "/", "/dev/null", "/tmp", "x",
      ":", ",", ";", " ", "\t", "=", "-", "+", "~", "@", "*", "!", "AF_INET", "tcp", "ipv4",
      "CAP_SYS_ADMIN", "r", "rw", "rwm", "all", "none", "SIGKILL", "EPERM", "@system-service",
      "cpu", "memory", "8:0", "/dev/sda", "127.0.0.1", "::1", "any", "root", "\u00e4", "\\", "\"");
  /** What unit names are made of (and the escapes systemd-escape makes, \\x2d). */
  private static final String NAME_CHARS = "abz09-_.:\\";

  @Test
  void everyValueIsTakenOrRefusedInOneLine() {
    fuzz(random -> {
      Property property = PropertyTable.ALL.get(random.nextInt(PropertyTable.ALL.size()));
      List<UnitType> types = List.copyOf(property.types());
      UnitType type = types.get(random.nextInt(types.size()));
      String value = value(random);
      List<Assignment> assignments;
      try {
        assignments = PropertyTable.parseAssignment(property.name(), value, type);
      } catch (InvalidPropertyException | UnsupportedPropertyException e) {
        assertOneLine(e.getMessage());
        return property.name() + "=" + value + " refused";
      }
      assignments.forEach(GrammarFuzzTest::assertCrossesTheWireUnchanged);
      return property.name() + "=" + value + " taken";
    });
  }

  @Test
  void everyUnitNameIsTakenOrRefusedInOneLine() {
    fuzz(random -> {
      String stem = switch (random.nextInt(3)) {
        case 0 -> anyString(random, 20);
        case 1 -> fromChars(random, NAME_CHARS + " \u00e4/@", 260);
        default -> fromChars(random, NAME_CHARS, 260);
      };
      String name = stem + List.of("", ".service", ".scope").get(random.nextInt(3));
      try {
        Systemd.checkUnitName(name);
      } catch (InvalidPropertyException e) {
        assertOneLine(e.getMessage());
        return name + " refused";
      }
      assertEquals(name, UnitNames.fromObjectPath(UnitNames.objectPath(name)));
      return name + " taken";
    });
  }

  /**
   * Runs {@code check} on {@link #TRIES} draws; a failure names the seed and the input. At least
   * one draw in ten must be taken, or the wire half would hardly be tested.
   */
  private static void fuzz(Function<Random, String> check) {
    long seed = Long.getLong("confine.fuzz.seed", new Random().nextLong());
    Random random = new Random(seed);
    int taken = 0;
    for (int i = 0; i < TRIES; i++) {
      long drawSeed = random.nextLong();
      try {
        taken += check.apply(new Random(drawSeed)).endsWith(" taken") ? 1 : 0;
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("draw " + i + " of seed " + seed + " (-Dconfine.fuzz.seed=" + seed + "): "
            + e, e);
      }
    }
    assertTrue(taken >= TRIES / 10, "only " + taken + " of " + TRIES + " draws were taken (seed " + seed + ")");
  }

  /** A value for a property: any text, or one made of the pieces values are made of. */
  static String value(Random random) {
    return random.nextBoolean() ? anyString(random, 30) : tokens(random);
  }

  private static String anyString(Random random, int maxLength) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
      text.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x300) : 0x20 + random.nextInt(0x5f));
    }
    return text.toString();
  }

  private static String fromChars(Random random, String chars, int maxLength) {
    StringBuilder text = new StringBuilder();
    for (int i = 1 + random.nextInt(maxLength); i > 0; i--) {
      text.append(chars.charAt(random.nextInt(chars.length())));
    }
    return text.toString();
  }

  private static String tokens(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(7); i > 0; i--) {
      text.append(TOKENS.get(random.nextInt(TOKENS.size())));
    }
    return text.toString();
  }

  private static void assertOneLine(String message) {
    assertFalse(message == null || message.isBlank(), "a refusal says why");
    assertFalse(message.contains("\n"), () -> "one line: " + message);
    assertFalse(message.contains("Exception"), () -> "no Java in it: " + message);
  }

  /** Marshalled as StartTransientUnit marshals a property (sv), then read back from the bytes. */
  private static void assertCrossesTheWireUnchanged(Assignment assignment) {
    Variant<?> sent = WireValues.variant(assignment.value(), assignment.signature());
    Object[] received;
    try {
      MethodCall call = new MessageFactory(Endian.LITTLE).createMethodCall(SystemdBus.DESTINATION,
          SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "Fuzz", (byte) 0, "sv", assignment.name(), sent);
      received = call.getParameters();
    } catch (DBusException e) {
      throw new AssertionError(assignment + " does not cross the wire: " + e, e);
    }
    Variant<?> back = (Variant<?>) received[1];
    assertEquals(assignment.name(), received[0]);
    assertEquals(assignment.signature(), back.getSig(), assignment::toString);
    assertEquals(WireValues.plain(sent.getValue()), WireValues.plain(back.getValue()), assignment::toString);
  }
}
