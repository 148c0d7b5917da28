package dev.confine;

import java.util.Locale;

/** Which processes of a unit a signal goes to, as {@code systemctl kill --kill-whom=}. */
public enum KillWhom {
  /** The main process of a service. */
  MAIN,
  /** The process running a service's ExecStartPre=, ExecStop= … command, if any. */
  CONTROL,
  /** Every process in the unit's cgroup. */
  ALL;

  /**
   * The target {@code systemctl kill --kill-whom=} names: {@code main}, {@code control} or
   * {@code all}.
   *
   * @throws InvalidPropertyException for any other word
   */
  public static KillWhom of(String name) {
    for (KillWhom whom : values()) {
      if (whom.wireName().equals(name)) {
        return whom;
      }
    }
    throw new InvalidPropertyException("invalid value for --kill-whom: '" + name + "' (expected main, control or all)");
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
