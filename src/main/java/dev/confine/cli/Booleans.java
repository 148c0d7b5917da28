package dev.confine.cli;

import java.util.Set;
import picocli.CommandLine;

/** A boolean option's value in every spelling systemd's parse_boolean() takes. */
final class Booleans implements CommandLine.ITypeConverter<Boolean> {
  private static final Set<String> TRUE = Set.of("1", "yes", "y", "true", "t", "on");
  private static final Set<String> FALSE = Set.of("0", "no", "n", "false", "f", "off");

  @Override
  public Boolean convert(String value) {
    String word = value.toLowerCase(java.util.Locale.ROOT);
    if (TRUE.contains(word) || FALSE.contains(word)) {
      return TRUE.contains(word);
    }
    throw new CommandLine.TypeConversionException("'" + value + "' is not a boolean");
  }
}
