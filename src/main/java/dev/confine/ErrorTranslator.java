package dev.confine;

import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a D-Bus error from systemd into confine's exceptions, with what to do about it. */
final class ErrorTranslator {
  /** systemd's words for a property it does not take: "Cannot set property X, or unknown property." */
  private static final Pattern REFUSED_PROPERTY = Pattern.compile("Cannot set property (\\w+)");

  /** The first systemd that tells polkit the name of a transient unit it is asked to start. */
  private static final int NAMES_TRANSIENT_UNITS_TO_POLKIT = 257;

  /** systemd-machined's bus name: it knows the containers (-M NAME). */
  static final String MACHINED = "org.freedesktop.machine1";

  private ErrorTranslator() {}

  /**
   * The exception for the error {@code name} with message {@code text} that {@code destination},
   * on the bus of {@code manager}, sent in answer to {@code member}.
   *
   * @param majorVersion the manager's major version (0 if unknown); asked only when the message
   *     depends on it
   */
  static SystemdException translate(String name, String text, String member, Manager manager,
      String destination, IntSupplier majorVersion) {
    String what = text.isEmpty() ? name : text;
    switch (name) {
      case "org.freedesktop.systemd1.UnitExists":
        return new UnitExistsException(
            what + " Choose another unit name, or stop and clear the old one: systemctl"
                + manager.systemctlFlag() + " stop/reset-failed NAME",
            name, null);
      case "org.freedesktop.systemd1.NoSuchUnit":
        return new NoSuchUnitException(what, name, null);
      case "org.freedesktop.machine1.NoSuchMachine":
        return new InvalidArgumentException(
            sentence(what) + " machinectl list shows the containers systemd-machined knows.", name, null);
      case "org.freedesktop.DBus.Error.AccessDenied":
      case "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired":
        return new AccessDeniedException(
            (destination.equals(SystemdBus.DESTINATION) ? "the " + manager.description() : peer(destination))
                + " refused " + member + ": " + sentence(what) + hint(member)
                + (manager == Manager.SYSTEM ? systemDenial(name, member, majorVersion) : ""),
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
                + (destination.equals(SystemdBus.DESTINATION) ? BusDiagnosis.hint(manager)
                    : destination.equals(MACHINED) ? " Containers need systemd-machined, from the"
                        + " systemd-container package." : ""),
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

  /**
   * Why the system manager refused a caller that is not root, and what to do instead. Apart from
   * AttachProcessesToUnit (an ownership check) and what the bus itself refuses, systemd leaves the
   * decision to polkit.
   */
  private static String systemDenial(String name, String member, IntSupplier majorVersion) {
    if (member.equals("AttachProcessesToUnit")) {
      return " Run as root, or use the user manager (--user).";
    }
    if (member.equals("OpenMachinePTY")) {
      return " A terminal inside a container takes root, or a polkit rule that allows"
          + " org.freedesktop.machine1.open-pty: run as root, or use --pipe.";
    }
    if (member.equals("FreezeUnit") || member.equals("ThawUnit")) {
      return " systemd's D-Bus policy lets only root send " + member + " to the system manager, whatever"
          + " polkit allows: run as root.";
    }
    String why = name.endsWith(".InteractiveAuthorizationRequired")
        ? " No polkit rule allows this for you, so polkit would ask for an administrator's password,"
            + " and confine does not ask interactively."
        : " A polkit rule refused it, or polkit is not running (systemctl status polkit).";
    int version = member.equals("StartTransientUnit") ? majorVersion.getAsInt() : 0;
    if (version > 0 && version < NAMES_TRANSIENT_UNITS_TO_POLKIT) {
      return why + " systemd " + version + " does not tell polkit the name of a transient unit"
          + " (systemd " + NAMES_TRANSIENT_UNITS_TO_POLKIT + " and later do), so no rule that allows only"
          + " certain names, such as polkit/50-confine.rules, can allow this start. Run as root, use"
          + " the user manager (--user), or run the program as a service with Delegate=yes that"
          + " manages its own sub-cgroups (units/delegated-launcher.service in confine's sources).";
    }
    return why + " Run as root, use the user manager (--user), or let one dedicated account start and"
        + " steer scopes named confine-<32 hex digits>.scope with polkit/50-confine.rules"
        + " (polkit/README.md in confine's sources).";
  }

  /** systemd's text as a sentence that more can follow: "Permission denied" has no full stop. */
  private static String sentence(String text) {
    return text.endsWith(".") ? text : text + ".";
  }

  /** Who a destination is, in messages: {@code systemd}, machined, or another service's bus name. */
  static String peer(String destination) {
    return destination.equals(SystemdBus.DESTINATION) ? "systemd"
        : destination.equals(MACHINED) ? "systemd-machined" : destination;
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
