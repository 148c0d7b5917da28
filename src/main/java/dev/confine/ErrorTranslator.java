package dev.confine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a D-Bus error from systemd into confine's exceptions, with what to do about it. */
final class ErrorTranslator {
  /** systemd's words for a property it does not take: "Cannot set property X, or unknown property." */
  private static final Pattern REFUSED_PROPERTY = Pattern.compile("Cannot set property (\\w+)");

  private ErrorTranslator() {}

  /** The answer of {@code destination}, on the bus of {@code manager}, to a call of {@code member}. */
  static SystemdException translate(String name, String text, String member, Manager manager,
      String destination) {
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
            "the " + manager.description() + " refused " + member + ": " + what + hint(member)
                + (manager == Manager.SYSTEM
                    ? " Run as root, use the user manager (--user), or grant a polkit rule (see"
                        + " polkit/ in confine's sources)."
                    : ""),
            name, null);
      case "org.freedesktop.DBus.Error.PropertyReadOnly":
      case "org.freedesktop.DBus.Error.UnknownProperty":
        Matcher property = REFUSED_PROPERTY.matcher(what);
        return new InvalidArgumentException("systemd rejected " + member + ": " + what
            + (property.find()
                ? " This systemd does not take " + property.group(1) + ", or not on this unit"
                    + " type; confine run -p help lists the versions and unit types of each property."
                : ""),
            name, null);
      case "org.freedesktop.DBus.Error.InvalidArgs":
        return new InvalidArgumentException("systemd rejected " + member + ": " + what + hint(member), name, null);
      case "org.freedesktop.DBus.Error.ServiceUnknown":
      case "org.freedesktop.DBus.Error.NameHasNoOwner":
        return new BusUnreachableException(
            "no " + peer(destination) + " answers on the " + manager.description() + " bus: " + what
                + (destination.equals(SystemdBus.DESTINATION) ? BusDiagnosis.hint(manager) : ""),
            name, null);
      case "org.freedesktop.DBus.Error.NoReply":
      case "org.freedesktop.DBus.Error.Timeout":
      case "org.freedesktop.DBus.Error.TimedOut":
        return new SystemdTimeoutException(peer(destination) + " did not answer " + member + ": " + what,
            name, null);
      default:
        return new SystemdException(member + " failed: " + what + " (" + name + ")", name, null);
    }
  }

  /** Who a destination is, in messages: {@code systemd}, or the bus name of another service. */
  static String peer(String destination) {
    return destination.equals(SystemdBus.DESTINATION) ? "systemd" : destination;
  }

  /** The rules behind a refusal of a method, where they are not obvious. */
  private static String hint(String member) {
    if (member.equals("AttachProcessesToUnit")) {
      return " systemd moves processes only into an active unit that was started with Delegate=yes"
          + " (confine run --scope -p Delegate=yes ...), and a caller that is neither root nor the"
          + " manager's own user may move only processes of the unit's user.";
    }
    return "";
  }
}
