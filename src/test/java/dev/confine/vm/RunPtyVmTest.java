package dev.confine.vm;

import static dev.confine.vm.Guest.confineInProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code confine run --pty} and {@code --shell}: the service on a new pseudo-terminal that confine
 * connects to its own, as {@code systemd-run --pty}. confine sits on a terminal of script(1), on
 * systemd 252 and 257, as a user (the terminal is confine's side, the same for either manager,
 * and each case is a JVM start, seconds under emulation), and through {@code -M .host} as root.
 * The pseudo-terminal needs Java 21 or later: where
 * the guest's own JVM is older (bookworm's 17), confine runs on the host's newer JDK, which
 * run-vm.sh shares at /opt/jdk when the host has one; without it, each case checks what a user of
 * that JVM sees instead: one clear line, status 1, nothing started. The guest's own older JVM
 * must refuse that way in any case.
 */
@Tag("vm")
class RunPtyVmTest {
  private static final boolean OWN_JVM_CAN = Runtime.version().feature() >= 21;
  /** JAVA_HOME for confine on a pseudo-terminal: "" for the guest's own, null if no JVM here can. */
  private static final String PTY_JAVA = OWN_JVM_CAN ? ""
      : Files.isExecutable(Path.of("/opt/jdk/bin/java")) ? "/opt/jdk" : null;

  /** Runs a shell command line on a terminal of script(1); {@code confine run} in it is bin/confine's. */
  static Result onTerminal(String commandLine, Map<String, String> environment) throws Exception {
    Map<String, String> env = new HashMap<>(environment);
    env.putIfAbsent("TERM", "xterm-confine");
    env.putAll(ptyEnvironment());
    String script = "stty rows 31 cols 97; " + commandLine.replace("confine run", Guest.CONFINE + " run");
    return Guest.run(env, "", List.of("script", "-qec", "sh -c '" + script.replace("'", "'\\''") + "'", "/dev/null"));
  }

  @Test
  @Tag("vm-user")
  void theServiceRunsOnATerminalOfItsOwnSizedLikeThisOne() throws Exception {
    Result result = onTerminal("before=$(stty -g); confine run -t -q -- sh -c '"
        + "tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-three-ttys; echo term=$TERM; stty size; exit 5';"
        + " status=$?; [ \"$(stty -g)\" = \"$before\" ] && echo terminal-restored; echo status=$status",
        Map.of());
    String out = result.out().replace("\r", "");
    if (refusedForItsJava(result)) {
      return;
    }
    assertTrue(out.contains("/dev/pts/"), result::toString);
    assertTrue(out.contains("all-three-ttys"), result::toString);
    assertTrue(out.contains("term=xterm-confine"), result::toString);
    assertTrue(out.contains("31 97"), result::toString);
    assertTrue(!out.contains("WARNING"), "no JVM warning about native access: " + result);
    assertTrue(out.contains("terminal-restored"), result::toString);
    assertTrue(out.contains("status=5"), result::toString);
  }

  @Test
  @Tag("vm-user")
  void backgroundPaintsTheServicesLines() throws Exception {
    Result result = onTerminal("confine run -t -q --background=44 -- printf 'one\\ntwo\\n'", Map.of());
    String out = result.out().replace("\r", "");
    if (refusedForItsJava(result)) {
      return;
    }
    assertTrue(out.contains("\u001b[44m\u001b[Kone\n\u001b[44m\u001b[Ktwo\n"), result::toString);
    assertTrue(out.contains("\u001b[0m\u001b[K"), "normal colors again at the end: " + result);
  }

  @Test
  @Tag("vm-user")
  void keystrokesReachTheService() throws Exception {
    // script's stdin is its terminal's input: the service reads it through confine.
    Result result = Guest.run(ptyEnvironment(), "hello\n", List.of("script", "-qec",
        Guest.CONFINE + " run -t -q -- sh -c 'read line; echo got:$line'", "/dev/null"));
    if (refusedForItsJava(result)) {
      return;
    }
    assertTrue(result.out().replace("\r", "").contains("got:hello"), result::toString);
    assertEquals(0, result.status(), result::toString);
  }

