package dev.confine;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The one table of {@code -p NAME=VALUE} properties: every builder method, the CLI's {@code -p}
 * parser and its help come from here. Each entry turns a unit-file value into the D-Bus
 * assignments {@code StartTransientUnit} takes.
 */
final class PropertyTable {

  /**
   * One D-Bus property assignment, with plain Java values: t=Long, u/i=Integer, b, s, ay=byte[],
   * arrays as List, structs as List of their fields.
   */
  record Assignment(String name, String signature, Object value) {
    /** Whether systemd adds this value to a list (as unit files do) rather than replacing it. */
    boolean isList() {
      return signature.startsWith("a") && !signature.equals("ay");
    }
  }

  /** Converts a unit-file value to assignments, or throws {@link InvalidPropertyException}. */
  interface Parser {
    List<Assignment> parse(String property, String value);
  }

  /**
   * A property: its unit-file name, the D-Bus form(s) it becomes, the unit types that accept it,
   * whether it can only be set when the unit is created, the first systemd version that has it,
   * and the cgroup controller it needs (null for none).
   */
  record Property(
      String group,
      String name,
      String wire,
      Set<UnitType> types,
      boolean creationOnly,
      int since,
      int scopeSince,
      String controller,
      String summary,
      Parser parser) {

    Property(String name, String wire, Set<UnitType> types, boolean creationOnly, int since,
        String controller, String summary, Parser parser) {
      this("", name, wire, types, creationOnly, since, since, controller, summary, parser);
    }

    List<Assignment> parse(String value) {
      return parser.parse(name, value);
    }

    /** The first systemd version that takes this property on a unit of the given type. */
    int since(UnitType type) {
      return type == UnitType.SCOPE ? scopeSince : since;
    }

    /** The same property, taken by scopes only from systemd {@code version} on. */
    Property scopesSince(int version) {
      return new Property(group, name, wire, types, creationOnly, since, version, controller,
          summary, parser);
    }

    private Property in(String group) {
      return new Property(group, name, wire, types, creationOnly, since, scopeSince, controller,
          summary, parser);
    }
  }

  private static final Set<UnitType> BOTH = EnumSet.allOf(UnitType.class);
  private static final Set<UnitType> SERVICE = EnumSet.of(UnitType.SERVICE);
  private static final String IO_LIMIT = "a base-1000 size such as 10M, or infinity";
  private static final List<String> CONTROLLERS =
      List.of("cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids",
          "bpf-firewall", "bpf-devices", "bpf-foreign", "bpf-socket-bind",
          "bpf-restrict-network-interfaces");

