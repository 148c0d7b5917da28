package dev.confine;

import dev.confine.UnitStatus.Delegation;
import dev.confine.UnitStatus.Pressure;
import dev.confine.UnitStatus.Usage;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/** Builds what list, top and status report from a unit's properties and its cgroup files. */
final class Observation {
  /** The limits list and top show. */
  static final List<String> MAIN_LIMITS = List.of("MemoryMax", "MemoryHigh", "CPUQuota", "TasksMax");
  /** The resource settings status shows, as systemd holds them. */
  private static final List<String> LIMITS = List.of("MemoryMin", "MemoryLow", "MemoryHigh", "MemoryMax",
      "MemorySwapMax", "MemoryZSwapMax", "CPUQuota", "CPUWeight", "AllowedCPUs", "AllowedMemoryNodes",
      "TasksMax", "IOWeight");
  /** The same settings as the kernel holds them. */
  private static final List<String> LIMIT_FILES = List.of("memory.min", "memory.low", "memory.high",
      "memory.max", "memory.swap.max", "memory.zswap.max", "cpu.max", "cpu.weight", "cpuset.cpus.effective",
      "cpuset.mems.effective", "pids.max", "io.weight", "io.max");
  private static final List<String> PRESSURE = List.of("memory", "cpu", "io");

  private Observation() {}

  static UnitSummary summary(String unit, Map<String, Object> properties) {
    return new UnitSummary(unit, string(properties, "Description"), string(properties, "ActiveState"),
        string(properties, "SubState"), uint64(properties, "MemoryCurrent"), uint64(properties, "CPUUsageNSec"),
        uint64(properties, "TasksCurrent"), configured(properties, MAIN_LIMITS));
  }

  /**
   * The unit's status: what the kernel shows in its cgroup where that is visible here, else what
   * systemd reports.
   */
  static UnitStatus status(String unit, Map<String, Object> properties, CgroupFiles cgroup) {
    Map<String, String> effective = new LinkedHashMap<>();
    for (String file : LIMIT_FILES) {
      cgroup.text(file).filter(text -> !text.isEmpty()).ifPresent(text -> effective.put(file, text.replace("\n", ", ")));
    }
    Map<String, Pressure> pressure = new LinkedHashMap<>();
    for (String resource : PRESSURE) {
      cgroup.pressure(resource + ".pressure").ifPresent(p -> pressure.put(resource, p));
    }
    Usage usage = new Usage(
        either(cgroup.number("memory.current"), uint64(properties, "MemoryCurrent")),
        either(cgroup.number("memory.peak"), uint64(properties, "MemoryPeak")),
        either(cgroup.number("memory.swap.current"), uint64(properties, "MemorySwapCurrent")),
        either(times(cgroup.keyed("cpu.stat", "usage_usec"), 1000), uint64(properties, "CPUUsageNSec")),
        either(cgroup.number("pids.current"), uint64(properties, "TasksCurrent")),
        either(cgroup.ioTotal("rbytes"), uint64(properties, "IOReadBytes")),
        either(cgroup.ioTotal("wbytes"), uint64(properties, "IOWriteBytes")));
    Delegation delegation = new Delegation(Boolean.TRUE.equals(properties.get("Delegate")),
        WireValues.elements(properties.get("DelegateControllers")).stream().map(String::valueOf).toList(),
        string(properties, "DelegateSubgroup"), cgroup.ownerUid());
    long mainPid = Formats.uint64(properties.get("MainPID"));
    return new UnitStatus(unit, string(properties, "Description"), string(properties, "LoadState"),
        string(properties, "ActiveState"), string(properties, "SubState"), string(properties, "Result"),
        properties.containsKey("FreezerState") ? string(properties, "FreezerState") : "running",
        Boolean.TRUE.equals(properties.get("Transient")), string(properties, "ControlGroup"),
        mainPid > 0 ? OptionalLong.of(mainPid) : OptionalLong.empty(),
        cgroup.processes(), configured(properties, LIMITS), effective, usage, pressure,
        delegation);
  }

  /** The named settings that are set, as -p takes them: {@code MemoryMax → 20M}, {@code CPUQuota → 20%}. */
  static Map<String, String> configured(Map<String, Object> properties, List<String> names) {
    Map<String, String> limits = new LinkedHashMap<>();
    for (String name : names) {
      Optional<String> text = switch (name) {
        case "CPUQuota" -> set(properties, "CPUQuotaPerSecUSec", 0, usec -> percent(usec, 10_000));
        case "MemoryMin", "MemoryLow" -> set(properties, name, 1, Formats::bytes);
        case "MemoryHigh", "MemoryMax", "MemorySwapMax", "MemoryZSwapMax" -> set(properties, name, 0, Formats::bytes);
        case "AllowedCPUs", "AllowedMemoryNodes" -> properties.containsKey(name)
            ? Optional.of(Formats.cpuList(WireValues.bytes(properties.get(name)))).filter(list -> !list.isEmpty())
            : Optional.empty();
        default -> set(properties, name, 0, String::valueOf);
      };
      text.ifPresent(value -> limits.put(name, value));
    }
    return limits;
  }

  /** A uint64 setting that is neither infinity nor below {@code least}, formatted. */
  private static Optional<String> set(Map<String, Object> properties, String name, long least,
      Function<Long, String> format) {
    long value = Formats.uint64(properties.get(name));
    return value >= least ? Optional.of(format.apply(value)) : Optional.empty();
  }

  private static String percent(long value, long perPercent) {
    return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(perPercent)).stripTrailingZeros().toPlainString() + "%";
  }

  private static OptionalLong uint64(Map<String, Object> properties, String name) {
    long value = Formats.uint64(properties.get(name));
    return value >= 0 ? OptionalLong.of(value) : OptionalLong.empty();
  }

  private static OptionalLong times(OptionalLong value, long factor) {
    return value.isPresent() ? OptionalLong.of(value.getAsLong() * factor) : value;
  }

  private static OptionalLong either(OptionalLong first, OptionalLong second) {
    return first.isPresent() ? first : second;
  }

  private static String string(Map<String, Object> properties, String name) {
    Object value = properties.get(name);
    return value == null ? "" : String.valueOf(value);
  }
}