  /** TEST-74's {@code systemd-run --wait --machine=.host --pty true}: the terminal through the bridge. */
  @Test
  @Tag("vm-root")
  void machineDotHostRunsOnATerminal() throws Exception {
    Result result = onTerminal("confine run --wait -q --machine=.host --pty -- sh -c '"
        + "[ -t 0 ] && [ -t 1 ] && echo on-a-tty; exit 6'; echo status=$?", Map.of());
    if (refusedForItsJava(result)) {
      return;
    }
    String out = result.out().replace("\r", "");
    assertTrue(out.contains("on-a-tty"), result::toString);
    assertTrue(out.contains("status=6"), result::toString);
  }

  @Test
  @Tag("vm-user")
  void shellStartsTheUsersShellAndPassesItsStatus() throws Exception {
    Result withCommand = confineInProcess("run", "--shell", "--", "true");
    assertEquals(2, withCommand.status(), withCommand::toString);
    assertTrue(withCommand.err().contains("if --shell is used, no command line is expected"), withCommand::toString);
    // script(1) itself runs $SHELL: the shell for confine is set on the command line inside.
    Result fine = onTerminal("SHELL=/bin/true confine run -S -q; echo status=$?", Map.of());
    if (refusedForItsJava(fine)) {
      return;
    }
    assertTrue(fine.out().contains("status=0"), fine::toString);
    Result failing = onTerminal("SHELL=/bin/false confine run -S -q; echo status=$?", Map.of());
    assertTrue(failing.out().contains("status=1"), failing::toString);
    Result inScope = onTerminal("SHELL=/bin/true confine run --scope -S -q; echo status=$?", Map.of());
    assertTrue(inScope.out().contains("status=0"), inScope::toString);
  }

  @Test
  @Tag("vm-user")
  void withoutATerminalPtyAndPipeMeanPipe() throws Exception {
    Result result = Guest.run(ptyEnvironment(), "piped\n",
        List.of(Guest.CONFINE.toString(), "run", "-t", "-P", "-q", "--", "sh", "-c", "[ -t 0 ] || cat"));
    assertEquals(0, result.status(), result::toString);
    assertEquals("piped\n", result.out(), result::toString);
  }

  @Test
  @Tag("vm-user")
  void anOlderJavaIsRefusedWithAClearLine() throws Exception {
    if (OWN_JVM_CAN) {
      return;
    }
    // The guest's own JVM, on a terminal.
    Result result = Guest.run(Map.of(), "", List.of("script", "-qec", Guest.CONFINE + " run -t -- true", "/dev/null"));
    assertTrue(result.out().contains("needs Java 21 or later"), result::toString);
    assertTrue(!result.out().contains("Exception"), result::toString);
  }

  /**
   * The shared JDK runs without bin/confine's class-data archive: making one for it (measured: 50 s
   * under emulation) costs more than the few starts here save.
   */
  private static Map<String, String> ptyEnvironment() {
    return PTY_JAVA == null || PTY_JAVA.isEmpty() ? Map.of() : Map.of("JAVA_HOME", PTY_JAVA, "CONFINE_CDS", "off");
  }

  /**
   * Where no JVM here can open a pseudo-terminal: checks that confine said so in one line and
   * started nothing, and returns true (the case has nothing more to check).
   */
  static boolean refusedForItsJava(Result result) {
    if (PTY_JAVA != null) {
      return false;
    }
    String out = result.out().replace("\r", "");
    assertTrue(out.contains("needs Java 21 or later"), result::toString);
    assertTrue(!out.contains("Exception") && !out.contains("Running as unit"), result::toString);
    return true;
  }
}
