package dev.confine.cli;

import dev.confine.InvalidPropertyException;
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

  static boolean allStandardStreamsAreTerminals() {
    return isTerminal(0) && isTerminal(1) && isTerminal(2);
  }

  /**
   * The shell for --shell, as systemd-run picks it: {@code $SHELL} if it is an absolute path,
   * else the user's passwd entry (as NSS knows it), else /bin/sh.
   */
  static String loginShell() {
    String shell = System.getenv("SHELL");
    if (shell != null && shell.startsWith("/") && Files.isExecutable(Path.of(shell))) {
      return shell;
    }
    try {
      String own = ScopePayload.Account.of(System.getProperty("user.name")).shell();
      return own.startsWith("/") ? own : "/bin/sh";
    } catch (InvalidPropertyException e) {
      return "/bin/sh";
    }
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
