package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
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
      assertTrue(name.matches("confine-[0-9a-f]{32}\\.(scope|service)"), name);
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
}
