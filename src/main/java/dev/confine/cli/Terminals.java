package dev.confine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether confine's standard streams are terminals, without native code: by what they open. */
final class Terminals {
  private Terminals() {}

  static boolean anyStandardStreamIsTerminal() {
    for (int fd = 0; fd <= 2; fd++) {
      if (isTerminal(fd)) {
        return true;
      }
    }
    return false;
  }

  /** A pseudo-terminal, a virtual console, a serial line or the console, as /proc tells. */
  static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
