package dev.confine;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

  /** One D-Bus property assignment, with plain Java values: t=Long, u/i=Integer, b, s, as. */
  record Assignment(String name, String signature, Object value) {}

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
      String name,
      String wire,
      Set<UnitType> types,
      boolean creationOnly,
      int since,
      String controller,
      String summary,
      Parser parser) {

    List<Assignment> parse(String value) {
      return parser.parse(name, value);
    }
  }

  private static final Set<UnitType> BOTH = EnumSet.allOf(UnitType.class);
  private static final Set<UnitType> SERVICE = EnumSet.of(UnitType.SERVICE);
  private static final List<String> CONTROLLERS =
      List.of("cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids",
          "bpf-firewall", "bpf-devices", "bpf-foreign", "bpf-socket-bind",
          "bpf-restrict-network-interfaces");

  static final List<Property> ALL =
      List.of(
          new Property("Description", "Description s", BOTH, false, 1, null,
              "human-readable description shown by systemctl", string()),
          new Property("Slice", "Slice s", BOTH, true, 1, null,
              "slice to place the unit in (NAME or NAME.slice)", PropertyTable::slice),
          new Property("CollectMode", "CollectMode s", BOTH, false, 236, null,
              "inactive | inactive-or-failed: when the stopped unit is unloaded",
              words("inactive", "inactive-or-failed")),
          memory("MemoryMax", 231, "hard memory limit; above it the OOM killer acts"),
          memory("MemoryHigh", 231, "memory throttling limit; above it reclaim is forced"),
          memory("MemoryLow", 231, "best-effort memory protection"),
          memory("MemoryMin", 240, "hard memory protection"),
          memory("MemorySwapMax", 232, "swap limit"),
          new Property("MemoryAccounting", "MemoryAccounting b", BOTH, false, 208, "memory",
              "account memory use", bool()),
          new Property("CPUAccounting", "CPUAccounting b", BOTH, false, 208, "cpu",
              "account CPU time", bool()),
          new Property("CPUQuotaPeriodSec", "CPUQuotaPeriodUSec t", BOTH, false, 242, "cpu",
              "period over which CPUQuota is measured (default 100ms)",
              PropertyTable::cpuQuotaPeriod),
          new Property("StartupCPUWeight", "StartupCPUWeight t", BOTH, false, 231, "cpu",
              "CPUWeight while the system boots or shuts down", PropertyTable::weight),
          new Property("CPUQuota", "CPUQuotaPerSecUSec t", BOTH, false, 213, "cpu",
              "CPU time limit in percent of one CPU (200% = two CPUs)", PropertyTable::cpuQuota),
          new Property("CPUWeight", "CPUWeight t", BOTH, false, 231, "cpu",
              "relative CPU share 1-10000 (default 100), or idle", PropertyTable::weight),
          new Property("TasksMax", "TasksMax t | TasksMaxScale u", BOTH, false, 227, "pids",
              "maximum number of tasks (processes and threads), N, N% or infinity",
              PropertyTable::tasksMax),
          new Property("TasksAccounting", "TasksAccounting b", BOTH, false, 227, "pids",
              "account the number of tasks", bool()),
          new Property("IOAccounting", "IOAccounting b", BOTH, false, 230, "io",
              "account block IO", bool()),
          new Property("IOWeight", "IOWeight t", BOTH, false, 230, "io",
              "relative IO share 1-10000 (default 100)", ioWeight()),
          new Property("StartupIOWeight", "StartupIOWeight t", BOTH, false, 230, "io",
              "IOWeight while the system boots or shuts down", ioWeight()),
          new Property("DevicePolicy", "DevicePolicy s", BOTH, false, 208, null,
              "auto | closed | strict: which device nodes may be opened",
              words("auto", "closed", "strict")),
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
              words("none", "avoid", "omit")),
          new Property("Delegate", "Delegate b | DelegateControllers as", BOTH, true, 218, null,
              "yes/no, or the controllers to hand over to the unit's processes",
              PropertyTable::delegate),
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
          new Property("Type", "Type s", SERVICE, true, 240, null,
              "service start-up type (confine defaults to exec)",
              words("simple", "exec", "forking", "oneshot", "dbus", "notify", "notify-reload",
                  "idle")),
          new Property("RemainAfterExit", "RemainAfterExit b", SERVICE, true, 1, null,
              "keep the service active after its process exits", bool()),
          new Property("Nice", "Nice i", SERVICE, true, 1, null,
              "scheduling priority -20..19", PropertyTable::nice),
          new Property("WorkingDirectory", "WorkingDirectory s", SERVICE, true, 1, null,
              "working directory: an absolute path or ~", PropertyTable::workingDirectory),
          new Property("Environment", "Environment as", SERVICE, true, 1, null,
              "environment assignments NAME=VALUE ...", PropertyTable::environment),
          new Property("UMask", "UMask u", SERVICE, true, 1, null,
              "file mode creation mask, in octal (e.g. 0027)", PropertyTable::umask),
          new Property("NoNewPrivileges", "NoNewPrivileges b", SERVICE, true, 187, null,
              "forbid gaining privileges through setuid binaries or file capabilities", bool()),
          resourceLimit("LimitNOFILE", false, "open files"),
          resourceLimit("LimitNPROC", false, "processes of the user"),
          resourceLimit("LimitCORE", true, "core dump size"),
          resourceLimit("LimitFSIZE", true, "file size"),
          resourceLimit("LimitMEMLOCK", true, "locked memory"),
          resourceLimit("LimitSTACK", true, "stack size"),
          new Property("User", "User s", SERVICE, true, 1, null,
              "user to run as (system manager)", string()),
          new Property("Group", "Group s", SERVICE, true, 1, null,
              "group to run as (system manager)", string()));

  private static final Map<String, Property> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(Property::name, Function.identity()));

  private PropertyTable() {}

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

  private static List<Assignment> memoryLimit(String property, String value) {
    // An empty value resets: no protection for MemoryLow/MemoryMin, no limit for the others.
    if (value.isBlank() && (property.equals("MemoryLow") || property.equals("MemoryMin"))) {
      return List.of(new Assignment(property, "t", 0L));
    }
    return scalableLimit(property, value, v -> Values.bytes(property, v));
  }

  /** A limit given as an absolute value, {@code N%} (sent as {@code …Scale}) or infinity. */
  private static List<Assignment> scalableLimit(
      String property, String value, ToLongFunction<String> absolute) {
    if (value.isBlank() || value.trim().equals("infinity")) {
      return List.of(new Assignment(property, "t", Values.INFINITY));
    }
    BigDecimal percent = Values.percentOrNull(value);
    if (percent != null) {
      return List.of(new Assignment(property + "Scale", "u", Values.scale(property, value, percent)));
    }
    return List.of(new Assignment(property, "t", absolute.applyAsLong(value)));
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
   * {@code LimitX=soft:hard} or one value for both: counts, or sizes with K/M/G suffixes for the
   * size limits, or infinity. systemd takes the hard limit as {@code LimitX} and the soft one as
   * {@code LimitXSoft}.
   */
  private static Property resourceLimit(String name, boolean size, String what) {
    return new Property(name, name + " t + " + name + "Soft t", SERVICE, true, 1, null,
        "resource limit on " + what + ": SOFT:HARD or one value for both, or infinity",
        (property, value) -> {
          String[] parts = value.trim().split(":", -1);
          if (parts.length > 2 || value.isBlank()) {
            throw Values.invalid(property, value, "LIMIT or SOFT:HARD, e.g. 1024:4096 or infinity");
          }
          long soft = rlimit(property, parts[0], size);
          long hard = parts.length == 2 ? rlimit(property, parts[1], size) : soft;
          if (Long.compareUnsigned(soft, hard) > 0) {
            throw Values.invalid(property, value, "a soft limit not above the hard limit");
          }
          return List.of(new Assignment(property, "t", hard), new Assignment(property + "Soft", "t", soft));
        });
  }

  private static long rlimit(String property, String value, boolean size) {
    if (value.trim().equals("infinity")) {
      return Values.INFINITY;
    }
    return size ? Values.bytes(property, value) : Values.number(property, value, 0, Long.MAX_VALUE);
  }

  private static List<Assignment> tasksMax(String property, String value) {
    return scalableLimit(property, value, v -> Values.number(property, v, 1, Long.MAX_VALUE));
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

  private static List<Assignment> environment(String property, String value) {
    List<String> assignments = Values.words(property, value);
    for (String assignment : assignments) {
      if (assignment.indexOf('=') <= 0) {
        throw Values.invalid(property, value, "NAME=VALUE assignments; '" + assignment + "' is not one");
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