  static final List<Property> ALL = List.of(
      group("unit",
          new Property("Description", "Description s", BOTH, false, 1, null,
              "human-readable description shown by systemctl", string()),
          new Property("Slice", "Slice s", BOTH, true, 1, null,
              "slice to place the unit in (NAME or NAME.slice)", PropertyTable::slice),
          new Property("CollectMode", "CollectMode s", BOTH, false, 236, null,
              "inactive | inactive-or-failed: when the stopped unit is unloaded",
              words("inactive", "inactive-or-failed"))),
      group("memory",
          memory("MemoryMax", 231, "hard memory limit; above it the OOM killer acts"),
          memory("MemoryHigh", 231, "memory throttling limit; above it reclaim is forced"),
          memory("MemoryLow", 231, "best-effort memory protection"),
          memory("MemoryMin", 240, "hard memory protection"),
          memory("MemorySwapMax", 232, "swap limit"),
          memory("MemoryZSwapMax", 253, "limit on compressed swap (zswap) in memory"),
          startupMemory("StartupMemoryMax", "MemoryMax"),
          startupMemory("StartupMemoryHigh", "MemoryHigh"),
          startupMemory("StartupMemoryLow", "MemoryLow"),
          startupMemory("StartupMemorySwapMax", "MemorySwapMax"),
          startupMemory("StartupMemoryZSwapMax", "MemoryZSwapMax"),
          new Property("MemoryZSwapWriteback", "MemoryZSwapWriteback b", BOTH, false, 256, "memory",
              "let zswap write compressed pages back to swap devices", bool()),
          new Property("MemoryAccounting", "MemoryAccounting b", BOTH, false, 208, "memory",
              "account memory use", bool())),
      group("cpu",
          new Property("CPUQuota", "CPUQuotaPerSecUSec t", BOTH, false, 213, "cpu",
              "CPU time limit in percent of one CPU (200% = two CPUs)", PropertyTable::cpuQuota),
          new Property("CPUQuotaPeriodSec", "CPUQuotaPeriodUSec t", BOTH, false, 242, "cpu",
              "period over which CPUQuota is measured (default 100ms)",
              PropertyTable::cpuQuotaPeriod),
          new Property("CPUWeight", "CPUWeight t", BOTH, false, 231, "cpu",
              "relative CPU share 1-10000 (default 100), or idle (systemd 252+)",
              PropertyTable::weight),
          new Property("StartupCPUWeight", "StartupCPUWeight t", BOTH, false, 231, "cpu",
              "CPUWeight while the system boots or shuts down", PropertyTable::weight),
          new Property("CPUAccounting", "CPUAccounting b", BOTH, false, 208, null,
              "account CPU time (always on with cgroup v2)", bool()),
          cpuSet("AllowedCPUs", 244, "CPUs the processes may run on, e.g. 0-3,6"),
          cpuSet("StartupAllowedCPUs", 250, "AllowedCPUs while the system boots or shuts down"),
          cpuSet("AllowedMemoryNodes", 244, "NUMA memory nodes the processes may use, e.g. 0"),
          cpuSet("StartupAllowedMemoryNodes", 250,
              "AllowedMemoryNodes while the system boots or shuts down")),
      group("tasks",
          new Property("TasksMax", "TasksMax t | TasksMaxScale u", BOTH, false, 227, "pids",
              "maximum number of tasks (processes and threads), N, N% or infinity",
              PropertyTable::tasksMax),
          new Property("TasksAccounting", "TasksAccounting b", BOTH, false, 227, "pids",
              "account the number of tasks", bool())),
      group("io",
          new Property("IOWeight", "IOWeight t", BOTH, false, 230, "io",
              "relative IO share 1-10000 (default 100)", ioWeight()),
          new Property("StartupIOWeight", "StartupIOWeight t", BOTH, false, 230, "io",
              "IOWeight while the system boots or shuts down", ioWeight()),
          ioDevice("IODeviceWeight", "IODeviceWeight", 230,
              "IO share on one device: DEVICE WEIGHT, e.g. /dev/vda 200", "a weight from 1 to 10000",
              amount -> Values.parseUnsigned(amount).stream().filter(w -> w >= 1 && w <= 10_000).findFirst()),
          ioDevice("IOReadBandwidthMax", "IOReadBandwidthMax", 230,
              "read limit on one device: DEVICE BYTES/s (base 1000: 10M = 10000000)",
              IO_LIMIT, PropertyTable::ioLimit),
          ioDevice("IOWriteBandwidthMax", "IOWriteBandwidthMax", 230,
              "write limit on one device: DEVICE BYTES/s (base 1000)", IO_LIMIT, PropertyTable::ioLimit),
          ioDevice("IOReadIOPSMax", "IOReadIOPSMax", 230,
              "read operations per second on one device: DEVICE IOPS", IO_LIMIT, PropertyTable::ioLimit),
          ioDevice("IOWriteIOPSMax", "IOWriteIOPSMax", 230,
              "write operations per second on one device: DEVICE IOPS", IO_LIMIT, PropertyTable::ioLimit),
          ioDevice("IODeviceLatencyTargetSec", "IODeviceLatencyTargetUSec", 240,
              "IO latency target on one device: DEVICE TIME, e.g. /dev/vda 25ms",
              "a time span such as 25ms", Values::parseTimespan),
          new Property("IOAccounting", "IOAccounting b", BOTH, false, 230, "io",
              "account block IO", bool())),
      group("delegation",
          new Property("Delegate", "Delegate b | DelegateControllers as", BOTH, true, 218, null,
              "yes/no, or the controllers to hand over to the unit's processes",
              PropertyTable::delegate),
          new Property("DelegateSubgroup", "DelegateSubgroup s", BOTH, true, 254, null,
              "subgroup of the delegated cgroup that the processes start in, e.g. init",
              PropertyTable::cgroupName)),
      group("devices and network",
          new Property("DevicePolicy", "DevicePolicy s", BOTH, false, 208, null,
              "auto | closed | strict: which device nodes may be opened",
              words("auto", "closed", "strict")),
          new Property("DeviceAllow", "DeviceAllow a(ss)", BOTH, false, 208, null,
              "a device node that may be opened: PATH [rwm], e.g. /dev/null rw",
              PropertyTable::deviceAllow),
          ipAccess("IPAddressAllow", "addresses the unit may talk to"),
          ipAccess("IPAddressDeny", "addresses the unit may not talk to")),
      group("lifecycle",
          new Property("KillMode", "KillMode s", BOTH, false, 1, null,
              "which processes stop signals reach",
              words("control-group", "mixed", "process", "none")),
          new Property("KillSignal", "KillSignal i", BOTH, false, 1, null,
              "signal sent to stop the unit (default SIGTERM)", signal()),
          new Property("SendSIGHUP", "SendSIGHUP b", BOTH, false, 207, null,
              "also send SIGHUP when stopping", bool()),
          new Property("SendSIGKILL", "SendSIGKILL b", BOTH, false, 1, null,
              "send SIGKILL to what survives the stop timeout", bool()),
          new Property("RuntimeMaxSec", "RuntimeMaxUSec t", BOTH, false, 229, null,
              "stop the unit after this long", timespan("RuntimeMaxUSec")),
          new Property("TimeoutStopSec", "TimeoutStopUSec t", BOTH, false, 1, null,
              "time allowed for stopping before SIGKILL", timespan("TimeoutStopUSec")),
          new Property("Restart", "Restart s", SERVICE, true, 236, null,
              "no | on-success | on-failure | on-abnormal | on-watchdog | on-abort | always: when"
                  + " systemd starts the service again after it ended",
              words("no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort",
                  "always")),
          new Property("RestartSec", "RestartUSec t", SERVICE, true, 236, null,
              "time to wait before a restart (default 100ms)", timespan("RestartUSec")),
          new Property("StartLimitIntervalSec", "StartLimitIntervalUSec t", SERVICE, true, 236,
              null, "window of the start rate limit (default 10s); 0 turns the limit off",
              timespan("StartLimitIntervalUSec")),
          new Property("StartLimitBurst", "StartLimitBurst u", SERVICE, true, 236, null,
              "starts allowed within StartLimitIntervalSec before the unit fails (default 5)",
              (property, value) -> List.of(new Assignment(property, "u",
                  (int) Values.number(property, value.trim(), 0, Integer.MAX_VALUE)))),
          new Property("OOMPolicy", "OOMPolicy s", BOTH, true, 243, null,
              "continue | stop | kill: what to do when the kernel OOM killer kills a process",
              words("continue", "stop", "kill")).scopesSince(253),
          new Property("ManagedOOMSwap", "ManagedOOMSwap s", BOTH, false, 247, null,
              "auto | kill: let systemd-oomd kill the unit when swap runs out", words("auto", "kill")),
          new Property("ManagedOOMMemoryPressure", "ManagedOOMMemoryPressure s", BOTH, false, 247,
              null, "auto | kill: let systemd-oomd kill the unit under memory pressure",
              words("auto", "kill")),
          new Property("ManagedOOMMemoryPressureLimit", "ManagedOOMMemoryPressureLimit u", BOTH,
              false, 247, null, "memory pressure (N%) above which systemd-oomd acts",
              PropertyTable::pressureLimit),
          new Property("ManagedOOMPreference", "ManagedOOMPreference s", BOTH, false, 248, null,
              "none | avoid | omit: systemd-oomd's preference for this unit",
              words("none", "avoid", "omit"))),
      group("process",
          new Property("Type", "Type s", SERVICE, true, 240, null,
              "service start-up type (confine defaults to exec)",
              words("simple", "exec", "forking", "oneshot", "dbus", "notify", "notify-reload",
                  "idle")),
          new Property("RemainAfterExit", "RemainAfterExit b", SERVICE, true, 1, null,
              "keep the service active after its process exits", bool()),
          new Property("User", "User s", BOTH, true, 1, null,
              "user to run as (system manager); for scopes, owner of the delegated cgroup",
              string()).scopesSince(252),
          new Property("Group", "Group s", BOTH, true, 1, null,
              "group to run as (system manager); for scopes, group of the delegated cgroup",
              string()).scopesSince(252),
          new Property("Nice", "Nice i", SERVICE, true, 1, null,
              "scheduling priority -20..19", PropertyTable::nice),
          new Property("WorkingDirectory", "WorkingDirectory s", SERVICE, true, 1, null,
              "working directory: an absolute path or ~", PropertyTable::workingDirectory),
          new Property("Environment", "Environment as", SERVICE, true, 1, null,
              "environment assignments NAME=VALUE ...", PropertyTable::environment),
          new Property("UMask", "UMask u", SERVICE, true, 1, null,
              "file mode creation mask, in octal (e.g. 0027)", PropertyTable::umask)),
      group("resource limits",
          resourceLimit("LimitNOFILE", RlimitKind.COUNT, "open files"),
          resourceLimit("LimitNPROC", RlimitKind.COUNT, "processes of the user"),
          resourceLimit("LimitCORE", RlimitKind.SIZE, "core dump size"),
          resourceLimit("LimitFSIZE", RlimitKind.SIZE, "file size"),
          resourceLimit("LimitMEMLOCK", RlimitKind.SIZE, "locked memory"),
          resourceLimit("LimitSTACK", RlimitKind.SIZE, "stack size")),
      group("sandboxing",
          new Property("NoNewPrivileges", "NoNewPrivileges b", SERVICE, true, 187, null,
              "forbid gaining privileges through setuid binaries or file capabilities", bool()),
          sandbox("PrivateTmp", 1, "private /tmp and /var/tmp"),
          sandbox("PrivateDevices", 209, "private /dev with only pseudo-devices such as null"),
          sandbox("PrivateNetwork", 1, "private network namespace with only loopback"),
          sandbox("PrivateUsers", 232, "private user namespace mapping only root and the user"),
          sandbox("PrivateIPC", 248, "private IPC namespace"),
          sandbox("PrivateMounts", 239, "private mount namespace"),
          new Property("ProtectSystem", "ProtectSystem s", SERVICE, true, 214, null,
              "yes | full | strict: mount /usr, /boot (full: and /etc; strict: all) read-only",
              PropertyTable::protectSystem),
          new Property("ProtectHome", "ProtectHome s", SERVICE, true, 214, null,
              "yes | read-only | tmpfs: hide or protect /home, /root and /run/user",
              PropertyTable::protectHome),
          sandbox("ProtectKernelTunables", 232, "read-only /proc/sys, /sys and friends"),
          sandbox("ProtectKernelModules", 232, "forbid loading kernel modules"),
          sandbox("ProtectKernelLogs", 244, "forbid access to the kernel log"),
          sandbox("ProtectControlGroups", 232, "read-only /sys/fs/cgroup"),
          sandbox("ProtectClock", 245, "forbid changing the system clock"),
          sandbox("ProtectHostname", 242, "forbid changing the hostname"),
          sandbox("RestrictSUIDSGID", 242, "forbid creating setuid and setgid files"),
          sandbox("RestrictRealtime", 231, "forbid realtime scheduling"),
          sandbox("LockPersonality", 235, "forbid changing the execution domain"),
          sandbox("MemoryDenyWriteExecute", 231, "forbid memory both writable and executable"),
          paths("ReadOnlyPaths", "paths mounted read-only"),
          paths("ReadWritePaths", "paths kept writable under ProtectSystem=strict"),
          paths("InaccessiblePaths", "paths made inaccessible")))
      .stream().flatMap(List::stream).collect(Collectors.toUnmodifiableList());

