package dev.confine;

import dev.confine.PropertyTable.Assignment;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether what a spec asks for is really enforced: before the start, against the controllers the
 * manager can hand out; after it, against what systemd stored and what cgroupfs says.
 */
final class Enforcement {
  /** The cgroup v2 controllers that limits depend on. */
  static final Set<String> LIMIT_CONTROLLERS = Set.of("cpu", "cpuset", "io", "memory", "pids");
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final long PAGE = 4096;
  private static final long DEFAULT_CPU_PERIOD_USEC = 100_000;
  /**
   * Settings whose Startup… variant the cgroup files show while the manager starts or stops. Not
   * MemoryLow: measured on systemd 257, memory.low keeps MemoryLow then.
   */
  private static final List<String> STARTUP_VARIANTS = List.of("CPUWeight", "IOWeight",
      "AllowedCPUs", "AllowedMemoryNodes", "MemoryMax", "MemoryHigh", "MemorySwapMax",
      "MemoryZSwapMax");

  private Enforcement() {}

  /**
   * The settings of {@code spec} whose controller is not in {@code available}, the controllers
   * of the manager's own cgroup ({@code holder}, e.g. user@1000.service).
   */
  static List<NotEnforced> preflight(UnitSpec spec, Set<String> available, String holder,
      Manager manager) {
    List<NotEnforced> findings = new ArrayList<>();
    spec.properties().forEach((name, values) -> {
      String value = String.join(" ", values);
      for (String controller : controllersNeeded(name, spec.assignmentsOf(name))) {
        if (!available.contains(controller)) {
          findings.add(new NotEnforced(name, value, "controller " + controller + " is not delegated to "
              + holder + " (it has: " + String.join(" ", available.stream().sorted().toList()) + ")",
              delegationHint(manager, holder)));
        }
      }
    });
    return findings;
  }

  /** Whether any setting of {@code spec} depends on a limit controller. */
  static boolean needsControllers(UnitSpec spec) {
    return spec.properties().keySet().stream()
        .anyMatch(name -> !controllersNeeded(name, spec.assignmentsOf(name)).isEmpty());
  }

  private static List<String> controllersNeeded(String name, List<Assignment> assignments) {
    List<String> needed = new ArrayList<>();
    String controller = PropertyTable.require(name).controller();
    // A list emptied (IOWriteBandwidthMax= with no value) sets no limit: it needs no controller.
    boolean onlyResets = !assignments.isEmpty() && assignments.stream().allMatch(Assignment::empties);
    if (controller != null && LIMIT_CONTROLLERS.contains(controller) && !onlyResets) {
      needed.add(controller);
    }
    for (Assignment assignment : assignments) {
      if (assignment.name().equals("DelegateControllers")) {
        ((List<?>) assignment.value()).stream().map(String::valueOf)
            .filter(LIMIT_CONTROLLERS::contains).forEach(needed::add);
      }
    }
    return needed;
  }

  /** Who holds a manager's controllers, by its cgroup: {@code user@1000.service}, or the system manager. */
  static String holder(Path managerCgroup) {
    return managerCgroup.equals(CgroupFiles.ROOT) ? "the system manager" : managerCgroup.getFileName().toString();
  }

  /** How to give a manager ({@code holder}) the controllers it lacks. */
  static String delegationHint(Manager manager, String holder) {
    return manager == Manager.USER
        ? "delegate them to user managers: sudo confine setup delegation (it installs"
            + " units/user@.service.d/delegate.conf from confine's sources), then " + restartHint(holder)
        : "none from confine: the kernel does not offer the controller here";
  }

  /** How to restart a user manager ({@code user@UID.service}). */
  static String restartHint(String userManager) {
    return "log out and in again, or: sudo systemctl restart " + userManager;
  }

  /**
   * Whether {@link #verify} can find anything. Not for a spec that sets only a Description: systemd
   * keeps one as sent, but for an empty one, which it reads back as the unit's name.
   */
  static boolean needsReadBack(UnitSpec spec) {
    return spec.properties().entrySet().stream().anyMatch(property ->
        !property.getKey().equals("Description") || String.join("", property.getValue()).isEmpty());
  }

  /** Whether {@link #verify} needs to know if the manager is starting or stopping. */
  static boolean hasStartupVariant(UnitSpec spec) {
    return spec.properties().keySet().stream().anyMatch(name -> name.startsWith("Startup"));
  }

