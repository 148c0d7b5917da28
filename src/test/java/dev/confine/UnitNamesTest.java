package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Unit names as systemd's unit_name_is_valid() accepts them, and confine's generated names. */
class UnitNamesTest {

  @ParameterizedTest
  @EnumSource(UnitType.class)
  void generatedNamesHaveTheFormPolkitRulesMatchAndDiffer(UnitType type) {
    String first = UnitNames.generate(type);
    String second = UnitNames.generate(type);

    for (String name : new String[] {first, second}) {
      assertTrue(name.matches("confine-[0-9a-f]{32}\\.(scope|service|timer|path|socket)"), name);
      assertTrue(name.endsWith(type.suffix()), name);
    }
    assertNotEquals(first, second);
  }

  @ParameterizedTest(name = "{0} as {1} -> {2}")
  @CsvSource({
    "build,          .scope,   build.scope",
    "build.scope,    .scope,   build.scope",
    "job1,           .service, job1.service",
    "my:job_2.x\\y-z, .service, my:job_2.x\\y-z.service",
    // A dot alone is no unit type: systemd-run appends the suffix too.
    "v1.2,           .scope,   v1.2.scope",
    "batch,          .slice,   batch.slice",
    "a-b.slice,      .slice,   a-b.slice",
    // "-" is the root slice.
    "-,              .slice,   -.slice",
  })
  void validNameGetsItsSuffix(String name, String suffix, String expected) {
    assertEquals(expected, UnitNames.complete(name, suffix, "unit name"));
  }

  static Stream<Arguments> invalidNames() {
    return Stream.of(
        Arguments.of("x.service", ".scope"),
        Arguments.of("x.slice", ".service"),
        Arguments.of("a/b", ".scope"),
        Arguments.of("has space", ".scope"),
        Arguments.of("", ".scope"),
        Arguments.of(".scope", ".scope"),
        Arguments.of("@x", ".scope"),
        Arguments.of("x@", ".scope"),
        Arguments.of("ümlaut", ".scope"),
        // systemd's limit: the whole name, suffix included, is shorter than 256.
        Arguments.of("a".repeat(256 - ".scope".length()), ".scope"),
        Arguments.of("a".repeat(300), ".scope"),
        Arguments.of("a--b", ".slice"),
        Arguments.of("a-", ".slice"),
        Arguments.of("-a", ".slice"),
        Arguments.of("a@b", ".slice"));
  }

  @ParameterizedTest(name = "\"{0}\" as {1}")
  @MethodSource("invalidNames")
  void invalidNameIsRejectedQuotingIt(String name, String suffix) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> UnitNames.complete(name, suffix, "unit name"));
    assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(UnitType.class)
  void longestValidNameIs255Characters(UnitType type) {
    String name = "a".repeat(255 - type.suffix().length()) + type.suffix();
    assertEquals(name, UnitNames.complete(name, type.suffix(), "unit name"));
  }

  /** systemd's own examples: test-bus-marshal.c (bus_label_escape, sd_bus_path_encode) and unit paths. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "foo123bar                | foo123bar",
    "foo.bar                  | foo_2ebar",
    "foo_2ebar                | foo_5f2ebar",
    "_                        | _5f",
    "1                        | _31",
    ":1                       | _3a1",
    "waldo                    | waldo",
    "dbus.service             | dbus_2eservice",
    "user@1000.service        | user_401000_2eservice",
    "system-getty.slice       | system_2dgetty_2eslice",
    "-.slice                  | _2d_2eslice",
    "dev-disk-by\\x2dlabel.device | dev_2ddisk_2dby_5cx2dlabel_2edevice",
    "0day.scope               | _30day_2escope",
    "confine-0123456789abcdef0123456789abcdef.scope"
        + " | confine_2d0123456789abcdef0123456789abcdef_2escope",
  })
  void objectPathEscapesAsSystemdDoes(String unit, String escaped) {
    String path = UnitNames.objectPath(unit);

    assertEquals("/org/freedesktop/systemd1/unit/" + escaped, path);
    assertEquals(unit, UnitNames.fromObjectPath(path));
  }

  @Test
  void emptyNameIsAnUnderscoreAndBytesAboveAsciiAreEscapedOneByOne() {
    assertEquals("/org/freedesktop/systemd1/unit/_", UnitNames.objectPath(""));
    assertEquals("/org/freedesktop/systemd1/unit/_c3_bc", UnitNames.objectPath("\u00fc"));
  }
}
