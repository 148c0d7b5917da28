package dev.confine;

import dev.confine.PropertyTable.Assignment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Parsers for the settings that filter what a unit's processes do: BPFProgram=,
 * SocketBindAllow=/SocketBindDeny=, NFTSet=, RestrictNetworkInterfaces= names,
 * SystemCallErrorNumber= and LogFilterPatterns=. Each returns what systemd-run 257 sends, and
 * refuses what it or the manager refuses.
 */
final class FilterValues {

  /** bpf_cgroup_attach_type_from_string's names, compared exactly. */
  private static final List<String> BPF_ATTACH_TYPES = List.of("ingress", "egress",
      "sock_create", "sock_ops", "device", "bind4", "bind6", "connect4", "connect6", "post_bind4",
      "post_bind6", "sendmsg4", "sendmsg6", "sysctl", "recvmsg4", "recvmsg6", "getsockopt",
      "setsockopt");

  private static final int AF_UNSPEC = 0;
  /**
   * af_from_ipv4_ipv6 (exactly these words) and ip_protocol_from_tcp_udp (in any case, as the
   * managers of 252 and 257 take TCP): the words and the numbers they stand for.
   */
  private static final Map<String, Integer> SOCKET_FAMILIES = Map.of("ipv4", 2, "ipv6", 10);
  private static final Map<String, Integer> SOCKET_PROTOCOLS = Map.of("tcp", 6, "udp", 17);
  private static final String SOCKET_BIND_ITEM = "[ipv4|ipv6:][tcp|udp:]any|PORT|FIRST-LAST"
      + " with ports from 1 to 65535, e.g. ipv6:tcp:1-1023";

  /** The NFTSetSource values the manager takes (cgroup, user, group) and the nfproto names. */
  private static final Map<String, Integer> NFT_SET_SOURCES = Map.of("cgroup", 3, "user", 4,
      "group", 5);
  private static final Map<String, Integer> NFT_FAMILIES = Map.of("inet", 1, "ip", 2, "arp", 3,
      "netdev", 5, "bridge", 7, "ip6", 10);

  /** ALTIFNAMSIZ: 257's manager takes alternative names, shorter than this in bytes. */
  private static final int ALTIFNAMSIZ = 128;

  /**
   * The errno names errno_from_name knows, by number from 0 (none) on, "" where Linux has none;
   * the generic numbers, as x86-64 and arm64 use them.
   */
  private static final List<String> ERRNO_NAMES = List.of("", "EPERM", "ENOENT", "ESRCH",
      "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES",
      "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL",
      "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK",
      "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
      "ELOOP", "", "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG",
      "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT",
      "", "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE",
      "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG",
      "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX",
      "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ",
      "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP",
      "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH",
      "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN",
      "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY",
      "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT",
      "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED",
      "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON");
  /** The names errno.h defines as other names. */
  private static final Map<String, String> ERRNO_ALIASES = Map.of("EWOULDBLOCK", "EAGAIN",
      "EDEADLOCK", "EDEADLK", "ENOTSUP", "EOPNOTSUPP");
  /** ERRNO_MAX: the largest errno the manager takes. */
  private static final int ERRNO_MAX = 4095;
  /** SECCOMP_ERROR_NUMBER_KILL, what kill stands for: INT_MAX - 1. */
  private static final int SECCOMP_KILL = Integer.MAX_VALUE - 1;

  private FilterValues() {}

  /**
   * {@code TYPE:PATH} as extract_first_word with ':' and no flags splits it: ':' before TYPE
   * skipped, a backslash taking the next character as it is, PATH what follows the ':' after
   * TYPE. dbus-cgroup.c wants an attach type and an absolute, normalized path. Empty resets.
   */
  static List<Assignment> bpfProgram(String property, String value) {
    if (value.isEmpty()) {
      return List.of(new Assignment(property, "a(ss)", List.of()));
    }
    String expected = "TYPE:PATH with TYPE one of " + String.join(", ", BPF_ATTACH_TYPES)
        + " and an absolute, normalized PATH, e.g. egress:/sys/fs/bpf/filter";
    String[] typeAndRest = Values.firstWord(withoutLeadingColons(value), ':');
    String path = typeAndRest == null || typeAndRest[1] == null ? ""
        : withoutLeadingColons(typeAndRest[1]);
    if (path.isEmpty() || !BPF_ATTACH_TYPES.contains(typeAndRest[0])
        || !PropertyTable.isAbsoluteNormalized(path)) {
      throw Values.invalid(property, value, expected);
    }
    return List.of(new Assignment(property, "a(ss)", List.of(List.of(typeAndRest[0], path))));
  }

  private static String withoutLeadingColons(String text) {
    return text.replaceFirst("^:+", "");
  }