  /**
   * Compares a started unit with its spec: each sent value with what systemd {@code stored}
   * (the unit's properties), and each resource setting with the unit's cgroup files, taking the
   * Startup… variants while the manager is {@code startingOrStopping}.
   */
  static List<NotEnforced> verify(UnitSpec spec, Map<String, Object> stored, Path cgroup,
      boolean startingOrStopping) {
    // While the manager starts up or shuts down, a Startup… setting replaces the steady one.
    Map<String, Object> effective = new HashMap<>(stored);
    if (startingOrStopping) {
      for (String steady : STARTUP_VARIANTS) {
        if (spec.properties().containsKey("Startup" + steady)) {
          effective.put(steady, stored.get("Startup" + steady));
        }
      }
    }
    List<NotEnforced> findings = new ArrayList<>();
    spec.properties().forEach((name, values) -> {
      String value = String.join(" ", values);
      String problem = storedMismatch(spec.assignmentsOf(name), stored);
      if (problem == null && cgroup != null && Files.isDirectory(cgroup)) {
        problem = cgroupMismatch(name, effective, cgroup);
        if (problem != null && startingOrStopping && spec.properties().containsKey("Startup" + name)) {
          problem += " (the manager is starting up or shutting down, so Startup" + name + " applies)";
        }
      }
      if (problem != null) {
        findings.add(new NotEnforced(name, value, problem, ""));
      }
    });
    return findings;
  }

  /**
   * The first sent value systemd reports differently, or null. A list must hold every sent
   * element; systemd may add its own (ProtectClock=yes adds DeviceAllow=char-rtc r).
   */
  private static String storedMismatch(List<Assignment> sent, Map<String, Object> stored) {
    for (String wireName : sent.stream().map(Assignment::name).distinct().toList()) {
      if (!stored.containsKey(wireName)) {
        continue; // write-only forms such as MemoryMaxScale
      }
      List<Assignment> forName = sent.stream().filter(a -> a.name().equals(wireName)).toList();
      Merge merge = forName.get(forName.size() - 1).merge();
      List<String> expected = merge.expected(forName);
      List<String> reported = merge.stored(stored.get(wireName), forName);
      if (!expected.equals(reported)) {
        String actual = WireValues.text(stored.get(wireName));
        return merge == Merge.REPLACES
            ? "systemd stored " + wireName + "=" + actual + " instead of " + expected.get(0)
            : "systemd's " + wireName + "=" + actual + " lacks " + String.join(" ",
                expected.stream().filter(element -> !reported.contains(element)).toList());
      }
    }
    return null;
  }

  private static String cgroupMismatch(String name, Map<String, Object> stored, Path cgroup) {
    switch (name) {
      case "MemoryMax": return memory(cgroup, "memory.max", stored.get(name));
      case "MemoryHigh": return memory(cgroup, "memory.high", stored.get(name));
      case "MemoryLow": return memory(cgroup, "memory.low", stored.get(name));
      case "MemoryMin": return memory(cgroup, "memory.min", stored.get(name));
      case "MemorySwapMax": return memory(cgroup, "memory.swap.max", stored.get(name));
      case "MemoryZSwapMax": return memory(cgroup, "memory.zswap.max", stored.get(name));
      case "TasksMax": return expectFile(cgroup, "pids.max", limitText(stored.get(name)));
      case "CPUQuota":
      case "CPUQuotaPeriodSec":
        return expectFile(cgroup, "cpu.max",
            cpuMax(unsigned(stored.get("CPUQuotaPerSecUSec")), unsigned(stored.get("CPUQuotaPeriodUSec"))));
      case "CPUWeight":
        return unsigned(stored.get(name)).signum() == 0 ? expectFile(cgroup, "cpu.idle", "1")
            : expectFile(cgroup, "cpu.weight", weightText(stored.get(name)));
      case "IOWeight":
        return expectLine(cgroup, "io.weight", "default " + weightText(stored.get(name)));
      case "IODeviceWeight": return perDevice(cgroup, "io.weight", stored.get(name), "");
      case "IOReadBandwidthMax": return perDevice(cgroup, "io.max", stored.get(name), "rbps=");
      case "IOWriteBandwidthMax": return perDevice(cgroup, "io.max", stored.get(name), "wbps=");
      case "IOReadIOPSMax": return perDevice(cgroup, "io.max", stored.get(name), "riops=");
      case "IOWriteIOPSMax": return perDevice(cgroup, "io.max", stored.get(name), "wiops=");
      case "IODeviceLatencyTargetSec":
        return perDevice(cgroup, "io.latency", stored.get("IODeviceLatencyTargetUSec"), "target=");
      case "AllowedCPUs": return cpuSet(cgroup, "cpuset.cpus", stored.get(name));
      case "AllowedMemoryNodes": return cpuSet(cgroup, "cpuset.mems", stored.get(name));
      default: return null;
    }
  }

