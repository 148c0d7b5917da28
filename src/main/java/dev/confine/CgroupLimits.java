package dev.confine;

import dev.confine.PropertyTable.Assignment;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Limits for cgroups that a delegatee creates itself: the same {@code NAME=VALUE} grammar as
 * {@code -p}, turned into the cgroupfs writes systemd would make for a unit.
 */
final class CgroupLimits {
  /** One write: the value for one interface file. */
  record FileWrite(String file, String value) {}

  private static final Pattern MEM_TOTAL = Pattern.compile("MemTotal:\\s+(\\d+) kB");
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final long UINT32_MAX = 0xFFFF_FFFFL;
  private static final Map<String, String> MEMORY_FILES = Map.of("MemoryMax", "memory.max",
      "MemoryHigh", "memory.high", "MemoryLow", "memory.low", "MemoryMin", "memory.min",
      "MemorySwapMax", "memory.swap.max", "MemoryZSwapMax", "memory.zswap.max");

  /** What child cgroups take: the limits that have an interface file of their own. */
  static final List<String> SUPPORTED = List.of("MemoryMax", "MemoryHigh", "MemoryLow", "MemoryMin",
      "MemorySwapMax", "MemoryZSwapMax", "TasksMax", "CPUQuota", "CPUWeight", "IOWeight",
      "IODeviceWeight", "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax",
      "IOWriteIOPSMax", "AllowedCPUs", "AllowedMemoryNodes");

  private CgroupLimits() {}

  /** The writes for {@code property=value}, or {@link InvalidPropertyException}. */
  static List<FileWrite> of(String property, String value) {
    String name = PropertyTable.require(property).name();
    if (!SUPPORTED.contains(name)) {
      throw new InvalidPropertyException(name + " is a systemd setting with no cgroup file of its own;"
          + " a child cgroup takes: " + String.join(", ", SUPPORTED));
    }
    List<FileWrite> writes = new ArrayList<>();
    for (Assignment assignment : PropertyTable.parseAssignment(name, value, UnitType.SCOPE)) {
      writes.add(write(name, value, assignment));
    }
    return writes;
  }

  private static FileWrite write(String property, String value, Assignment assignment) {
    Object wire = assignment.value();
    switch (assignment.name()) {
      case "MemoryMax": case "MemoryHigh": case "MemoryLow": case "MemoryMin": case "MemorySwapMax":
      case "MemoryZSwapMax":
        // The kernel rounds byte values down to whole pages itself.
        return new FileWrite(memoryFile(assignment.name()), limit(wire));
      case "MemoryMaxScale": case "MemoryHighScale": case "MemoryLowScale": case "MemoryMinScale":
      case "MemorySwapMaxScale": case "MemoryZSwapMaxScale":
        String steady = assignment.name().substring(0, assignment.name().length() - "Scale".length());
        return new FileWrite(memoryFile(steady), Long.toString(ofPhysicalMemory((Integer) wire)));
      case "TasksMax":
        return new FileWrite("pids.max", limit(wire));
      case "CPUQuotaPerSecUSec":
        return new FileWrite("cpu.max", Enforcement.cpuMax(unsigned(wire), UINT64_MAX));
      case "CPUWeight":
        // systemd's CPUWeight=idle is weight 0: the cgroup's cpu.idle.
        return unsigned(wire).signum() == 0 ? new FileWrite("cpu.idle", "1")
            : new FileWrite("cpu.weight", limit(wire));
      case "IOWeight":
        return new FileWrite("io.weight", "default " + wire);
      case "AllowedCPUs":
        return new FileWrite("cpuset.cpus", Formats.cpuList((byte[]) wire));
      case "AllowedMemoryNodes":
        return new FileWrite("cpuset.mems", Formats.cpuList((byte[]) wire));
      case "IODeviceWeight":
        return perDevice("io.weight", "", wire);
      case "IOReadBandwidthMax":
        return perDevice("io.max", "rbps=", wire);
      case "IOWriteBandwidthMax":
        return perDevice("io.max", "wbps=", wire);
      case "IOReadIOPSMax":
        return perDevice("io.max", "riops=", wire);
      case "IOWriteIOPSMax":
        return perDevice("io.max", "wiops=", wire);
      default:
        throw Values.invalid(property, value, "a number; percentages of the system's tasks are for units only");
    }
  }

  private static String memoryFile(String property) {
    return MEMORY_FILES.get(property);
  }

  /** systemd's "infinity" is the kernel's "max". */
  private static String limit(Object wire) {
    BigInteger value = unsigned(wire);
    return value.equals(UINT64_MAX) ? "max" : value.toString();
  }

  private static BigInteger unsigned(Object wire) {
    long value = ((Number) wire).longValue();
    return value == Values.INFINITY ? UINT64_MAX : BigInteger.valueOf(value);
  }

  /** A …Scale value (a fraction of 2^32-1) of the machine's memory, in bytes. */
  private static long ofPhysicalMemory(int scale) {
    long total;
    try {
      Matcher m = MEM_TOTAL.matcher(Files.readString(Path.of("/proc/meminfo")));
      if (!m.find()) {
        throw new CgroupException("cannot find MemTotal in /proc/meminfo");
      }
      total = Long.parseLong(m.group(1)) * 1024;
    } catch (IOException e) {
      throw new CgroupException("cannot read /proc/meminfo: " + e.getMessage());
    }
    return BigInteger.valueOf(total).multiply(BigInteger.valueOf(Integer.toUnsignedLong(scale)))
        .divide(BigInteger.valueOf(UINT32_MAX)).longValueExact();
  }

  private static FileWrite perDevice(String file, String key, Object wire) {
    List<?> entries = WireValues.elements(wire);
    if (entries.size() != 1) {
      throw new InvalidPropertyException("give one device per limit, e.g. /dev/vda 10M");
    }
    List<?> fields = WireValues.fields(entries.get(0));
    Path device = Path.of(String.valueOf(fields.get(0)));
    try {
      return new FileWrite(file, Enforcement.deviceNumber(device) + " " + key + limit(fields.get(1)));
    } catch (IOException e) {
      throw new InvalidPropertyException("cannot find the device " + device + ": " + e.getMessage());
    }
  }
}
