package dev.confine;

/** Which systemd instance to talk to. */
public enum Manager {
  /** The calling user's manager, {@code user@UID.service}, on the user bus. */
  USER,
  /** The system manager (PID 1), on the system bus. */
  SYSTEM;

  /**
   * confine's default: the system manager for root, else the caller's own user manager.
   * ({@code systemd-run} defaults to the system manager for everyone; an unprivileged caller can
   * start nothing there without a polkit grant, while its own manager takes limits it has
   * delegated.)
   */
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
