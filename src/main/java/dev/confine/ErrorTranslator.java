package dev.confine;

/** Turns a D-Bus error from systemd into confine's exceptions, with what to do about it. */
final class ErrorTranslator {
  private ErrorTranslator() {}

  static SystemdException translate(String name, String text, String member, Manager manager) {
    String what = text.isEmpty() ? name : text;
    switch (name) {
      case "org.freedesktop.systemd1.UnitExists":
        return new UnitExistsException(
            what + " Choose another unit name, or stop and clear the old one: systemctl"
                + manager.systemctlFlag() + " stop/reset-failed NAME",
            name, null);
      case "org.freedesktop.systemd1.NoSuchUnit":
        return new NoSuchUnitException(what, name, null);
      case "org.freedesktop.DBus.Error.AccessDenied":
      case "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired":
        return new AccessDeniedException(
            "the " + manager.description() + " refused " + member + ": " + what
                + (manager == Manager.SYSTEM
                    ? " Run as root, use the user manager (--user), or grant a polkit rule (see"
                        + " polkit/ in confine's sources)."
                    : ""),
            name, null);
      case "org.freedesktop.DBus.Error.InvalidArgs":
      case "org.freedesktop.DBus.Error.PropertyReadOnly":
      case "org.freedesktop.DBus.Error.UnknownProperty":
        return new InvalidArgumentException("systemd rejected " + member + ": " + what, name, null);
      case "org.freedesktop.DBus.Error.ServiceUnknown":
      case "org.freedesktop.DBus.Error.NameHasNoOwner":
        return new BusUnreachableException(
            "no systemd answers on the " + manager.description() + " bus: " + what
                + manager.reachabilityHint(),
            name, null);
      case "org.freedesktop.DBus.Error.NoReply":
      case "org.freedesktop.DBus.Error.Timeout":
      case "org.freedesktop.DBus.Error.TimedOut":
        return new SystemdTimeoutException("systemd did not answer " + member + ": " + what, name, null);
      default:
        return new SystemdException(member + " failed: " + what + " (" + name + ")", name, null);
    }
  }
}
