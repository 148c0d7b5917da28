package dev.confine;

import dev.confine.PropertyTable.Assignment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a transient unit is made of: an optional name, and property assignments that were
 * checked against confine's property table when they were set. Immutable.
 */
public abstract sealed class UnitSpec permits ScopeSpec, ServiceSpec, TriggerSpec {
  private final String name;
  private final boolean collect;
  private final Map<String, List<String>> properties;
  private final List<Assignment> assignments;
  private final Map<String, List<Assignment>> assignmentsByProperty;

  /** One {@code NAME=VALUE} as given, and what it is sent as. */
  private record Setting(String property, String value, List<Assignment> wire) {
    /** Whether it adds to the property's earlier values (list elements) rather than replacing them. */
    boolean addsUp() {
      return wire.stream().noneMatch(Assignment::replaces);
    }
  }

  UnitSpec(Builder<?, ?> builder) {
    this.name = builder.name;
    this.collect = builder.collect;
    // What is in effect after each setting, by property: systemd applies them in order.
    Map<String, List<Setting>> inEffect = new LinkedHashMap<>();
    for (Setting setting : builder.settings) {
      List<Setting> current = inEffect.computeIfAbsent(setting.property(), property -> new ArrayList<>());
      if (!setting.addsUp()) {
        current.clear();
      }
      current.add(setting);
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    Map<String, List<Assignment>> wire = new LinkedHashMap<>();
    inEffect.forEach((property, settings) -> {
      values.put(property, settings.stream().map(Setting::value).toList());
      wire.put(property, settings.stream().flatMap(setting -> setting.wire().stream()).toList());
    });
    this.properties = Collections.unmodifiableMap(values);
    this.assignmentsByProperty = Collections.unmodifiableMap(wire);
    this.assignments = builder.settings.stream().flatMap(setting -> setting.wire().stream()).toList();
  }

  abstract UnitType type();

  /** The unit name, when one was chosen; otherwise confine generates {@code confine-<hex>}. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** Whether a failed unit is unloaded when it stops ({@code CollectMode=inactive-or-failed}). */
  public boolean collect() {
    return collect;
  }

  /**
   * The property values in effect, by unit-file name, in the order first set. A list-valued
   * property (DeviceAllow, Environment, ExecStartPre, SuccessExitStatus …) keeps every value
   * since it was last emptied, as systemd adds them up; for the others the last value wins.
   * Every assignment is still sent, in the order given, as systemd-run sends them.
   */
  public Map<String, List<String>> properties() {
    return properties;
  }

  /** What every assignment is sent as, in the order given. */
  List<Assignment> assignments() {
    return assignments;
  }

  /** What the values in effect of one property, by unit-file name, were sent as. */
  List<Assignment> assignmentsOf(String property) {
    return assignmentsByProperty.getOrDefault(property, List.of());
  }

  /** {@code NAME=VALUE} as {NAME, VALUE}; the value may be empty or hold more '=' signs. */
  static String[] split(String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new InvalidPropertyException(
          "invalid property assignment '" + assignment + "': expected NAME=VALUE");
    }
    return new String[] {assignment.substring(0, eq), assignment.substring(eq + 1)};
  }

  /** Common builder: each setter validates at once and throws {@link InvalidPropertyException}. */
  public abstract static class Builder<S extends UnitSpec, B extends Builder<S, B>> {
    private final UnitType type;
    private String name;
    private boolean collect = true;
    private final List<Setting> settings = new ArrayList<>();

    Builder(UnitType type) {
      this.type = type;
    }

    abstract B self();

    public abstract S build();

    /** Whether a property has been set. */
    boolean has(String property) {
      return lastValue(property).isPresent();
    }

    /** The value the property was last set to, as given. */
    Optional<String> lastValue(String property) {
      String value = null;
      for (Setting setting : settings) {
        if (setting.property().equals(property)) {
          value = setting.value();
        }
      }
      return Optional.ofNullable(value);
    }

    /** The unit name; the type suffix is added when missing ({@code job1} → {@code job1.scope}). */
    public B name(String name) {
      this.name = UnitNames.complete(name, type.suffix(), "unit name");
      return self();
    }

    /**
     * Sets a property by its unit-file name and value, exactly as {@code systemd-run -p
     * NAME=VALUE} takes it, e.g. {@code property("MemoryMax", "512M")}. Each call is sent, in
     * order: a list property adds up, an empty value empties it, and for the others the last
     * value wins.
     */
    public B property(String name, String value) {
      settings.add(new Setting(name, value, PropertyTable.parseAssignment(name, value, type)));
      return self();
    }

    /** Sets a property from {@code NAME=VALUE}, as {@code systemd-run -p} takes it. */
    public B property(String assignment) {
      String[] nameAndValue = split(assignment);
      return property(nameAndValue[0], nameAndValue[1]);
    }

    /** Keep failed units loaded for inspection instead of collecting them (default: collect). */
    public B collect(boolean collect) {
      this.collect = collect;
      return self();
    }

