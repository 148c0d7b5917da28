package dev.confine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BackgroundTintTest {
  private static String paint(BackgroundTint tint, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return new String(tint.paint(bytes, bytes.length), StandardCharsets.ISO_8859_1);
  }

  @Test
  void everyLineAndEveryResetGetsTheColorBack() {
    BackgroundTint tint = new BackgroundTint("41");
    assertEquals("\u001b[41m\u001b[K", new String(tint.start(), StandardCharsets.US_ASCII));
    assertEquals("a\n\u001b[41m\u001b[Kb", paint(tint, "a\nb"));
    assertEquals("\u001b[1;31mred\u001b[0;41m \u001b[;41m \u001b[49;41m", paint(tint, "\u001b[1;31mred\u001b[0m \u001b[m \u001b[49m"));
    assertEquals("\u001b[2J\u001bc", paint(tint, "\u001b[2J\u001bc"));
  }

  @Test
  void aSequenceSplitAcrossReadsIsPaintedWhole() {
    BackgroundTint tint = new BackgroundTint("48;5;17");
    assertEquals("x", paint(tint, "x\u001b["));
    assertEquals("\u001b[0;48;5;17m", paint(tint, "0m"));
  }

  @Test
  void onlySgrParametersAreAColor() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BackgroundTint("red"));
    assertEquals("invalid value for --background: 'red' (expected ANSI SGR parameters, such as 41 or 48;5;17)",
        e.getMessage());
  }
}
