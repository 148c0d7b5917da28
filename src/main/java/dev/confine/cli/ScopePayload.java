package dev.confine.cli;

import dev.confine.InvalidPropertyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What systemd-run does to a scope's command before it executes it itself: {@code --uid},
 * {@code --gid} and {@code --nice} (here through setpriv(1) and nice(1), which a JVM's child
 * cannot do for itself), and the expansion of {@code $VAR} and {@code ${VAR}}, as systemd does for
 * services.
 */
final class ScopePayload {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?}");
  private static final Pattern WHOLE_WORD = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");

  private ScopePayload() {}

  /**
   * The command line to start, with identity and nice level changes in front; {@code environment}
   * is the one the command gets, which its {@code $VAR} words expand from.
   */
  static List<String> command(List<String> command, Map<String, String> environment,
      boolean expand, Account user, String group, String nice) {
    List<String> result = new ArrayList<>();
    if (user != null || group != null) {
      result.add("setpriv");
      if (user != null) {
        result.add("--reuid=" + user.name());
      }
      result.add("--regid=" + (group != null ? group : user.group()));
      result.add(user != null ? "--init-groups" : "--keep-groups");
      result.add("--");
    }
    if (nice != null) {
      int change = niceLevel(nice) - ownNiceLevel();
      // nice(1) would only warn and run the command anyway; systemd-run fails, and so does confine.
      if (change < 0 && new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
        throw new InvalidPropertyException("--nice=" + nice + ": a lower nice level than this"
            + " process's own needs root (CAP_SYS_NICE)");
      }
      result.addAll(List.of("nice", "-n", Integer.toString(change), "--"));
    }
    if (!expand) {
      result.addAll(command);
      return result;
    }
    result.addAll(expand(command, environment));
    return result;
  }

  /** A user's passwd entry, as --uid needs it: name, primary group ID, home and shell. */
  record Account(String name, String group, String home, String shell) {
    /** Looks up a user name or UID with getent(1), as NSS knows them. */
    static Account of(String user) {
      String[] entry = passwd(user);
      return new Account(entry[0], entry[3], entry[5], entry[6]);
    }

    /** The environment systemd-run gives a command run as this user. */
    Map<String, String> environment() {
      return Map.of("HOME", home, "SHELL", shell, "USER", name, "LOGNAME", name);
    }
  }

  /** A nice level as systemd's parse_nice() takes it: a whole number from -20 to 19. */
  static int niceLevel(String nice) {
    try {
      int level = Integer.parseInt(nice.trim());
      if (level >= -20 && level <= 19) {
        return level;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new InvalidPropertyException("invalid value for --nice: '" + nice + "' (expected -20 to 19)");
  }

  /**
   * Expands the command line as systemd does ExecStart=: a word that is just {@code $NAME}
   * becomes the value's words (none when unset), {@code ${NAME}} in a word becomes the value
   * (empty when unset), {@code ${NAME:-DEFAULT}} and {@code ${NAME:+ALTERNATE}} as in a shell,
   * and {@code $$} a single {@code $}.
   */
  static List<String> expand(List<String> command, Map<String, String> environment) {
    List<String> expanded = new ArrayList<>();
    for (String word : command) {
      Matcher whole = WHOLE_WORD.matcher(word);
      if (whole.matches()) {
        String value = environment.getOrDefault(whole.group(1), "");
        for (String part : value.trim().split("\\s+")) {
          if (!part.isEmpty()) {
            expanded.add(part);
          }
        }
        continue;
      }
      expanded.add(REFERENCE.matcher(word).replaceAll(reference -> {
        if (reference.group().equals("$$")) {
          return "\\$";
        }
        String value = environment.get(reference.group(1));
        String operator = reference.group(2);
        String replacement = operator == null ? (value == null ? "" : value)
            : operator.equals(":-") ? (value == null || value.isEmpty() ? reference.group(3) : value)
            : (value == null || value.isEmpty() ? "" : reference.group(3));
        return Matcher.quoteReplacement(replacement);
      }));
    }
    return expanded;
  }

  /** This process's own nice level (field 19 of /proc/self/stat), from which nice(1) counts. */
  private static int ownNiceLevel() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      // The command name in parentheses may hold spaces: count fields after its closing one.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(fields[16]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The passwd entry of a user name or UID: name, password, uid, gid, gecos, home, shell. */
  private static String[] passwd(String user) {
    try {
      Process getent = new ProcessBuilder("getent", "passwd", user).redirectErrorStream(true).start();
      String line = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      String[] fields = line.split(":", -1);
      if (getent.waitFor() != 0 || fields.length < 7) {
        throw new InvalidPropertyException("--uid: no such user '" + user + "'");
      }
      return fields;
    } catch (IOException e) {
      throw new InvalidPropertyException("--uid: cannot look up user '" + user + "': " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidPropertyException("--uid: interrupted while looking up user '" + user + "'");
    }
  }
}