    public B description(String description) {
      return property("Description", description);
    }

    /** The slice to run in, e.g. {@code batch} or {@code batch.slice}. */
    public B slice(String slice) {
      return property("Slice", slice);
    }

    /** {@code MemoryMax=}: the hard memory limit in bytes. */
    public B memoryMax(long bytes) {
      return property("MemoryMax", Long.toString(bytes));
    }

    /** {@code MemoryHigh=}: the throttling limit in bytes. */
    public B memoryHigh(long bytes) {
      return property("MemoryHigh", Long.toString(bytes));
    }

    /** {@code MemoryMax=}: the hard memory limit. */
    public B memoryMax(Bytes limit) {
      return property("MemoryMax", limit.toString());
    }

    /** {@code MemoryMax=N%}: the hard memory limit as a share of physical memory. */
    public B memoryMax(Percent ofPhysicalMemory) {
      return property("MemoryMax", ofPhysicalMemory.toString());
    }

    /** {@code MemoryHigh=}: the throttling limit. */
    public B memoryHigh(Bytes limit) {
      return property("MemoryHigh", limit.toString());
    }

    /** {@code MemoryLow=}: best-effort protection from reclaim. */
    public B memoryLow(Bytes protection) {
      return property("MemoryLow", protection.toString());
    }

    /** {@code MemoryMin=}: hard protection from reclaim. */
    public B memoryMin(Bytes protection) {
      return property("MemoryMin", protection.toString());
    }

    /** {@code MemorySwapMax=}: the swap limit. */
    public B memorySwapMax(Bytes limit) {
      return property("MemorySwapMax", limit.toString());
    }

    /** {@code CPUQuota=}: CPU time in percent of one CPU; 200 means two full CPUs. */
    public B cpuQuota(int percent) {
      return property("CPUQuota", percent + "%");
    }

    /** {@code CPUQuota=}: CPU time in percent of one CPU, e.g. {@code Percent.of(12.5)}. */
    public B cpuQuota(Percent ofOneCpu) {
      return property("CPUQuota", ofOneCpu.toString());
    }

    /** {@code CPUQuotaPeriodSec=}: the period over which the quota is measured. */
    public B cpuQuotaPeriod(Duration period) {
      return property("CPUQuotaPeriodSec", timespan(period));
    }

    /** {@code AllowedCPUs=}: the CPUs the processes may run on (needs the cpuset controller). */
    public B allowedCpus(CpuSet cpus) {
      return property("AllowedCPUs", cpus.toString());
    }

    /** {@code AllowedMemoryNodes=}: the NUMA nodes the processes may use (cpuset controller). */
    public B allowedMemoryNodes(CpuSet nodes) {
      return property("AllowedMemoryNodes", nodes.toString());
    }

    /** {@code TasksMax=N%}: the task limit as a share of the system's. */
    public B tasksMax(Percent ofSystemLimit) {
      return property("TasksMax", ofSystemLimit.toString());
    }

    /** {@code IOWeight=}: relative IO share 1-10000, default 100 (needs the io controller). */
    public B ioWeight(int weight) {
      return property("IOWeight", Integer.toString(weight));
    }

    /** {@code IOReadBandwidthMax=DEVICE BYTES}: a read limit per second on one block device. */
    public B ioReadBandwidthMax(Path device, Bytes perSecond) {
      return property("IOReadBandwidthMax", device + " " + perSecond);
    }

    /** {@code IOWriteBandwidthMax=DEVICE BYTES}: a write limit per second on one block device. */
    public B ioWriteBandwidthMax(Path device, Bytes perSecond) {
      return property("IOWriteBandwidthMax", device + " " + perSecond);
    }

    /** {@code RuntimeMaxSec=}: stop the unit after this long. */
    public B runtimeMax(Duration runtime) {
      return property("RuntimeMaxSec", timespan(runtime));
    }

    /** A duration in the unit-file form, exact to the microsecond. */
    private static String timespan(Duration duration) {
      if (duration.isNegative()) {
        throw new InvalidPropertyException("a duration cannot be negative: " + duration);
      }
      return Math.addExact(Math.multiplyExact(duration.getSeconds(), 1_000_000L),
          duration.getNano() / 1_000) + "us";
    }

    /** {@code CPUWeight=}: relative share 1-10000, default 100. */
    public B cpuWeight(int weight) {
      return property("CPUWeight", Integer.toString(weight));
    }

    /** {@code TasksMax=}: the maximum number of processes and threads. */
    public B tasksMax(long tasks) {
      return property("TasksMax", Long.toString(tasks));
    }

    /** {@code Delegate=yes|no}: hand the unit's cgroup subtree over to its processes. */
    public B delegate(boolean delegate) {
      return property("Delegate", delegate ? "yes" : "no");
    }

    /** {@code Delegate=cpu memory …}: delegate with exactly these controllers enabled. */
    public B delegate(Collection<String> controllers) {
      return property("Delegate", String.join(" ", controllers));
    }
  }
}
