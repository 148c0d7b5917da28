package dev.confine;

/**
 * The environment variable names and assignments systemd accepts (its env_name_is_valid and
 * env_assignment_is_valid): a name of ASCII letters, digits and '_' that does not start with a
 * digit. A service's {@code Environment=} with anything else is refused by systemd, so confine
 * refuses it first, and so can a command line that sets variables.
 */
public final class EnvironmentVariables {
  /** ARG_MAX for the default 8 MiB stack, which bounds one variable as systemd checks it. */
  private static final int ARG_MAX = 2 * 1024 * 1024;

  private EnvironmentVariables() {}

  /** Whether systemd takes this as a variable name. */
  public static boolean isValidName(String name) {
    if (name.isEmpty() || name.length() > ARG_MAX - 2 || Character.isDigit(name.charAt(0))) {
      return false;
    }
    return name.chars().allMatch(c -> c == '_' || (c < 128 && Character.isLetterOrDigit(c)));
  }

  /** Whether systemd takes this as {@code NAME=VALUE}: a valid name, then '=' and any value. */
  public static boolean isValidAssignment(String assignment) {
    int eq = assignment.indexOf('=');
    return eq >= 0 && isValidName(assignment.substring(0, eq)) && assignment.length() <= ARG_MAX - 1;
  }
}
