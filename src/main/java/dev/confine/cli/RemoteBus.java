package dev.confine.cli;

import dev.confine.InvalidPropertyException;
import dev.confine.Manager;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The bus addresses of {@code -H/--host} and {@code -M/--machine}, written as sd-bus writes them
 * (bus_set_address_system_remote, bus_set_address_machine), so that confine reaches the same
 * manager through the same programs as systemd-run.
 */
final class RemoteBus {
  /** valid_user_group_name() in its relaxed form: what a container's passwd may hold. */
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final String HOST_FORM = "[USER@]HOST[:PORT][/MACHINE]";
  private static final String MACHINE_FORM = "[USER@]NAME, NAME a container's name or .host";

  private RemoteBus() {}

  /** {@code ssh [-p PORT] -- [USER@]HOST systemd-stdio-bridge [--machine=MACHINE]}. */
  static String host(String host) {
    String target = null;
    int afterBracket = 0;
    int at = host.indexOf('@');
    if (host.startsWith("[")) { // an IPv6 address, whose colons are no port
      afterBracket = closingBracket(host, 0) + 1;
      target = host.substring(1, afterBracket - 1);
    } else if (at >= 0 && host.startsWith("[", at + 1)) {
      afterBracket = closingBracket(host, at + 1) + 1;
      target = host.substring(0, at + 1) + host.substring(at + 2, afterBracket - 1);
    } else if (at >= 0 && (at + 1 == host.length() || host.indexOf('@', at + 1) >= 0)) {
      throw invalid("--host", host, HOST_FORM);
    }
    String rest = host.substring(afterBracket);
    String port = null;
    String machine = null;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      String afterColon = rest.substring(colon + 1);
      int slash = afterColon.indexOf('/');
      String candidate = slash < 0 ? afterColon : afterColon.substring(0, slash);
      if (!candidate.isEmpty() && isDigits(candidate)) {
        port = candidate;
      } else if (slash < 0 && isHostname(candidate)) {
        machine = candidate; // HOST:MACHINE, the form before HOST/MACHINE
      } else {
        throw invalid("--host", host, HOST_FORM);
      }
    }
    if (machine == null && rest.indexOf('/') >= 0) {
      machine = rest.substring(rest.indexOf('/') + 1);
    }
    if (target == null) {
      target = host.split("[:/]", -1)[0];
    }
    // As sd-bus: a machine part that is a number or no valid name is dropped, not refused.
    boolean withMachine = machine != null && !isDigits(machine) && isHostname(machine);
    StringBuilder address = new StringBuilder("unixexec:path=ssh");
    int argument = 1;
    argument = append(address, argument, "-xT");
    if (port != null) {
      argument = append(address, argument, "-p");
      argument = append(address, argument, port);
    }
    argument = append(address, argument, "--");
    argument = append(address, argument, target);
    argument = append(address, argument, "systemd-stdio-bridge");
    if (withMachine) {
      address.append(",argv").append(argument).append("=--machine=").append(machine); // unescaped, as sd-bus
    }
    return address.toString();
  }

  /**
   * A container's bus, or with {@code USER@} (or {@code --user}) a user's bus there, reached as
   * sd-bus does: {@code systemd-run -M NAME -PGq --wait -pUser=USER -pPAMName=login
   * systemd-stdio-bridge}, since a user's bus needs that user's login session. A system bus needs
   * no session: {@code systemd-stdio-bridge --machine=NAME} joins the container's.
   */
  static String machine(String machine, Manager manager) {
    int at = machine.indexOf('@');
    String user = at < 0 ? null : machine.substring(0, at);
    String name = at < 0 ? machine : machine.substring(at + 1);
    boolean nameValid = name.equals(".host") || isHostname(name) || (at >= 0 && name.isEmpty());
    if (!nameValid || (user != null && !user.isEmpty() && !USER.matcher(user).matches())) {
      throw invalid("--machine", machine, MACHINE_FORM);
    }
    if (user == null && manager == Manager.SYSTEM) {
      return "unixexec:path=systemd-stdio-bridge,argv1=--machine=" + escape(name);
    }
    // No USER@ means root, even for --user, as systemd-run has it; an empty USER is the caller.
    String account = user == null ? "root" : user.isEmpty() ? System.getProperty("user.name") : user;
    StringBuilder address = new StringBuilder("unixexec:path=systemd-run");
    int argument = 1;
    argument = append(address, argument, "-M" + (name.isEmpty() ? ".host" : name));
    argument = append(address, argument, "-PGq");
    argument = append(address, argument, "--wait");
    argument = append(address, argument, "-pUser=" + account);
    argument = append(address, argument, "-pPAMName=login");
    argument = append(address, argument, "systemd-stdio-bridge");
    if (manager == Manager.USER) {
      // -p with the path rather than --user, which older bridges lack; the unit expands it.
      append(address, argument, "-punix:path=${XDG_RUNTIME_DIR}/bus");
    }
    return address.toString();
  }

  /** Whether {@code -M [USER@]NAME} names this machine: {@code .host}, or nothing after @. */
  static boolean isThisMachine(String machine) {
    String name = machineName(machine);
    return name.equals(".host") || name.isEmpty();
  }

  /** The NAME of {@code -M [USER@]NAME}. */
  static String machineName(String machine) {
    return machine.substring(machine.indexOf('@') + 1);
  }

  private static int append(StringBuilder address, int argument, String value) {
    address.append(",argv").append(argument).append('=').append(escape(value));
    return argument + 1;
  }

  private static int closingBracket(String host, int from) {
    int bracket = host.indexOf(']', from);
    if (bracket < 0) {
      throw invalid("--host", host, HOST_FORM);
    }
    return bracket;
  }

  /** bus_address_escape(): all but letters, digits and {@code _-/.} as %xx. */
  static String escape(String value) {
    StringBuilder escaped = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || "_-/.".indexOf(c) >= 0) {
        escaped.append(c);
      } else {
        escaped.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
      }
    }
    return escaped.toString();
  }

  private static boolean isDigits(String value) {
    return value.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** hostname_is_valid(): dot-separated labels of letters, digits and inner hyphens, at most 64. */
  static boolean isHostname(String name) {
    return !name.isEmpty() && name.length() <= 64
        && name.matches("[A-Za-z0-9]+(-+[A-Za-z0-9]+)*(\\.[A-Za-z0-9]+(-+[A-Za-z0-9]+)*)*");
  }

  private static InvalidPropertyException invalid(String option, String value, String expected) {
    return new InvalidPropertyException(
        "invalid value for " + option + ": '" + value + "' (expected " + expected + ")");
  }
}
