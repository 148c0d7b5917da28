package dev.confine;

import dev.confine.PropertyTable.Assignment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One command of ExecStart= and its family as systemd-run sends it (bus_append_exec_command):
 * the executable, the arguments from argv[0] on, and the flags of its prefixes.
 */
record ExecCommand(String path, List<String> argv, Set<ExecCommand.Flag> flags) {

  /** The prefix flags, in the order of systemd's ExecCommandFlags, with their ExecXEx names. */
  enum Flag {
    /** {@code -}: a failure counts as success. */
    IGNORE_FAILURE("ignore-failure"),
    /** {@code +}: without the sandbox and the user change. */
    PRIVILEGED("privileged"),
    /** {@code !}: without the user change. */
    NO_SETUID("no-setuid"),
    /** {@code !!}: like {@code !} where ambient capabilities are missing. */
    AMBIENT("ambient"),
    /** {@code :}: no {@code $VAR} expansion. */
    NO_ENV_EXPAND("no-env-expand");

    private final String wireName;

    Flag(String wireName) {
      this.wireName = wireName;
    }
  }

  /** The flags that say whether the command changes user: {@code +}, {@code !} and {@code !!}. */
  private static final Set<Flag> PRIVILEGE = EnumSet.of(Flag.PRIVILEGED, Flag.NO_SETUID, Flag.AMBIENT);

  ExecCommand {
    argv = List.copyOf(argv);
    flags = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
  }

  /**
   * A unit-file command line as systemd-run reads it: the prefixes {@code - @ : + ! !!}, each at
   * most once, then words split as {@link Values#commandWords} does; after {@code @} the first
   * word is the executable and the next argv[0]. A line of no arguments (empty, or just
   * prefixes) is sent as no command, which empties the list; {@code @} and an executable alone
   * is refused.
   */
  static Assignment parse(String property, String value) {
    // ExecStartPreEx= and the like: the same list, always sent in the Ex form.
    boolean exNamed = property.endsWith("Ex");
    String list = exNamed ? property.substring(0, property.length() - 2) : property;
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    boolean explicitPath = false;
    int start = 0;
    for (; start < value.length(); start++) {
      char prefix = value.charAt(start);
      boolean taken = switch (prefix) {
        case '-' -> flags.add(Flag.IGNORE_FAILURE);
        case ':' -> flags.add(Flag.NO_ENV_EXPAND);
        case '+' -> Collections.disjoint(flags, PRIVILEGE) && flags.add(Flag.PRIVILEGED);
        // A second ! turns "no setuid" into "ambient"; after + or !! it is part of the path.
        case '!' -> !flags.contains(Flag.PRIVILEGED) && !flags.contains(Flag.AMBIENT)
            && (flags.remove(Flag.NO_SETUID) ? flags.add(Flag.AMBIENT) : flags.add(Flag.NO_SETUID));
        case '@' -> {
          boolean first = !explicitPath;
          explicitPath = true;
          yield first;
        }
        default -> false;
      };
      if (!taken) {
        break;
      }
    }
    List<String> argv = new ArrayList<>(Values.commandWords(property, value.substring(start)));
    String path = explicitPath && !argv.isEmpty() ? argv.remove(0) : null;
    if (path != null && argv.isEmpty()) {
      // systemd-run 252 and 257 abort on it (an assertion in strv_split_full), 258 refuses it.
      throw Values.invalid(property, value, "after @ the executable and then its argv[0]");
    }
    if (argv.isEmpty()) {
      return encode(list, flags, List.of(), exNamed);
    }
    path = path == null ? argv.get(0) : path;
    if (!path.startsWith("/") && !Values.isValidFilename(path)) {
      throw Values.invalid(property, value, "an absolute path or a file name to search in PATH as"
          + " the executable, after the prefixes - @ : + ! !!; '" + path + "' is neither");
    }
    return encode(list, flags, List.of(new ExecCommand(path, argv, flags)), exNamed);
  }

  /** The command as {@code property}, or its Ex form when a flag needs it. */
  Assignment assignment(String property) {
    return encode(property, flags, List.of(this), false);
  }

  /**
   * Commands sent as {@code property} {@code a(sasb)}, the boolean saying "ignore failure", or,
   * when another flag is set or the Ex form was asked for, as {@code propertyEx} {@code a(sasas)}
   * with the flags' names, as systemd-run upgrades them.
   */
  private static Assignment encode(String property, Set<Flag> flags, List<ExecCommand> commands, boolean exAsked) {
    boolean ex = exAsked || flags.stream().anyMatch(flag -> flag != Flag.IGNORE_FAILURE);
    List<List<Object>> elements = commands.stream()
        .map(command -> List.of(command.path, command.argv, ex
            ? command.flags.stream().map(flag -> flag.wireName).toList()
            : command.flags.contains(Flag.IGNORE_FAILURE)))
        .toList();
    return ex ? new Assignment(property + "Ex", "a(sasas)", elements)
        : new Assignment(property, "a(sasb)", elements);
  }

  /** Whether an assignment is the Ex form of an exec command property. */
  static boolean isEx(Assignment assignment) {
    return assignment.signature().equals("a(sasas)");
  }

  /**
   * The first systemd that takes the Ex form of a service's exec property: 243 for ExecStart and
   * its Pre and Post, 244 for the others.
   */
  static int exSince(String property) {
    String list = property.endsWith("Ex") ? property.substring(0, property.length() - 2) : property;
    return List.of("ExecStart", "ExecStartPre", "ExecStartPost").contains(list) ? 243 : 244;
  }
}