  /** The kernel keeps memory limits in pages: it rounds a byte value down to one. */
  private static String memory(Path cgroup, String file, Object stored) {
    BigInteger bytes = unsigned(stored);
    String expected = bytes.equals(UINT64_MAX) ? "max"
        : bytes.subtract(bytes.mod(BigInteger.valueOf(PAGE))).toString();
    return expectFile(cgroup, file, expected);
  }

  /** What systemd writes to cpu.max: quota for the (clamped) period, at least 1 ms. */
  static String cpuMax(BigInteger quotaPerSec, BigInteger period) {
    if (quotaPerSec.equals(UINT64_MAX)) {
      return "max " + DEFAULT_CPU_PERIOD_USEC;
    }
    long periodUsec = period.equals(UINT64_MAX) ? DEFAULT_CPU_PERIOD_USEC : period.longValueExact();
    long quota = quotaPerSec.longValueExact();
    periodUsec = Math.max(periodUsec, 1_000);
    periodUsec = Math.max(periodUsec, quota == 0 ? periodUsec : 1_000L * 1_000_000L / quota);
    periodUsec = Math.min(periodUsec, 1_000_000);
    long quotaUsec = Math.max(
        BigInteger.valueOf(quota).multiply(BigInteger.valueOf(periodUsec))
            .divide(BigInteger.valueOf(1_000_000)).longValueExact(), 1_000);
    return quotaUsec + " " + periodUsec;
  }

  private static String perDevice(Path cgroup, String file, Object stored, String key) {
    List<?> entries = WireValues.elements(stored);
    Path path = cgroup.resolve(file);
    if (entries.isEmpty()) {
      return null;
    }
    if (!Files.exists(path)) {
      return missing(path);
    }
    List<String> lines = readFile(path).lines().toList();
    for (Object entry : entries) {
      List<?> fields = WireValues.fields(entry);
      String device;
      try {
        device = deviceNumber(Path.of(String.valueOf(fields.get(0))));
      } catch (IOException e) {
        return "cannot find the device " + fields.get(0) + ": " + e.getMessage();
      }
      BigInteger amount = unsigned(fields.get(1));
      String expected = key + limitText(amount);
      String line = lines.stream().filter(l -> l.startsWith(device + " ")).findFirst().orElse(null);
      if (line == null || !List.of(line.split(" ")).contains(key.isEmpty() ? amount.toString() : expected)) {
        return path + " has " + (line == null ? "no line for " + device : "'" + line + "'")
            + ", expected " + device + " " + expected;
      }
    }
    return null;
  }

  /** MAJ:MIN of a block device node. */
  static String deviceNumber(Path node) throws IOException {
    long rdev = ((Number) Files.getAttribute(node, "unix:rdev")).longValue();
    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    return major + ":" + minor;
  }

  private static String cpuSet(Path cgroup, String file, Object stored) {
    BitSet expected = BitSet.valueOf(WireValues.bytes(stored));
    Path path = cgroup.resolve(file);
    if (!Files.exists(path)) {
      return missing(path);
    }
    String actual = readFile(path).trim();
    // The kernel writes the list as -p takes it: 0-1,3.
    BitSet effective = BitSet.valueOf(Values.cpuSet(file, actual));
    return effective.equals(expected) ? null : path + " reads '" + actual + "'";
  }

  private static String expectFile(Path cgroup, String file, String expected) {
    Path path = cgroup.resolve(file);
    if (!Files.exists(path)) {
      return missing(path);
    }
    String actual = readFile(path).trim();
    return actual.equals(expected) ? null : path + " reads '" + actual + "', expected '" + expected + "'";
  }

  private static String expectLine(Path cgroup, String file, String expected) {
    Path path = cgroup.resolve(file);
    if (!Files.exists(path)) {
      return missing(path);
    }
    return readFile(path).lines().anyMatch(expected::equals) ? null
        : path + " has no line '" + expected + "'";
  }

  private static String missing(Path path) {
    String controller = path.getFileName().toString().split("\\.")[0];
    return path + " does not exist: the " + controller
        + " controller is not enabled for the unit, or the kernel lacks this interface";
  }

  private static String readFile(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      return "";
    }
  }

  /** A limit as cgroupfs writes it: "max" for unset. */
  private static String limitText(Object stored) {
    BigInteger value = unsigned(stored);
    return value.equals(UINT64_MAX) ? "max" : value.toString();
  }

  /** A weight as cgroupfs shows it: an unset weight is the kernel's default, 100. */
  private static String weightText(Object stored) {
    BigInteger weight = unsigned(stored);
    return weight.equals(UINT64_MAX) ? "100" : weight.toString();
  }

  private static BigInteger unsigned(Object value) {
    return new BigInteger(WireValues.text(value));
  }
}