  /**
   * One item as parse_socket_bind_item reads it: ':'-separated tokens, each tried as the family,
   * then the protocol, then the ports, in that order and each at most once; sent as (family,
   * protocol, number of ports, first port), no ports for any. 257's systemd-run also reads port
   * 0, which the manager refuses (except 0-65535, whose count wraps to that of any): confine
   * takes ports from 1, as 252 does. Empty resets.
   */
  static List<Assignment> socketBind(String property, String value) {
    if (value.isEmpty()) {
      return List.of(new Assignment(property, "a(iiqq)", List.of()));
    }
    // family, protocol, number of ports, first port
    int[] item = {AF_UNSPEC, 0, 0, 0};
    int part = 0;
    String rest = value;
    while (rest != null && part < 3) {
      String[] token = Values.firstWord(rest, ':');
      if (token == null || token[0].isEmpty()) {
        throw Values.invalid(property, value, SOCKET_BIND_ITEM);
      }
      rest = token[1];
      boolean parsed = false;
      while (!parsed && part < 3) {
        parsed = socketBindPart(part++, token[0], item);
      }
      if (!parsed) {
        throw Values.invalid(property, value, SOCKET_BIND_ITEM);
      }
    }
    if (rest != null) {
      throw Values.invalid(property, value, SOCKET_BIND_ITEM);
    }
    return List.of(new Assignment(property, "a(iiqq)",
        List.of(Arrays.stream(item).boxed().toList())));
  }

  /** Reads the token as the given part of a socket bind item into it, or says it is not one. */
  private static boolean socketBindPart(int part, String token, int[] item) {
    if (part < 2) {
      Integer number = part == 0 ? SOCKET_FAMILIES.get(token)
          : SOCKET_PROTOCOLS.get(token.toLowerCase(Locale.ROOT));
      item[part] = number == null ? item[part] : number;
      return number != null;
    }
    if (token.equals("any")) {
      return true;
    }
    // parse_range: FIRST or FIRST-LAST, each as safe_atou reads it.
    String[] bounds = Values.firstWord(token, '-');
    if (bounds == null || "".equals(bounds[1])) {
      return false;
    }
    OptionalLong first = Values.parseUnsigned(bounds[0], 1, 65535);
    OptionalLong last = bounds[1] == null ? first : Values.parseUnsigned(bounds[1], 1, 65535);
    if (first.isEmpty() || last.isEmpty() || last.getAsLong() < first.getAsLong()) {
      return false;
    }
    item[2] = (int) (last.getAsLong() - first.getAsLong() + 1);
    item[3] = (int) first.getAsLong();
    return true;
  }

  /**
   * {@code SOURCE:FAMILY:TABLE:SET} words as bus_append_nft_set reads them: split at whitespace
   * with quotes removed and backslashes kept, each then into four ':'-separated parts (runs of
   * ':' count as one) with C escapes resolved. Both systemd-run and the manager want the sources
   * cgroup, user and group, an nfproto name and nft_identifier_valid names. Empty resets.
   */
  static List<Assignment> nftSet(String property, String value) {
    List<List<Object>> sets = new ArrayList<>();
    for (String word : Values.wordsKeepingBackslashes(property, value)) {
      List<String> parts = Arrays.stream(word.split(":")).filter(part -> !part.isEmpty())
          .map(part -> new String(Values.unescape(property, value, part, false),
              StandardCharsets.UTF_8))
          .toList();
      if (parts.size() != 4 || !NFT_SET_SOURCES.containsKey(parts.get(0))
          || !NFT_FAMILIES.containsKey(parts.get(1)) || !isNftIdentifier(parts.get(2))
          || !isNftIdentifier(parts.get(3))) {
        throw Values.invalid(property, value, "SOURCE:FAMILY:TABLE:SET words with SOURCE cgroup,"
            + " user or group, FAMILY inet, ip, ip6, arp, bridge or netdev, TABLE and SET a letter"
            + " and up to 30 letters, digits, '/', '\\', '_' or '.', e.g. cgroup:inet:filter:unit;"
            + " '" + word + "' is not one");
      }
      sets.add(List.of(NFT_SET_SOURCES.get(parts.get(0)), NFT_FAMILIES.get(parts.get(1)),
          parts.get(2), parts.get(3)));
    }
    return List.of(new Assignment(property, "a(iiss)", sets));
  }

  private static boolean isNftIdentifier(String name) {
    return name.matches("[A-Za-z][A-Za-z0-9/\\\\_.]{0,30}");
  }

  /**
   * A network interface name as 257's manager takes it (ifname_valid_full with alternative
   * names); it skips, with a warning, one it does not take, so confine refuses that. Printable
   * ASCII but ':', '/' and '%', shorter than 128 bytes, not ., .., all or default, and not a
   * number (an interface index). 252's manager takes names of at most 15 bytes.
   */
  static boolean isInterfaceName(String name) {
    boolean isIndex = Values.parseUnsigned(name, 1, Integer.MAX_VALUE).isPresent();
    return !name.isEmpty() && name.length() < ALTIFNAMSIZ
        && name.chars().allMatch(c -> c > ' ' && c < 127 && ":/%".indexOf(c) < 0)
        && !List.of(".", "..", "all", "default").contains(name) && !isIndex
        && !name.chars().allMatch(Character::isDigit);
  }

