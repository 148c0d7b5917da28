package dev.confine;

/**
 * A property assignment, unit name or command was rejected before anything was sent to systemd.
 * The message names the offending thing and what is expected instead, on one line.
 */
public class InvalidPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidPropertyException(String message) {
    super(oneLine(message));
  }

  /**
   * The message with the control characters it quotes from the input escaped, as systemd's
   * cescape() shows them: a value with a line break in it must not break the message.
   */
  private static String oneLine(String message) {
    StringBuilder line = new StringBuilder(message.length());
    message.codePoints().forEach(c -> {
      switch (c) {
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        case '\t' -> line.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            line.append(c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
          } else {
            line.appendCodePoint(c);
          }
        }
      }
    });
    return line.toString();
  }
}