  /** The groups, in table order, for help. */
  static final List<String> GROUPS = ALL.stream().map(Property::group).distinct().toList();

  private static final Map<String, Property> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(Property::name, Function.identity()));

  private PropertyTable() {}

  private static List<Property> group(String group, Property... properties) {
    return Arrays.stream(properties).map(p -> p.in(group)).toList();
  }

  static Optional<Property> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The named property, or an error that suggests the nearest real name. */
  static Property require(String name) {
    return find(name)
        .orElseThrow(
            () -> {
              String nearest = nearest(name);
              return new InvalidPropertyException(
                  "unknown property '" + name + "'"
                      + (nearest == null ? "" : "; did you mean " + nearest + "?")
                      + " (confine run -p help lists them)");
            });
  }

  /** Parses {@code NAME=VALUE} for a unit of the given type. */
  static List<Assignment> parseAssignment(String name, String value, UnitType type) {
    Property property = require(name);
    if (!property.types().contains(type)) {
      throw new InvalidPropertyException(
          property.name() + " is not supported for " + type.suffix().substring(1) + " units");
    }
    return property.parse(value);
  }

  private static String nearest(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return ALL.stream()
        .map(Property::name)
        .min(Comparator.comparingInt(p -> distance(lower, p.toLowerCase(Locale.ROOT))))
        .filter(p -> distance(lower, p.toLowerCase(Locale.ROOT)) <= Math.max(2, name.length() / 3))
        .orElse(null);
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  // Parsers. Each returns the exact assignments systemd-run would send for the same value.

  private static Property memory(String name, int since, String summary) {
    return new Property(name, name + " t | " + name + "Scale u", BOTH, false, since, "memory",
        summary + "; bytes with K/M/G/T suffix, N% of RAM, or infinity",
        PropertyTable::memoryLimit);
  }

  /** Startup variants: systemd 254 added them without a percentage ({@code …Scale}) form. */
  private static Property startupMemory(String name, String steady) {
    return new Property(name, name + " t", BOTH, false, 254, "memory",
        steady + " while the system boots or shuts down; bytes with K/M/G/T suffix or infinity",
        (property, value) -> {
          if (Values.percentOrNull(value) != null) {
            throw Values.invalid(property, value, "bytes or infinity; systemd takes no percentage here");
          }
          return memoryLimit(property, value);
        });
  }

  private static List<Assignment> memoryLimit(String property, String value) {
    // An empty value resets: no protection for MemoryLow/MemoryMin, no limit for the others.
    if (value.isEmpty() && (property.endsWith("MemoryLow") || property.equals("MemoryMin"))) {
      return List.of(new Assignment(property, "t", 0L));
    }
    // dbus-cgroup.c's bus_cgroup_set_memory refuses a zero MemoryMax or MemoryHigh (and their
    // percentages), which would leave no memory at all; swap and protections may be zero.
    boolean atLeastOne = property.endsWith("MemoryMax") || property.endsWith("MemoryHigh");
    return scalableLimit(property, value, atLeastOne ? 1 : 0, v -> Values.bytes(property, v));
  }

  /**
   * A limit given as an absolute value, {@code N%} (sent as {@code …Scale}) or infinity (exactly
   * that word, or empty), of at least {@code minimum}.
   */
  private static List<Assignment> scalableLimit(
      String property, String value, long minimum, ToLongFunction<String> absolute) {
    if (value.isEmpty() || value.equals("infinity")) {
      return List.of(new Assignment(property, "t", Values.INFINITY));
    }
    BigDecimal percent = Values.percentOrNull(value);
    if (percent != null) {
      int scale = Values.scale(property, value, percent);
      if (Integer.toUnsignedLong(scale) < minimum) {
        throw Values.invalid(property, value, "a percentage above 0%");
      }
      return List.of(new Assignment(property + "Scale", "u", scale));
    }
    long limit = absolute.applyAsLong(value);
    if (Long.compareUnsigned(limit, minimum) < 0) {
      throw Values.invalid(property, value, "at least " + minimum + ", or infinity");
    }
    return List.of(new Assignment(property, "t", limit));
  }

  private static Property cpuSet(String name, int since, String summary) {
    return new Property(name, name + " ay", BOTH, false, since, "cpuset",
        summary + "; empty resets",
        (property, value) -> List.of(new Assignment(property, "ay", Values.cpuSet(property, value))));
  }

  /**
   * A per-device IO setting, {@code DEVICE VALUE} split at the first space as systemd-run does,
   * sent as {@code a(st)}. Each assignment adds a device, as in unit files; an empty value clears
   * the list.
   */
  private static Property ioDevice(String name, String wireName, int since, String summary,
      String expected, Function<String, OptionalLong> amount) {
    return new Property(name, wireName + " a(st)", BOTH, false, since, "io", summary,
        (property, value) -> {
          if (value.isEmpty()) {
            return List.of(new Assignment(wireName, "a(st)", List.of()));
          }
          int space = value.indexOf(' ');
          OptionalLong parsed = space < 0 ? OptionalLong.empty() : amount.apply(value.substring(space + 1));
          if (!value.startsWith("/") || parsed.isEmpty()) {
            throw Values.invalid(property, value, "an absolute device path, a space and " + expected);
          }
          return List.of(new Assignment(wireName, "a(st)",
              List.of(List.of(value.substring(0, space), parsed.getAsLong()))));
        });
  }

  /** Bandwidth and IOPS: base-1000 sizes, as systemd parses IO limits, or infinity. */
  private static OptionalLong ioLimit(String amount) {
    return amount.equals("infinity") ? OptionalLong.of(Values.INFINITY) : Values.parseSize(amount, 1000);
  }

  /**
   * {@code PATH [rwm]}, split at the first space as systemd-run does. dbus-cgroup.c then wants
   * a device node pattern without whitespace (valid_device_allow_pattern: char-CLASS, block-CLASS,
   * or a normalized path under /dev/) and access letters out of r, w, m (none means all).
   */
  private static List<Assignment> deviceAllow(String property, String value) {
    if (value.isEmpty()) {
      return List.of(new Assignment(property, "a(ss)", List.of()));
    }
    int space = value.indexOf(' ');
    String path = space < 0 ? value : value.substring(0, space);
    String access = space < 0 ? "" : value.substring(space + 1);
    if (!isDevicePattern(path) || path.chars().anyMatch(Character::isWhitespace)
        || !access.matches("[rwm]*")) {
      throw Values.invalid(property, value, "a normalized device node path under /dev/, char-CLASS"
          + " or block-CLASS, then optionally one space and access letters r, w, m, e.g. /dev/null rw");
    }
    return List.of(new Assignment(property, "a(ss)", List.of(List.of(path, access.isEmpty() ? "rwm" : access))));
  }

  private static boolean isDevicePattern(String path) {
    if (path.startsWith("char-") || path.startsWith("block-")) {
      return true;
    }
    boolean underDev = path.matches("/+(dev|run/+systemd/+inaccessible)(/.*)?");
    return underDev && !path.endsWith("/") && Values.isNormalizedPath(path);
  }

  private static Property ipAccess(String name, String what) {
    return new Property(name, name + " a(iayu)", BOTH, false, 235, null,
        what + ": ADDRESS[/PREFIX] ..., any, localhost, link-local or multicast",
        (property, value) -> List.of(new Assignment(property, "a(iayu)", Values.ipPrefixes(property, value))));
  }

  /**
   * A cgroup name below the unit's own, empty to reset. dbus-cgroup.c refuses names that
   * cg_needs_escape: not a valid file name, a leading '_' or '.', cgroup.* or CONTROLLER.*, or a
   * cgroup v1 file name.
   */
  private static List<Assignment> cgroupName(String property, String value) {
    boolean controllerFile = CONTROLLERS.stream().anyMatch(c -> value.startsWith(c + "."));
    if (!value.isEmpty() && (!Values.isValidFilename(value) || value.startsWith("_")
        || value.startsWith(".") || value.startsWith("cgroup.") || controllerFile
        || List.of("tasks", "notify_on_release", "release_agent").contains(value))) {
      throw Values.invalid(property, value, "a cgroup name such as init: a file name of at most"
          + " 255 bytes, no leading '_' or '.', not cgroup.* or CONTROLLER.*");
    }
    return List.of(new Assignment(property, "s", value));
  }

  private static Property sandbox(String name, int since, String summary) {
    return new Property(name, name + " b", SERVICE, true, since, null, summary, bool());
  }

  private static Property paths(String name, String summary) {
    return new Property(name, name + " as", SERVICE, true, 231, null,
        summary + ": absolute paths, - prefix to ignore missing ones; empty resets",
        (property, value) -> {
          List<String> paths = Values.words(property, value);
          for (String path : paths) {
            String bare = path.replaceFirst("^[-+]+", "");
            if (!bare.startsWith("/")) {
              throw Values.invalid(property, value, "absolute paths; '" + path + "' is not one");
            }
          }
          return List.of(new Assignment(property, "as", List.copyOf(paths)));
        });
  }

  /** yes/no as systemd prints them (booleans in any spelling), or one of the modes. */
  private static List<Assignment> protectSystem(String property, String value) {
    return List.of(new Assignment(property, "s", booleanOrMode(property, value, "full", "strict")));
  }

  private static List<Assignment> protectHome(String property, String value) {
    return List.of(new Assignment(property, "s", booleanOrMode(property, value, "read-only", "tmpfs")));
  }

  private static String booleanOrMode(String property, String value, String... modes) {
    String v = value.trim();
    if (List.of(modes).contains(v)) {
      return v;
    }
    try {
      return Values.bool(property, v) ? "yes" : "no";
    } catch (InvalidPropertyException e) {
      throw Values.invalid(property, value, "yes, no, " + String.join(" or ", modes));
    }
  }

  private static List<Assignment> cpuQuota(String property, String value) {
    if (value.isBlank()) {
      return List.of(new Assignment("CPUQuotaPerSecUSec", "t", Values.INFINITY));
    }
    BigDecimal percent = Values.percentOrNull(value);
    if (percent == null || percent.signum() <= 0) {
      throw Values.invalid(property, value, "a percentage above 0%, e.g. 50% or 200%");
    }
    int permyriad = Values.permyriadAtMost(property, value, percent, Integer.MAX_VALUE,
        "above 0% and at most 21474836.47%");
    // One percent of one CPU is 10 ms of CPU time per second.
    return List.of(new Assignment("CPUQuotaPerSecUSec", "t", permyriad * 100L));
  }

  /** CPU weights: 1-10000, idle (0), or empty for the default. */
  private static List<Assignment> weight(String property, String value) {
    String v = value.trim();
    long weight = v.isEmpty() ? Values.INFINITY
        : v.equals("idle") ? 0 : Values.number(property, v, 1, 10_000);
    return List.of(new Assignment(property, "t", weight));
  }

  /** IO weights: 1-10000, or empty for the default; no idle. */
  private static Parser ioWeight() {
    return (property, value) -> List.of(new Assignment(property, "t",
        value.isBlank() ? Values.INFINITY : Values.number(property, value.trim(), 1, 10_000)));
  }

  private static List<Assignment> cpuQuotaPeriod(String property, String value) {
    long usec = value.isBlank() ? Values.INFINITY : Values.timespanUsec(property, value);
    return List.of(new Assignment("CPUQuotaPeriodUSec", "t", usec));
  }

  private static List<Assignment> pressureLimit(String property, String value) {
    BigDecimal percent = Values.percentOrNull(value);
    if (percent == null) {
      throw Values.invalid(property, value, "a percentage such as 60%");
    }
    return List.of(new Assignment(property, "u", Values.scale(property, value, percent)));
  }

  private static List<Assignment> umask(String property, String value) {
    if (!value.trim().matches("[0-7]{1,4}")) {
      throw Values.invalid(property, value, "an octal mode such as 0022 or 077");
    }
    return List.of(new Assignment(property, "u", Integer.parseInt(value.trim(), 8)));
  }

  /**
   * {@code LimitX=SOFT:HARD} or one value for both, as rlimit_parse reads it: each a count, a
   * size or a time span by the limit's kind, or infinity. systemd takes the hard limit as
   * {@code LimitX} and the soft one as {@code LimitXSoft}.
   */
  private static Property resourceLimit(String name, RlimitKind kind, String what) {
    return new Property(name, name + " t + " + name + "Soft t", SERVICE, true, 1, null,
        "resource limit on " + what + ": SOFT:HARD or one value for both, " + kind.expected
            + ", or infinity",
        (property, value) -> {
          String[] parts = value.split(":", -1);
          OptionalLong soft = kind.parse(parts[0]);
          OptionalLong hard = parts.length == 2 ? kind.parse(parts[1]) : soft;
          if (parts.length > 2 || soft.isEmpty() || hard.isEmpty()) {
            throw Values.invalid(property, value,
                "LIMIT or SOFT:HARD, each " + kind.expected + " or infinity, e.g. 1024:4096");
          }
          if (Long.compareUnsigned(soft.getAsLong(), hard.getAsLong()) > 0) {
            throw Values.invalid(property, value, "a soft limit not above the hard limit");
          }
          return List.of(new Assignment(property, "t", hard.getAsLong()),
              new Assignment(property + "Soft", "t", soft.getAsLong()));
        });
  }

  /** How rlimit_parse_one reads one limit; each kind takes infinity, and nothing at or above it. */
  private enum RlimitKind {
    COUNT("a count", Values::parseUnsigned),
    SIZE("a size with K/M/G suffix", text -> Values.parseSize(text, 1024));

    final String expected;
    private final Function<String, OptionalLong> parser;

    RlimitKind(String expected, Function<String, OptionalLong> parser) {
      this.expected = expected;
      this.parser = parser;
    }

    OptionalLong parse(String text) {
      if (text.equals("infinity")) {
        return OptionalLong.of(Values.INFINITY);
      }
      return parser.apply(text).stream().filter(n -> n != Values.INFINITY).findFirst();
    }
  }

  /**
   * TasksMax: a count as safe_atou64 reads it, N% or infinity. systemd refuses zero and, as
   * TasksMaxScale, 0% and 100% (bus_cgroup_set_tasks_max_scale takes 1 to UINT32_MAX - 1).
   */
  private static List<Assignment> tasksMax(String property, String value) {
    List<Assignment> limit = scalableLimit(property, value, 1,
        v -> Values.unsigned(property, v, 0, Values.INFINITY));
    if (limit.get(0).value().equals(-1) && limit.get(0).signature().equals("u")) {
      throw Values.invalid(property, value, "a percentage above 0% and below 100%");
    }
    return limit;
  }

  private static List<Assignment> delegate(String property, String value) {
    try {
      return List.of(new Assignment(property, "b", Values.bool(property, value)));
    } catch (InvalidPropertyException notABoolean) {
      List<String> controllers = Values.words(property, value);
      for (String controller : controllers) {
        if (!CONTROLLERS.contains(controller)) {
          throw Values.invalid(property, value,
              "yes, no, or controller names such as 'cpu memory pids'; unknown controller '"
                  + controller + "'");
        }
      }
      if (controllers.isEmpty()) {
        throw Values.invalid(property, value, "yes, no, or controller names such as 'cpu memory pids'");
      }
      return List.of(new Assignment("DelegateControllers", "as", List.copyOf(controllers)));
    }
  }

  private static List<Assignment> slice(String property, String value) {
    return List.of(new Assignment(property, "s", UnitNames.complete(value.trim(), ".slice", "slice")));
  }

  private static List<Assignment> nice(String property, String value) {
    return List.of(new Assignment(property, "i", (int) Values.number(property, value, -20, 19)));
  }

  private static List<Assignment> workingDirectory(String property, String value) {
    String dir = value.startsWith("-") ? value.substring(1) : value;
    if (!dir.startsWith("/") && !dir.equals("~")) {
      throw Values.invalid(property, value, "an absolute path or ~");
    }
    return List.of(new Assignment(property, "s", value));
  }

  /** NAME=VALUE words; dbus-execute.c refuses invalid names and a name set twice in one value. */
  private static List<Assignment> environment(String property, String value) {
    List<String> assignments = Values.words(property, value);
    Set<String> names = new HashSet<>();
    for (String assignment : assignments) {
      if (!EnvironmentVariables.isValidAssignment(assignment)) {
        throw Values.invalid(property, value, "NAME=VALUE assignments, NAME of letters, digits and"
            + " '_', not starting with a digit; '" + assignment + "' is not one");
      }
      if (!names.add(assignment.substring(0, assignment.indexOf('=')))) {
        throw Values.invalid(property, value, "each variable once; '" + assignment + "' sets one again");
      }
    }
    return List.of(new Assignment(property, "as", List.copyOf(assignments)));
  }

  private static Parser string() {
    return (property, value) -> List.of(new Assignment(property, "s", value));
  }

  private static Parser bool() {
    return (property, value) -> List.of(new Assignment(property, "b", Values.bool(property, value)));
  }

  private static Parser signal() {
    return (property, value) -> List.of(new Assignment(property, "i", Values.signal(property, value)));
  }

  private static Parser words(String... allowed) {
    List<String> words = List.of(allowed);
    return (property, value) ->
        List.of(new Assignment(property, "s", Values.oneOf(property, value.trim(), words)));
  }

  private static Parser timespan(String wireName) {
    return (property, value) ->
        List.of(new Assignment(wireName, "t", Values.timespanUsec(property, value)));
  }
}
