package dev.confine.cli;

import java.io.ByteArrayOutputStream;

/**
 * {@code --background=COLOR}: paints the service's output on a background color, as systemd-run's
 * pty forwarder does. The color is set at the start and after every newline (with erase to end
 * of line, so whole lines take it), and put back after every SGR sequence that resets it.
 */
final class BackgroundTint {
  private static final int ESC = 0x1b;

  private enum State { TEXT, ESCAPE, CONTROL_SEQUENCE }

  private final byte[] tint;
  private final String color;
  private State state = State.TEXT;
  private final StringBuilder sequence = new StringBuilder();

  /** {@code color}: SGR parameters such as {@code 41} or {@code 48;5;17}. */
  BackgroundTint(String color) {
    this.color = check(color);
    this.tint = ("\u001b[" + color + "m\u001b[K").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The --background value, or an exception naming what is wrong with it. */
  static String check(String color) {
    if (!color.matches("[0-9]+(;[0-9]+)*")) {
      throw new IllegalArgumentException("invalid value for --background: '" + color
          + "' (expected ANSI SGR parameters, such as 41 or 48;5;17)");
    }
    return color;
  }

  /** What goes to the terminal first. */
  byte[] start() {
    return tint.clone();
  }

  /** What goes to the terminal last: normal colors again, to the end of the line. */
  static byte[] end() {
    return "\u001b[0m\u001b[K".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The service's output, painted. */
  byte[] paint(byte[] buffer, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 16);
    for (int i = 0; i < length; i++) {
      int b = buffer[i] & 0xff;
      switch (state) {
        case TEXT -> {
          if (b == ESC) {
            state = State.ESCAPE;
          } else {
            out.write(b);
            if (b == '\n') {
              out.writeBytes(tint);
            }
          }
        }
        case ESCAPE -> {
          if (b == '[') {
            state = State.CONTROL_SEQUENCE;
            sequence.setLength(0);
          } else {
            out.write(ESC);
            out.write(b);
            state = State.TEXT;
          }
        }
        case CONTROL_SEQUENCE -> {
          if (b >= 0x40 && b <= 0x7e) {
            String parameters = sequence.toString();
            out.writeBytes(("\u001b[" + parameters).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            if (b == 'm' && resetsBackground(parameters)) {
              out.writeBytes((";" + color).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            out.write(b);
            state = State.TEXT;
          } else {
            sequence.append((char) b);
          }
        }
      }
    }
    return out.toByteArray();
  }

  private static boolean resetsBackground(String parameters) {
    for (String parameter : parameters.split(";", -1)) {
      if (parameter.isEmpty() || parameter.equals("0") || parameter.equals("49")) {
        return true;
      }
    }
    return false;
  }
}
