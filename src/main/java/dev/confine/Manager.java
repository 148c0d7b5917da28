package dev.confine;

/** Which systemd instance to talk to. */
public enum Manager {
  /** The calling user's manager, {@code user@UID.service}, on the user bus. */
  USER,
  /** The system manager (PID 1), on the system bus. */
  SYSTEM;

  /** What {@code systemd-run} picks by default: the system manager for root, else the user's. */
  public static Manager forCurrentUser() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0 ? SYSTEM : USER;
  }

  String description() {
    return this == USER ? "user manager" : "system manager";
  }

  /** Flag selecting this manager for {@code systemctl}, for hints in messages. */
  String systemctlFlag() {
    return this == USER ? " --user" : "";
  }
}