  /**
   * SystemCallErrorNumber= as seccomp_parse_errno_or_action reads it: kill, an errno name (in
   * any case: errno_from_name ignores it, measured on 252 and 257) or a number as safe_atoi
   * reads it; the manager takes 1 to 4095 and kill (seccomp_errno_or_action_is_valid), not the
   * 0 systemd-run lets through.
   */
  static List<Assignment> errnoOrAction(String property, String value) {
    String upper = value.toUpperCase(Locale.ROOT);
    String name = ERRNO_ALIASES.getOrDefault(upper, upper);
    OptionalLong number;
    if (value.equals("kill")) {
      number = OptionalLong.of(SECCOMP_KILL);
    } else if (!name.isEmpty() && ERRNO_NAMES.contains(name)) {
      number = OptionalLong.of(ERRNO_NAMES.indexOf(name));
    } else {
      number = Values.parseUnsigned(value, 1, ERRNO_MAX);
    }
    if (number.isEmpty()) {
      throw Values.invalid(property, value, "an errno name such as EPERM, a number from 1 to "
          + ERRNO_MAX + ", or kill");
    }
    return List.of(new Assignment(property, "i", (int) number.getAsLong()));
  }

  /**
   * A pattern, {@code ~} first for one whose messages are dropped, sent as (allow, pattern). The
   * manager skips an empty pattern and resets the lists when a call leaves them empty: confine
   * sends that as the empty array, which merges as a reset. The manager compiles each pattern
   * with PCRE2 and refuses one that does not compile; confine refuses the plain mistakes
   * ({@link #regexMistake}) and leaves the finer points of PCRE2's syntax to the manager.
   */
  static List<Assignment> logFilterPattern(String property, String value) {
    boolean allow = !value.startsWith("~");
    String pattern = allow ? value : value.substring(1);
    String mistake = regexMistake(pattern);
    if (mistake != null) {
      throw Values.invalid(property, value, "a regular expression (" + mistake + "), ~ first to drop what"
          + " it matches");
    }
    return List.of(new Assignment(property, "a(bs)",
        pattern.isEmpty() ? List.of() : List.of(List.of(allow, pattern))));
  }

  /**
   * What PCRE2 would refuse for certain in {@code pattern}, read as PCRE2 reads it: a character
   * class without its {@code ]}, a group without its {@code )} or a {@code )} without its group,
   * a quantifier with nothing before it to repeat. Null when none of these is there.
   */
  static String regexMistake(String pattern) {
    int depth = 0;
    boolean repeatable = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && pattern.startsWith("Q", i + 1)) {
        int end = pattern.indexOf("\\E", i + 2);
        i = end < 0 ? pattern.length() : end + 1; // \Q…\E quotes; unended, to the end
        repeatable = true;
      } else if (c == '\\') {
        i++;
        repeatable = true;
      } else if (c == '[') {
        i = classEnd(pattern, i);
        if (i < 0) {
          return "a [ without its ]";
        }
        repeatable = true;
      } else if (c == '(') {
        depth++;
        repeatable = false;
        if (pattern.startsWith("?", i + 1)) {
          i++; // (?…: a group's options, not a quantifier
        }
      } else if (c == ')') {
        if (--depth < 0) {
          return "a ) without its (";
        }
        repeatable = true;
      } else if (c == '|') {
        repeatable = false;
      } else if (c == '*' || c == '+' || c == '?') {
        if (!repeatable) {
          return "a " + c + " with nothing before it to repeat";
        }
        // A quantifier may be followed by one + or ? (possessive, lazy), not by another quantifier.
        if (i + 1 < pattern.length() && "+?".indexOf(pattern.charAt(i + 1)) >= 0) {
          i++;
        }
        repeatable = false;
      } else {
        repeatable = true;
      }
    }
    return depth > 0 ? "a ( without its )" : null;
  }

  /** The index of the ] that ends the class opened at {@code open}, or -1. */
  private static int classEnd(String pattern, int open) {
    int i = open + 1;
    if (pattern.startsWith("^", i)) {
      i++;
    }
    if (pattern.startsWith("]", i)) {
      i++; // a ] first is one of the class's characters
    }
    for (; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[' && pattern.startsWith(":", i + 1) && pattern.indexOf(":]", i + 2) > 0) {
        i = pattern.indexOf(":]", i + 2) + 1; // [:alpha:]
      } else if (c == ']') {
        return i;
      }
    }
    return -1;
  }
}
