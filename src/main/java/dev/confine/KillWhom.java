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

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
