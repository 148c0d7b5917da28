package dev.confine;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The one table of {@code -p NAME=VALUE} properties: every builder method, the CLI's {@code -p}
 * parser and its help come from here. Each entry turns a unit-file value into the D-Bus
 * assignments {@code StartTransientUnit} takes.
 */
final class PropertyTable {

  /**
   * One D-Bus property assignment, with plain Java values: t=Long, u/q/i=Integer, b, s, ay=byte[],
   * arrays as List, structs as List of their fields.
   */
  record Assignment(String name, String signature, Object value, Merge merge) {
    /** An assignment that merges as its signature does: arrays add up, the rest replace. */
    Assignment(String name, String signature, Object value) {
      this(name, signature, value, Merge.of(signature));
    }

    /** Whether it replaces what earlier assignments of the name set, rather than adding to it. */
    boolean replaces() {
      return merge.replaces(value);
    }

    /** Whether it only empties a list ({@code IOWriteBandwidthMax=} with no value): sets nothing. */
    boolean empties() {
      return merge != Merge.REPLACES && replaces();
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

    /**
     * The first systemd version that takes what it was sent as on a unit of the given type: an
     * exec command's Ex form came later than the property.
     */
    int since(UnitType type, List<Assignment> wire) {
      return wire.stream().anyMatch(ExecCommand::isEx)
          ? Math.max(since(type), ExecCommand.exSince(name)) : since(type);
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

  /** [Unit] settings: every unit type takes them, trigger units too. */
  private static final Set<UnitType> ANY = EnumSet.allOf(UnitType.class);
  private static final Set<UnitType> BOTH = EnumSet.of(UnitType.SCOPE, UnitType.SERVICE);
  private static final Set<UnitType> SERVICE = EnumSet.of(UnitType.SERVICE);
  private static final Set<UnitType> TIMER = EnumSet.of(UnitType.TIMER);
  private static final Set<UnitType> PATH = EnumSet.of(UnitType.PATH);
  private static final Set<UnitType> SOCKET = EnumSet.of(UnitType.SOCKET);
  private static final Set<UnitType> PATH_OR_SOCKET = EnumSet.of(UnitType.PATH, UnitType.SOCKET);
  /** MS_SHARED, MS_SLAVE and MS_PRIVATE. */
  private static final Map<String, Long> MOUNT_PROPAGATION =
      Map.of("shared", 1L << 20, "slave", 1L << 19, "private", 1L << 18);

  /** The architecture names of SystemCallArchitectures (seccomp_arch_from_string). */
  private static final Set<String> SYSCALL_ARCHITECTURES = Set.of("native", "x86", "x86-64", "x32",
      "arm", "arm64", "loongarch64", "mips", "mips64", "mips64-n32", "mipsel", "mipsel64",
      "mipsel64-n32", "parisc", "parisc64", "ppc", "ppc64", "ppc64-le", "riscv64", "s390", "s390x");

  /**
   * The address families af_from_name knows (glibc's AF_ names, AF_UNSPEC and AF_MAX left out),
   * in any case, as the managers of 252 and 257 take them (measured).
   */
  private static final Set<String> ADDRESS_FAMILIES = Set.of("AF_UNIX", "AF_LOCAL", "AF_FILE",
      "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM", "AF_BRIDGE", "AF_ATMPVC",
      "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY",
      "AF_NETLINK", "AF_ROUTE", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS",
      "AF_SNA", "AF_IRDA", "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN",
      "AF_TIPC", "AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET", "AF_IEEE802154",
      "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK", "AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP",
      "AF_MCTP");

  private static final String IO_LIMIT = "a base-1000 size such as 10M, or infinity";
  private static final List<String> CONTROLLERS =
      List.of("cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids",
          "bpf-firewall", "bpf-devices", "bpf-foreign", "bpf-socket-bind",
          "bpf-restrict-network-interfaces");

  /**
   * A Condition…= or Assert…= type: its name after the prefix, the first systemd whose manager
   * takes it over the bus (the Conditions and Asserts properties came in 237), whether the
   * manager wants an absolute path (condition_takes_path), and what holds when it passes.
   */
  private record Check(String type, int since, boolean takesPath, String holds) {}

  private static final List<Check> CHECKS = List.of(
      new Check("Architecture", 237, false, "the CPU architecture is this one (native, x86-64, arm64 …)"),
      new Check("Firmware", 249, false, "the firmware is this one (uefi, device-tree, smbios-field(…) …)"),
      new Check("Virtualization", 237, false, "running virtualized (yes, vm, container, kvm …)"),
      new Check("Host", 237, false, "the host name or machine ID matches"),
      new Check("KernelCommandLine", 237, false, "the kernel command line has this word or NAME=VALUE"),
      new Check("KernelVersion", 237, false, "the kernel release matches, e.g. >=6.1"),
      new Check("Credential", 252, false, "the manager has this credential"),
      new Check("Security", 237, false, "this security technology is on (selinux, apparmor, tpm2 …)"),
      new Check("Capability", 237, false, "the manager's bounding set has this capability"),
      new Check("ACPower", 237, false, "on AC power (yes) or not (no)"),
      new Check("NeedsUpdate", 237, true, "/etc or /var (the path) is older than /usr"),
      new Check("FirstBoot", 237, false, "this is (yes) or is not (no) the first boot"),
      new Check("PathExists", 237, true, "the path exists"),
      new Check("PathExistsGlob", 237, true, "a path matching the glob exists"),
      new Check("PathIsDirectory", 237, true, "the path is a directory"),
      new Check("PathIsSymbolicLink", 237, true, "the path is a symbolic link"),
      new Check("PathIsMountPoint", 237, true, "the path is a mount point"),
      new Check("PathIsReadWrite", 237, true, "the path is on a writable file system"),
      new Check("PathIsEncrypted", 246, true, "the path is on an encrypted block device"),
      new Check("DirectoryNotEmpty", 237, true, "the path is a directory holding a file"),
      new Check("FileNotEmpty", 237, true, "the path is a non-empty regular file"),
      new Check("FileIsExecutable", 237, true, "the path is an executable regular file"),
      new Check("User", 237, false, "the manager runs as this user (name, UID or @system)"),
      new Check("Group", 237, false, "the manager is in this group"),
      new Check("ControlGroupController", 237, false, "these cgroup controllers are available"),
      new Check("CPUs", 242, false, "the CPU count compares true, e.g. >=2"),
      new Check("Memory", 242, false, "the memory size compares true, e.g. >=1G"),
      new Check("Environment", 246, false, "the manager's environment has NAME or NAME=VALUE"),
      new Check("CPUFeature", 248, false, "the CPU has this feature, e.g. sse4_2"),
      new Check("OSRelease", 249, false, "os-release matches, e.g. ID=debian or VERSION_ID>=12"),
      new Check("MemoryPressure", 250, false, "memory pressure is below the limit, e.g. 10% or 20%/1min"),
      new Check("CPUPressure", 250, false, "CPU pressure is below the limit, e.g. 10%"),
      new Check("IOPressure", 250, false, "IO pressure is below the limit, e.g. 10%"));

  static final List<Property> ALL = List.of(
      group("unit",
          new Property("Description", "Description s", ANY, false, 1, null,
              "human-readable description shown by systemctl", string()),
          new Property("Slice", "Slice s", BOTH, true, 1, null,
              "slice to place the unit in (NAME or NAME.slice)", PropertyTable::slice),
          new Property("CollectMode", "CollectMode s", ANY, false, 236, null,
              "inactive | inactive-or-failed: when the stopped unit is unloaded",
              words("inactive", "inactive-or-failed")),
          new Property("Markers", "Markers as", ANY, false, 248, null,
              "needs-reload, needs-restart: marks for systemctl reload-or-restart --marked;"
                  + " +MARK and -MARK add and remove", PropertyTable::markers),
          new Property("SourcePath", "SourcePath s", BOTH, true, 1, null,
              "the configuration file the unit was made from, for systemctl status",
              PropertyTable::absolutePath),
          unitFlag("StopWhenUnneeded", 1, "stop the unit once no other unit needs it"),
          unitFlag("RefuseManualStart", 1, "refuse starts asked for by users"),
          unitFlag("RefuseManualStop", 1, "refuse stops asked for by users"),
          unitFlag("AllowIsolate", 1, "allow systemctl isolate to this unit"),
          unitFlag("IgnoreOnIsolate", 1, "keep the unit running when another unit is isolated"),
          unitFlag("SurviveFinalKillSignal", 254,
              "leave the processes alone at the final kill of a soft reboot"),
          jobMode("OnFailureJobMode", 1, "OnFailure"),
          jobMode("OnSuccessJobMode", 249, "OnSuccess"),
          emergencyAction("FailureAction", "when the unit fails"),
          emergencyAction("SuccessAction", "when the unit ends successfully"),
          emergencyAction("StartLimitAction", "when the start rate limit is hit"),
          actionExitStatus("FailureActionExitStatus", "FailureAction"),
          actionExitStatus("SuccessActionExitStatus", "SuccessAction"),
          new Property("RebootArgument", "RebootArgument s", BOTH, true, 1, null,
              "argument of the reboot system call for the reboot actions", rebootArgument()),
          new Property("RequiresMountsFor", "RequiresMountsFor as", BOTH, true, 1, null,
              "absolute paths whose mount units this one requires and starts after",
              wordsEach(PropertyTable::isAbsoluteNormalized, "absolute, normalized paths")),
          new Property("WantsMountsFor", "WantsMountsFor as", BOTH, true, 256, null,
              "absolute paths whose mount units this one wants and starts after",
              wordsEach(PropertyTable::isAbsoluteNormalized, "absolute, normalized paths")),
          emergencyAction("JobTimeoutAction",
              "when a job of the unit times out (transient units get no JobTimeoutSec)"),
          new Property("JobTimeoutRebootArgument", "JobTimeoutRebootArgument s", BOTH, true, 237,
              null, "argument of the reboot system call for JobTimeoutAction", rebootArgument()),
          new Property("JobRunningTimeoutSec", "JobRunningTimeoutUSec t", BOTH, true, 237, null,
              "time a job of the unit may run before it is cancelled (infinity: no limit)",
              timespan("JobRunningTimeoutUSec"))),
      group("dependencies",
          dependency("After", 1, "units this one starts after, when both start"),
          dependency("Before", 1, "units this one starts before, when both start"),
          dependency("Wants", 1, "units started along with this one; their failure does not matter"),
          dependency("Requires", 1, "units started along; if one fails to start, this one fails"),
          dependency("Requisite", 1, "units that must already be active, or this one fails"),
          dependency("BindsTo", 1, "like Requires, and this unit stops when one of them stops"),
          dependency("PartOf", 1, "units whose stop and restart reach this one too"),
          dependency("Upholds", 249, "units started again whenever they stop while this one runs"),
          dependency("Conflicts", 1, "units stopped when this one starts, and the other way round"),
          dependency("OnFailure", 1, "units started when this one fails"),
          dependency("OnSuccess", 249, "units started when this one ends successfully"),
          dependency("PropagatesReloadTo", 1, "units reloaded when this one is"),
          dependency("ReloadPropagatedFrom", 1, "units whose reload reloads this one"),
          dependency("PropagatesStopTo", 249, "units stopped when this one stops"),
          dependency("StopPropagatedFrom", 249, "units whose stop stops this one"),
          dependency("JoinsNamespaceOf", 1, "units whose /tmp and network namespaces this one shares"),
          new Property("DefaultDependencies", "DefaultDependencies b", ANY, true, 1, null,
              "add the usual dependencies on basic.target and shutdown.target (default yes)", bool()),
          new Property("Documentation", "Documentation as", ANY, true, 1, null,
              "documentation URLs: http://, https://, file:, info: or man:",
              wordsEach(PropertyTable::isDocumentationUrl,
                  "URLs starting with http://, https://, file:/, info: or man:"))),
      group("conditions and asserts", checks("Condition", "start only if ", "Conditions")),
      group("conditions and asserts", checks("Assert", "fail the start unless ", "Asserts")),
      group("memory",
          memory("MemoryMax", 231, "hard memory limit; above it the OOM killer acts"),
          memory("MemoryHigh", 231, "memory throttling limit; above it reclaim is forced"),
          memory("MemoryLow", 231, "best-effort memory protection"),
          memory("MemoryMin", 240, "hard memory protection"),
          memory("MemorySwapMax", 232, "swap limit"),
          memory("MemoryZSwapMax", 253, "limit on compressed swap (zswap) in memory"),
          memory("DefaultMemoryMin", 243, "MemoryMin of the unit's children"),
          memory("DefaultMemoryLow", 243, "MemoryLow of the unit's children"),
          memory("MemoryLimit", 208,
              "cgroup v1 name: systemd applies it as memory.max when MemoryMax is unset"),
          startupMemory("StartupMemoryMax", "MemoryMax"),
          startupMemory("StartupMemoryHigh", "MemoryHigh"),
          startupMemory("StartupMemoryLow", "MemoryLow"),
          startupMemory("StartupMemorySwapMax", "MemorySwapMax"),
          startupMemory("StartupMemoryZSwapMax", "MemoryZSwapMax"),
          new Property("MemoryZSwapWriteback", "MemoryZSwapWriteback b", BOTH, false, 256, "memory",
              "let zswap write compressed pages back to swap devices", bool()),
          new Property("MemoryAccounting", "MemoryAccounting b", BOTH, false, 208, "memory",
              "account memory use", bool()),
          new Property("MemoryPressureWatch", "MemoryPressureWatch s", BOTH, false, 254, null,
              "auto | yes | no | skip: tell the processes where to watch for memory pressure",
              booleanOr("auto", "skip")),
          new Property("MemoryPressureThresholdSec", "MemoryPressureThresholdUSec t", BOTH, false,
              254, null, "stall time per 2 s that counts as memory pressure (default 200ms)",
              timespan("MemoryPressureThresholdUSec"))),
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
          cpuShares("CPUShares", "cgroup v1 CPU share"),
          cpuShares("StartupCPUShares", "CPUShares while the system boots or shuts down:"),
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
              "relative IO share 1-10000 (default 100)", weightIn(1, 10_000)),
          new Property("StartupIOWeight", "StartupIOWeight t", BOTH, false, 230, "io",
              "IOWeight while the system boots or shuts down", weightIn(1, 10_000)),
          ioDevice("IODeviceWeight", "IODeviceWeight", 230,
              "IO share on one device: DEVICE WEIGHT, e.g. /dev/vda 200", "a weight from 1 to 10000",
              amount -> Values.parseUnsigned(amount, 1, 10_000)),
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
              "account block IO", bool()),
          // cgroup v1 names, which both managers still take and apply through the io controller.
          new Property("BlockIOAccounting", "BlockIOAccounting b", BOTH, false, 208, "io",
              "cgroup v1 name of IOAccounting", bool()),
          new Property("BlockIOWeight", "BlockIOWeight t", BOTH, false, 208, "io",
              "cgroup v1 IO share 10-1000 (default 500); applied as IOWeight = N/5 when no IO…="
                  + " setting is given", weightIn(10, 1000)),
          new Property("StartupBlockIOWeight", "StartupBlockIOWeight t", BOTH, false, 208, "io",
              "BlockIOWeight while the system boots or shuts down", weightIn(10, 1000)),
          ioDevice("BlockIODeviceWeight", "BlockIODeviceWeight", 208,
              "cgroup v1 IO share on one device: DEVICE WEIGHT, e.g. /dev/vda 500",
              "a weight from 10 to 1000", amount -> Values.parseUnsigned(amount, 10, 1000)),
          ioDevice("BlockIOReadBandwidth", "BlockIOReadBandwidth", 208,
              "cgroup v1 name of IOReadBandwidthMax: DEVICE BYTES/s (base 1000)", IO_LIMIT,
              PropertyTable::ioLimit),
          ioDevice("BlockIOWriteBandwidth", "BlockIOWriteBandwidth", 208,
              "cgroup v1 name of IOWriteBandwidthMax: DEVICE BYTES/s (base 1000)", IO_LIMIT,
              PropertyTable::ioLimit)),
      group("delegation",
          new Property("Delegate", "Delegate b | DelegateControllers as", BOTH, true, 218, null,
              "yes/no, or the controllers to hand over to the unit's processes",
              PropertyTable::delegate),
          new Property("DelegateSubgroup", "DelegateSubgroup s", BOTH, true, 254, null,
              "subgroup of the delegated cgroup that the processes start in, e.g. init",
              PropertyTable::cgroupName),
          new Property("DisableControllers", "DisableControllers as", BOTH, false, 243, null,
              "controllers the unit and its children do not get: cpu, io, memory, pids …; empty resets",
              wordsEach(CONTROLLERS::contains, "cgroup controller names such as cpu or io")),
          new Property("CoredumpReceive", "CoredumpReceive b", BOTH, true, 255, null,
              "hand core dumps of the unit's processes to its own systemd-coredump (with Delegate=yes)",
              bool())),
      group("devices and network",
          new Property("DevicePolicy", "DevicePolicy s", BOTH, false, 208, null,
              "auto | closed | strict: which device nodes may be opened",
              words("auto", "closed", "strict")),
          new Property("DeviceAllow", "DeviceAllow a(ss)", BOTH, false, 208, null,
              "a device node that may be opened: PATH [rwm], e.g. /dev/null rw",
              PropertyTable::deviceAllow),
          ipAccess("IPAddressAllow", "addresses the unit may talk to"),
          ipAccess("IPAddressDeny", "addresses the unit may not talk to"),
          new Property("IPAccounting", "IPAccounting b", BOTH, false, 235, null,
              "count the unit's IP traffic (bytes and packets)", bool()),
          bpfFilter("IPIngressFilterPath", "incoming"),
          bpfFilter("IPEgressFilterPath", "outgoing"),
          new Property("BPFProgram", "BPFProgram a(ss)", BOTH, true, 249, null,
              "a BPF program pinned in bpffs, attached to the unit's cgroup: TYPE:PATH, e.g."
                  + " egress:/sys/fs/bpf/filter; each assignment adds, empty resets",
              FilterValues::bpfProgram),
          socketBind("SocketBindAllow", "may"),
          socketBind("SocketBindDeny", "may not"),
          new Property("NFTSet", "NFTSet a(iiss)", BOTH, false, 255, null,
              "nftables sets the manager adds the unit's cgroup, user or group ID to:"
                  + " SOURCE:FAMILY:TABLE:SET ..., e.g. cgroup:inet:filter:unit; empty resets",
              FilterValues::nftSet),
          allowOrDeny("RestrictNetworkInterfaces", BOTH, false, 250,
              "network interfaces the processes may use", "interface names such as lo or eth0",
              (allow, name) -> FilterValues.isInterfaceName(name))),
      group("lifecycle",
          new Property("KillMode", "KillMode s", BOTH, false, 1, null,
              "which processes stop signals reach",
              words("control-group", "mixed", "process", "none")),
          new Property("KillSignal", "KillSignal i", BOTH, false, 1, null,
              "signal sent to stop the unit (default SIGTERM)", signal()),
          new Property("FinalKillSignal", "FinalKillSignal i", BOTH, false, 240, null,
              "signal for what survives the stop timeout (default SIGKILL)", signal()),
          new Property("RestartKillSignal", "RestartKillSignal i", BOTH, false, 244, null,
              "signal sent to stop the unit for a restart (default: KillSignal)", signal()),
          new Property("WatchdogSignal", "WatchdogSignal i", BOTH, false, 240, null,
              "signal sent when the watchdog fires (default SIGABRT)", signal()),
          new Property("SendSIGHUP", "SendSIGHUP b", BOTH, false, 207, null,
              "also send SIGHUP when stopping", bool()),
          new Property("SendSIGKILL", "SendSIGKILL b", BOTH, false, 1, null,
              "send SIGKILL to what survives the stop timeout", bool()),
          new Property("RuntimeMaxSec", "RuntimeMaxUSec t", BOTH, false, 229, null,
              "stop the unit after this long", timespan("RuntimeMaxUSec")),
          new Property("TimeoutStopSec", "TimeoutStopUSec t", BOTH, false, 1, null,
              "time allowed for stopping before SIGKILL", timespan("TimeoutStopUSec")),
          new Property("RuntimeRandomizedExtraSec", "RuntimeRandomizedExtraUSec t", BOTH, false, 250,
              null, "random extra time, up to this long, added to RuntimeMaxSec",
              timespan("RuntimeRandomizedExtraUSec")),
          new Property("TimeoutStartSec", "TimeoutStartUSec t", SERVICE, true, 1, null,
              "time allowed for starting", timespan("TimeoutStartUSec")),
          new Property("TimeoutSec", "TimeoutStartUSec t + TimeoutStopUSec t", SERVICE, true, 1,
              null, "TimeoutStartSec and TimeoutStopSec at once",
              (property, value) -> List.of(
                  new Assignment("TimeoutStartUSec", "t", Values.timespanUsec(property, value)),
                  new Assignment("TimeoutStopUSec", "t", Values.timespanUsec(property, value)))),
          new Property("TimeoutAbortSec", "TimeoutAbortUSec t", SERVICE, true, 247, null,
              "time allowed for stopping after the watchdog fired", timespan("TimeoutAbortUSec")),
          new Property("TimeoutStartFailureMode", "TimeoutStartFailureMode s", SERVICE, true, 246,
              null, "terminate | abort | kill: how a start that timed out ends",
              words("terminate", "abort", "kill")),
          new Property("TimeoutStopFailureMode", "TimeoutStopFailureMode s", SERVICE, true, 246,
              null, "terminate | abort | kill: how a stop that timed out ends",
              words("terminate", "abort", "kill")),
          new Property("WatchdogSec", "WatchdogUSec t", SERVICE, true, 1, null,
              "time within which the service must report WATCHDOG=1", timespan("WatchdogUSec")),
          new Property("Restart", "Restart s", SERVICE, true, 236, null,
              "no | on-success | on-failure | on-abnormal | on-watchdog | on-abort | always: when"
                  + " systemd starts the service again after it ended",
              words("no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort",
                  "always")),
          new Property("RestartSec", "RestartUSec t", SERVICE, true, 236, null,
              "time to wait before a restart (default 100ms)", timespan("RestartUSec")),
          new Property("RestartSteps", "RestartSteps u", SERVICE, true, 254, null,
              "restarts over which the wait grows from RestartSec to RestartMaxDelaySec",
              unsignedInt()),
          new Property("RestartMaxDelaySec", "RestartMaxDelayUSec t", SERVICE, true, 254, null,
              "longest wait before a restart, reached after RestartSteps",
              timespan("RestartMaxDelayUSec")),
          new Property("RestartMode", "RestartMode s", SERVICE, true, 254, null,
              "normal | direct | debug (257): whether a restart passes through failed",
              words("normal", "direct", "debug")),
          new Property("ExitType", "ExitType s", SERVICE, true, 250, null,
              "main | cgroup: whether the service ends with its main process or its last one",
              words("main", "cgroup")),
          new Property("NotifyAccess", "NotifyAccess s", SERVICE, true, 1, null,
              "none | main | exec | all: which processes may send sd_notify messages",
              words("none", "main", "exec", "all")),
          new Property("ReloadSignal", "ReloadSignal i", SERVICE, true, 253, null,
              "signal that asks a Type=notify-reload service to reload (default SIGHUP)", signal()),
          new Property("StartLimitIntervalSec", "StartLimitIntervalUSec t", BOTH, true, 236,
              null, "window of the start rate limit (default 10s); 0 turns the limit off",
              timespan("StartLimitIntervalUSec")),
          new Property("StartLimitBurst", "StartLimitBurst u", BOTH, true, 236, null,
              "starts allowed within StartLimitIntervalSec before the unit fails (default 5)",
              unsignedInt()),
          exitStatuses("SuccessExitStatus", "exit statuses and signals that count as success"),
          exitStatuses("RestartPreventExitStatus",
              "exit statuses and signals after which Restart= does not restart"),
          exitStatuses("RestartForceExitStatus",
              "exit statuses and signals after which the service restarts whatever Restart= says"),
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
          new Property("ManagedOOMMemoryPressureDurationSec",
              "ManagedOOMMemoryPressureDurationUSec t", BOTH, false, 257, null,
              "how long the pressure must last before systemd-oomd acts (at least 1s)",
              PropertyTable::pressureDuration),
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
          new Property("GuessMainPID", "GuessMainPID b", SERVICE, true, 1, null,
              "guess the main process of a forking service without PIDFile (default yes)", bool()),
          new Property("PIDFile", "PIDFile s", SERVICE, true, 1, null,
              "file the main process of a forking service writes its PID to",
              PropertyTable::absolutePath),
          new Property("BusName", "BusName s", SERVICE, true, 1, null,
              "D-Bus name that a Type=dbus service takes when it is ready",
              (property, value) -> List.of(new Assignment(property, "s", busName(property, value)))),
          new Property("FileDescriptorStoreMax", "FileDescriptorStoreMax u", SERVICE, true, 219,
              null, "file descriptors the service may keep in the manager", unsignedInt()),
          new Property("FileDescriptorStorePreserve", "FileDescriptorStorePreserve s", SERVICE, true,
              254, null, "no | yes | restart: keep the stored file descriptors while stopped",
              booleanOr("restart")),
          sandbox("PermissionsStartOnly", 237,
              "run the other commands without User=, the sandbox and the like (deprecated: use +)"),
          sandbox("RootDirectoryStartOnly", 237,
              "apply RootDirectory= and RootImage= to ExecStart= alone"),
          new Property("USBFunctionDescriptors", "USBFunctionDescriptors s", SERVICE, true, 237,
              null, "file of USB FunctionFS descriptors for a ListenUSBFunction= socket; empty resets",
              absolutePathOrEmpty()),
          new Property("USBFunctionStrings", "USBFunctionStrings s", SERVICE, true, 237, null,
              "file of USB FunctionFS strings for a ListenUSBFunction= socket; empty resets",
              absolutePathOrEmpty()),
          new Property("IgnoreSIGPIPE", "IgnoreSIGPIPE b", SERVICE, true, 1, null,
              "ignore SIGPIPE (default yes)", bool()),
          new Property("MountFlags", "MountFlags t", SERVICE, true, 1, null,
              "shared | slave | private: how mounts propagate out of the service's namespace",
              (property, value) -> List.of(new Assignment(property, "t", MOUNT_PROPAGATION.get(
                  Values.oneOf(property, value, List.of("shared", "slave", "private")))))),
          new Property("SystemCallArchitectures", "SystemCallArchitectures as", SERVICE, true, 209,
              null, "architectures whose system calls are allowed: native, x86-64, x86 …",
              wordsEach(arch -> SYSCALL_ARCHITECTURES.contains(arch),
                  "architectures such as native or x86-64")),
          new Property("User", "User s", BOTH, true, 1, null,
              "user to run as (system manager); for scopes, owner of the delegated cgroup",
              string()).scopesSince(252),
          new Property("Group", "Group s", BOTH, true, 1, null,
              "group to run as (system manager); for scopes, group of the delegated cgroup",
              string()).scopesSince(252),
          new Property("Nice", "Nice i", SERVICE, true, 1, null,
              "scheduling priority -20..19", PropertyTable::nice),
          new Property("Personality", "Personality s", SERVICE, true, 209, null,
              "execution domain: x86 or x86-64 on x86-64 hosts (arm, arm64 … on others)",
              words("x86", "x86-64", "arm", "arm64", "arm-be", "arm64-be", "ppc", "ppc64",
                  "ppc-le", "ppc64-le", "s390", "s390x", "mips", "mips64", "mips-le", "mips64-le",
                  "loongarch64", "riscv32", "riscv64", "parisc", "parisc64", "sparc", "sparc64",
                  "alpha", "ia64", "m68k", "sh", "sh64", "arc", "arc-be", "cris", "nios2", "tilegx")),
          new Property("WorkingDirectory", "WorkingDirectory s", SERVICE, true, 1, null,
              "working directory: an absolute path or ~", PropertyTable::workingDirectory),
          new Property("Environment", "Environment as", SERVICE, true, 1, null,
              "environment assignments NAME=VALUE ...", PropertyTable::environment),
          new Property("EnvironmentFile", "EnvironmentFiles a(sb)", SERVICE, true, 1, null,
              "file of NAME=VALUE lines to read at start; -PATH: ignore a missing file",
              PropertyTable::environmentFile),
          new Property("PassEnvironment", "PassEnvironment as", SERVICE, true, 228, null,
              "names of the manager's variables to pass on", PropertyTable::passEnvironment),
          new Property("UnsetEnvironment", "UnsetEnvironment as", SERVICE, true, 235, null,
              "variables (NAME, or exactly NAME=VALUE) to remove from the environment",
              wordsEach(entry -> EnvironmentVariables.isValidName(entry)
                  || EnvironmentVariables.isValidAssignment(entry), "variable names or NAME=VALUE")),
          new Property("UMask", "UMask u", SERVICE, true, 1, null,
              "file mode creation mask, in octal (e.g. 0027)", PropertyTable::umask),
          new Property("RootDirectory", "RootDirectory s", SERVICE, true, 1, null,
              "directory the processes see as /: an absolute path; empty resets", absolutePathOrEmpty()),
          new Property("RootImage", "RootImage s", SERVICE, true, 233, null,
              "disk image mounted as the processes' /: an absolute path; empty resets",
              absolutePathOrEmpty()),
          new Property("RootVerity", "RootVerity s", SERVICE, true, 246, null,
              "dm-verity data of RootImage=: an absolute path; empty resets", absolutePathOrEmpty()),
          new Property("RootHash", "RootHash ay | RootHashPath s", SERVICE, true, 246, null,
              "dm-verity root hash of RootImage=: hex of at least 16 bytes, or the absolute path"
                  + " of a file holding it", ImageSettings::rootHash),
          new Property("RootHashSignature", "RootHashSignature ay | RootHashSignaturePath s",
              SERVICE, true, 246, null, "PKCS#7 signature of RootHash=: base64:DATA, or the"
                  + " absolute path of a file holding it; base64: alone resets",
              ImageSettings::rootHashSignature),
          new Property("RootImageOptions", "RootImageOptions a(ss)", SERVICE, true, 247, null,
              "mount options of RootImage='s partitions: [PARTITION:]OPTIONS ..., root where no"
                  + " PARTITION is given; empty resets", ImageSettings::rootImageOptions),
          imagePolicy("RootImagePolicy", "RootImage="),
          new Property("MountImages", "MountImages a(ssba(ss))", SERVICE, true, 247, null,
              "disk images mounted in the service's namespace: [-]IMAGE:PATH[:[PARTITION:]OPTIONS"
                  + "…] ..., - first to ignore a missing image; empty resets",
              ImageSettings::mountImages),
          imagePolicy("MountImagePolicy", "MountImages="),
          new Property("ExtensionImages", "ExtensionImages a(sba(ss))", SERVICE, true, 248, null,
              "system extension images overlaid on /usr and /opt: [-]IMAGE[:[PARTITION:]OPTIONS…]"
                  + " ..., - first to ignore a missing image; empty resets",
              ImageSettings::extensionImages),
          imagePolicy("ExtensionImagePolicy", "ExtensionImages="),
          sandbox("RootEphemeral", 254,
              "run on a throw-away copy of RootDirectory= or RootImage= (a btrfs snapshot or copy)"),
          new Property("ExecSearchPath", "ExecSearchPath as", SERVICE, true, 250, null,
              "directories searched for the commands' programs: absolute paths; empty resets",
              wordsEach(path -> isAbsoluteNormalized(path) && path.indexOf(':') < 0,
                  "absolute, normalized paths without ':'")),
          new Property("OpenFile", "OpenFile a(sst)", SERVICE, true, 253, null,
              "a file the manager opens and passes as a descriptor: PATH[:FDNAME[:read-only,append,"
                  + "truncate,graceful]]", PropertyTable::openFile)),
      group("commands",
          execCommand("ExecCondition", 243, SERVICE,
              "command whose failure skips the start (exit 1-254) or fails it"),
          execCommand("ExecStartPre", 236, SERVICE, "command run before the main one"),
          execCommand("ExecStart", 1, SERVICE, "command run before the command line's own;"
              + " more than one needs Type=oneshot"),
          execCommand("ExecStartPost", 236, SERVICE, "command run once the main one started"),
          execCommand("ExecReload", 236, SERVICE, "command that reloads the service"),
          execCommand("ExecStop", 236, SERVICE, "command that stops the service"),
          execCommand("ExecStopPost", 236, SERVICE, "command run after the service stopped"),
          execCommandEx("ExecCondition"), execCommandEx("ExecStartPre"), execCommandEx("ExecStart"),
          execCommandEx("ExecStartPost"), execCommandEx("ExecReload"), execCommandEx("ExecStop"),
          execCommandEx("ExecStopPost")),
      group("logging and stdio",
          new Property("StandardInput", "StandardInput s | StandardInputFile s"
                  + " | StandardInputFileDescriptorName s", SERVICE, true, 1, null,
              "null | tty | tty-force | tty-fail | data | socket | file:PATH | fd:NAME",
              stdio("null", "tty", "tty-force", "tty-fail", "data", "socket")),
          new Property("StandardInputData", "StandardInputData ay", SERVICE, true, 236, null,
              "data for StandardInput=data, in base64; each assignment appends, empty resets",
              (property, value) -> List.of(new Assignment(property, "ay", Values.base64(property, value, value)))),
          new Property("StandardInputText", "StandardInputData ay", SERVICE, true, 236, null,
              "a line for StandardInput=data, C escapes resolved; appended to StandardInputData",
              // Sent as StandardInputData, which the manager takes: it has no StandardInputText
              // (systemd-run sends that name, and is refused, up to 258).
              (property, value) -> {
                byte[] text = Values.unescape(property, value, value, false);
                byte[] line = Arrays.copyOf(text, text.length + 1);
                line[text.length] = '\n';
                return List.of(new Assignment("StandardInputData", "ay", line));
              }),
          stdout("StandardOutput"),
          stdout("StandardError"),
          new Property("TTYPath", "TTYPath s", SERVICE, true, 1, null,
              "terminal for StandardInput=tty and friends (default /dev/console)",
              PropertyTable::absolutePath),
          new Property("TTYReset", "TTYReset b", SERVICE, true, 1, null,
              "reset the terminal before and after the service", bool()),
          new Property("TTYVHangup", "TTYVHangup b", SERVICE, true, 1, null,
              "hang up the terminal's other users before and after the service", bool()),
          new Property("TTYVTDisallocate", "TTYVTDisallocate b", SERVICE, true, 1, null,
              "clear a virtual console after the service", bool()),
          new Property("TTYRows", "TTYRows u", SERVICE, true, 249, null,
              "rows of the terminal", unsignedInt()),
          new Property("TTYColumns", "TTYColumns u", SERVICE, true, 249, null,
              "columns of the terminal", unsignedInt()),
          new Property("UtmpIdentifier", "UtmpIdentifier s", SERVICE, true, 1, null,
              "utmp/wtmp entry for the service's terminal, up to 4 characters", string()),
          new Property("UtmpMode", "UtmpMode s", SERVICE, true, 225, null,
              "init | login | user: the kind of utmp entry", words("init", "login", "user")),
          new Property("SyslogIdentifier", "SyslogIdentifier s", SERVICE, true, 1, null,
              "name the journal shows for the service's output (default: the process name)", string()),
          new Property("SyslogLevel", "SyslogLevel i", SERVICE, true, 1, null,
              "default log level of the output: emerg, alert, crit, err, warning, notice, info,"
                  + " debug or 0-7", logLevel()),
          new Property("SyslogFacility", "SyslogFacility i", SERVICE, true, 1, null,
              "syslog facility of the output: kern, user, daemon, local0-local7 …",
              PropertyTable::syslogFacility),
          new Property("SyslogLevelPrefix", "SyslogLevelPrefix b", SERVICE, true, 1, null,
              "read <N> level prefixes from output lines (default yes)", bool()),
          new Property("LogLevelMax", "LogLevelMax i", SERVICE, true, 236, null,
              "drop log messages above this level: emerg … debug or 0-7", logLevel()),
          new Property("LogRateLimitIntervalSec", "LogRateLimitIntervalUSec t", SERVICE, true, 240,
              null, "window of the journal's rate limit for the service",
              timespan("LogRateLimitIntervalUSec")),
          new Property("LogRateLimitBurst", "LogRateLimitBurst u", SERVICE, true, 240, null,
              "messages allowed within LogRateLimitIntervalSec", unsignedInt()),
          new Property("LogNamespace", "LogNamespace s", SERVICE, true, 245, null,
              "journal namespace the output goes to (its own systemd-journald@NAME); empty resets",
              PropertyTable::logNamespace),
          new Property("LogExtraFields", "LogExtraFields aay", SERVICE, true, 236, null,
              "a FIELD=VALUE journal field added to every message of the service",
              PropertyTable::logExtraField),
          new Property("LogFilterPatterns", "LogFilterPatterns a(bs)", SERVICE, true, 253, null,
              "a PCRE2 pattern: only messages that match one are logged; ~ first: those that"
                  + " match are dropped; each assignment adds, empty resets",
              FilterValues::logFilterPattern)),
      group("scheduling",
          new Property("CPUSchedulingPolicy", "CPUSchedulingPolicy i", SERVICE, true, 1, null,
              "other | batch | idle | fifo | rr: the CPU scheduling policy",
              named(Map.of("other", 0, "fifo", 1, "rr", 2, "batch", 3, "idle", 5))),
          new Property("CPUSchedulingPriority", "CPUSchedulingPriority i", SERVICE, true, 1, null,
              "realtime priority 1-99 for fifo and rr (0 for the others)",
              signedInRange(0, 99)),
          new Property("CPUSchedulingResetOnFork", "CPUSchedulingResetOnFork b", SERVICE, true, 1,
              null, "children do not inherit realtime scheduling", bool()),
          new Property("IOSchedulingClass", "IOSchedulingClass i", SERVICE, true, 1, null,
              "none | realtime | best-effort | idle: the IO scheduling class",
              named(Map.of("none", 0, "realtime", 1, "best-effort", 2, "idle", 3))),
          new Property("IOSchedulingPriority", "IOSchedulingPriority i", SERVICE, true, 1, null,
              "IO priority 0 (highest) to 7 within the class", signedInRange(0, 7)),
          new Property("NUMAPolicy", "NUMAPolicy i", SERVICE, true, 243, null,
              "default | preferred | bind | interleave | local: the NUMA memory policy",
              named(Map.of("default", 0, "preferred", 1, "bind", 2, "interleave", 3, "local", 4))),
          new Property("NUMAMask", "NUMAMask ay", SERVICE, true, 243, null,
              "NUMA nodes of the policy, e.g. 0-1 (confine does not expand all)",
              (property, value) -> List.of(new Assignment(property, "ay", Values.cpuSet(property, value)))),
          new Property("CPUAffinity", "CPUAffinity ay | CPUAffinityFromNUMA b", SERVICE, true, 1,
              null, "CPUs the processes may run on, e.g. 0-3,6, or numa (245: the NUMA nodes' CPUs)",
              (property, value) -> List.of(value.equals("numa")
                  ? new Assignment("CPUAffinityFromNUMA", "b", true)
                  : new Assignment(property, "ay", Values.cpuSet(property, value)))),
          new Property("OOMScoreAdjust", "OOMScoreAdjust i", SERVICE, true, 1, null,
              "-1000 (never) to 1000 (first): how eagerly the OOM killer picks the processes",
              signedInRange(-1000, 1000)),
          new Property("TimerSlackNSec", "TimerSlackNSec t", SERVICE, true, 228, null,
              "how late the processes' timers may fire, to save wake-ups: e.g. 50us, 1ms, or"
                  + " nanoseconds; infinity for the inherited slack",
              (property, value) ->
                  List.of(new Assignment(property, "t", Values.timespanNsec(property, value))))),
      group("resource limits",
          resourceLimit("LimitNOFILE", RlimitKind.COUNT, "open files"),
          resourceLimit("LimitNPROC", RlimitKind.COUNT, "processes of the user"),
          resourceLimit("LimitCORE", RlimitKind.SIZE, "core dump size"),
          resourceLimit("LimitFSIZE", RlimitKind.SIZE, "file size"),
          resourceLimit("LimitMEMLOCK", RlimitKind.SIZE, "locked memory"),
          resourceLimit("LimitSTACK", RlimitKind.SIZE, "stack size"),
          resourceLimit("LimitAS", RlimitKind.SIZE, "address space size"),
          resourceLimit("LimitRSS", RlimitKind.SIZE, "resident set size (not enforced by Linux)"),
          resourceLimit("LimitDATA", RlimitKind.SIZE, "data segment size"),
          resourceLimit("LimitMSGQUEUE", RlimitKind.SIZE, "bytes in POSIX message queues"),
          resourceLimit("LimitLOCKS", RlimitKind.COUNT, "file locks (not enforced by Linux)"),
          resourceLimit("LimitSIGPENDING", RlimitKind.COUNT, "queued signals"),
          resourceLimit("LimitRTPRIO", RlimitKind.COUNT, "realtime priority"),
          resourceLimit("LimitCPU", RlimitKind.SECONDS, "CPU time"),
          resourceLimit("LimitRTTIME", RlimitKind.MICROSECONDS, "realtime CPU time without a blocking call"),
          resourceLimit("LimitNICE", RlimitKind.NICE, "nice level")),
      group("directories",
          directory("RuntimeDirectory", 211, "under /run (or $XDG_RUNTIME_DIR), removed at stop"),
          directory("StateDirectory", 235, "under /var/lib (or ~/.local/state)"),
          directory("CacheDirectory", 235, "under /var/cache (or ~/.cache)"),
          directory("LogsDirectory", 235, "under /var/log (or ~/.local/state/log)"),
          directory("ConfigurationDirectory", 235, "under /etc (or ~/.config)"),
          directoryMode("RuntimeDirectoryMode", 211),
          directoryMode("StateDirectoryMode", 235),
          directoryMode("CacheDirectoryMode", 235),
          directoryMode("LogsDirectoryMode", 235),
          directoryMode("ConfigurationDirectoryMode", 235),
          new Property("RuntimeDirectoryPreserve", "RuntimeDirectoryPreserve s", SERVICE, true, 235,
              null, "no | yes | restart: keep RuntimeDirectory after the service stops",
              booleanOr("restart"))),
      group("sandboxing",
          new Property("NoNewPrivileges", "NoNewPrivileges b", SERVICE, true, 187, null,
              "forbid gaining privileges through setuid binaries or file capabilities", bool()),
          sandbox("PrivateTmp", 1, "private /tmp and /var/tmp"),
          sandbox("PrivateDevices", 209, "private /dev with only pseudo-devices such as null"),
          sandbox("PrivateNetwork", 1, "private network namespace with only loopback"),
          sandbox("PrivateUsers", 232, "private user namespace mapping only root and the user"),
          sandbox("PrivateIPC", 248, "private IPC namespace"),
          sandbox("PrivateMounts", 239, "private mount namespace"),
          new Property("PrivateTmpEx", "PrivateTmpEx s", SERVICE, true, 257, null,
              "yes | no | connected | disconnected: PrivateTmp=, or (disconnected) a /tmp of its own"
                  + " that JoinsNamespaceOf= does not share", booleanOr("connected", "disconnected")),
          new Property("PrivateUsersEx", "PrivateUsersEx s", SERVICE, true, 257, null,
              "yes | no | self | identity: PrivateUsers=, or the mapping of the user namespace",
              booleanOr("self", "identity")),
          new Property("NetworkNamespacePath", "NetworkNamespacePath s", SERVICE, true, 242, null,
              "network namespace to join: a /proc/PID/ns/net or bind-mounted file; empty resets",
              absolutePathOrEmpty()),
          new Property("IPCNamespacePath", "IPCNamespacePath s", SERVICE, true, 248, null,
              "IPC namespace to join: a /proc/PID/ns/ipc or bind-mounted file; empty resets",
              absolutePathOrEmpty()),
          new Property("ProtectSystem", "ProtectSystem s", SERVICE, true, 214, null,
              "yes | full | strict: mount /usr, /boot (full: and /etc; strict: all) read-only",
              booleanOr("full", "strict")),
          new Property("ProtectHome", "ProtectHome s", SERVICE, true, 214, null,
              "yes | read-only | tmpfs: hide or protect /home, /root and /run/user",
              booleanOr("read-only", "tmpfs")),
          sandbox("ProtectKernelTunables", 232, "read-only /proc/sys, /sys and friends"),
          sandbox("ProtectKernelModules", 232, "forbid loading kernel modules"),
          sandbox("ProtectKernelLogs", 244, "forbid access to the kernel log"),
          sandbox("ProtectControlGroups", 232, "read-only /sys/fs/cgroup"),
          new Property("ProtectControlGroupsEx", "ProtectControlGroupsEx s", SERVICE, true, 257,
              null, "yes | no | private | strict: ProtectControlGroups=, or a cgroup namespace",
              booleanOr("private", "strict")),
          sandbox("ProtectClock", 245, "forbid changing the system clock"),
          sandbox("ProtectHostname", 242, "forbid changing the hostname"),
          sandbox("RestrictSUIDSGID", 242, "forbid creating setuid and setgid files"),
          sandbox("RestrictRealtime", 231, "forbid realtime scheduling"),
          sandbox("LockPersonality", 235, "forbid changing the execution domain"),
          sandbox("MemoryDenyWriteExecute", 231, "forbid memory both writable and executable"),
          sandbox("MemoryKSM", 254, "let the kernel merge identical memory pages (KSM)"),
          sandbox("BindLogSockets", 257, "bind the journal's sockets into a private mount namespace"),
          sandbox("SetLoginEnvironment", 255,
              "set $HOME, $LOGNAME, $SHELL and $USER for User= (with PAMName= too)"),
          new Property("PrivatePIDs", "PrivatePIDs s", SERVICE, true, 257, null,
              "private PID namespace; the service is PID 1 in it (yes or no, sent as a string)",
              booleanOr()),
          sandbox("RemoveIPC", 236, "remove the user's IPC objects when the service stops"),
          sandbox("MountAPIVFS", 233, "mount /proc, /sys and /dev in the service's mount namespace"),
          new Property("ProtectProc", "ProtectProc s", SERVICE, true, 247, null,
              "default | invisible | noaccess | ptraceable: other users' processes in /proc",
              words("default", "invisible", "noaccess", "ptraceable")),
          new Property("ProcSubset", "ProcSubset s", SERVICE, true, 247, null,
              "all | pid: all of /proc, or only the process directories",
              words("all", "pid")),
          new Property("KeyringMode", "KeyringMode s", SERVICE, true, 235, null,
              "inherit | private | shared: the kernel session keyring of the processes",
              words("inherit", "private", "shared")),
          new Property("RestrictNamespaces", "RestrictNamespaces t", SERVICE, true, 233, null,
              "yes, no, or namespace types the service may create (~ first: may not):"
                  + " cgroup ipc net mnt pid user uts time", PropertyTable::restrictNamespaces),
          allowOrDeny("SystemCallFilter", 235, "system calls the processes may make",
              "system call names or @groups, after ~ each with :ERRNO to fail with if wanted",
              PropertyTable::isSystemCallRule),
          allowOrDeny("SystemCallLog", 247, "system calls that are logged",
              "system call names or @groups", (allow, name) -> true),
          new Property("SystemCallErrorNumber", "SystemCallErrorNumber i", SERVICE, true, 235,
              null, "how a system call SystemCallFilter= denies fails: an errno name such as"
                  + " EPERM, a number 1-4095, or kill (the default)", FilterValues::errnoOrAction),
          allowOrDeny("RestrictAddressFamilies", 235, "socket address families the processes may use",
              "address family names such as AF_UNIX AF_INET; an empty value allows none",
              (allow, family) -> ADDRESS_FAMILIES.contains(family.toUpperCase(Locale.ROOT))),
          // The manager takes any name: it skips unknown ones, with a warning.
          allowOrDeny("RestrictFileSystems", 250,
              "file systems the processes may access (enforced with the BPF LSM only)",
              "file system names such as ext4 tmpfs, or @groups", (allow, name) -> true),
          paths("ReadOnlyPaths", "paths mounted read-only"),
          paths("ReadWritePaths", "paths kept writable under ProtectSystem=strict"),
          paths("InaccessiblePaths", "paths made inaccessible"),
          paths("ExecPaths", "paths where programs may be executed", 247),
          paths("NoExecPaths", "paths where no program may be executed", 247),
          paths("ReadWriteDirectories", "old name of ReadWritePaths", 228),
          paths("ReadOnlyDirectories", "old name of ReadOnlyPaths", 228),
          paths("InaccessibleDirectories", "old name of InaccessiblePaths", 228),
          paths("ExtensionDirectories", "directories of system extensions overlaid on /usr and /opt", 251),
          bindPaths("BindPaths", "paths bind-mounted read-write"),
          bindPaths("BindReadOnlyPaths", "paths bind-mounted read-only"),
          new Property("TemporaryFileSystem", "TemporaryFileSystem a(ss)", SERVICE, true, 238, null,
              "empty tmpfs mounted over paths: PATH[:OPTIONS] ...", PropertyTable::temporaryFileSystem)),
      group("credentials and capabilities",
          new Property("SupplementaryGroups", "SupplementaryGroups as", SERVICE, true, 1, null,
              "groups the processes are also in (system manager)",
              wordsEach(PropertyTable::isUserOrGroupName, "user or group names")),
          new Property("DynamicUser", "DynamicUser b", SERVICE, true, 235, null,
              "run as a user allocated for the service while it runs (system manager)", bool()),
          loadCredential("LoadCredential", 247, "credential read from a file"),
          loadCredential("LoadCredentialEncrypted", 250, "encrypted credential read from a file"),
          setCredential("SetCredential", 247, "credential given in place: ID:VALUE, C escapes resolved",
              (property, value, data) -> Values.unescape(property, value, data, true)),
          setCredential("SetCredentialEncrypted", 250,
              "encrypted credential given in place: ID:BASE64 (systemd-creds encrypt --name=ID)",
              Values::base64),
          new Property("ImportCredential", "ImportCredential as", SERVICE,
              true, 256, null, "credentials of the manager to pass on: NAME or PREFIX*",
              PropertyTable::importCredential),
          new Property("SecureBits", "SecureBits i", SERVICE, true, 235, null,
              "securebits of the processes: keep-caps, keep-caps-locked, no-setuid-fixup,"
                  + " no-setuid-fixup-locked, noroot, noroot-locked; empty resets",
              PropertyTable::secureBits),
          new Property("SELinuxContext", "SELinuxContext s", SERVICE, true, 230, null,
              "SELinux context of the processes; - first to go on if it cannot be set", string()),
          securityLabel("AppArmorProfile", "AppArmor profile"),
          securityLabel("SmackProcessLabel", "SMACK label"),
          new Property("PAMName", "PAMName s", SERVICE, true, 1, null,
              "PAM service whose session the processes run in (system manager)", string()),
          capabilities("CapabilityBoundingSet", 1, "capabilities the processes may ever hold"),
          capabilities("AmbientCapabilities", 229,
              "capabilities the processes get even as an unprivileged user"),
          new Property("CoredumpFilter", "CoredumpFilter t", SERVICE, true, 246, null,
              "memory kinds a core dump includes: private-anonymous, shared-anonymous, elf-headers,"
                  + " … default, all, or a hex mask", PropertyTable::coredumpFilter)),
      group("timer (--timer-property)",
          monotonicTimer("OnActiveSec", "after the timer itself started"),
          monotonicTimer("OnBootSec", "after the machine booted"),
          monotonicTimer("OnStartupSec", "after the service manager started"),
          monotonicTimer("OnUnitActiveSec", "after the unit it starts last started"),
          monotonicTimer("OnUnitInactiveSec", "after the unit it starts last stopped"),
          new Property("OnCalendar", "TimersCalendar a(ss)", TIMER, true, 1, null,
              "fire at calendar times, e.g. daily or Mon *-*-* 09:00; empty clears the list",
              PropertyTable::calendarTimer),
          new Property("AccuracySec", "AccuracyUSec t", TIMER, true, 1, null,
              "how late the timer may fire to save wake-ups (default 1min)", timespan("AccuracyUSec")),
          new Property("RandomizedDelaySec", "RandomizedDelayUSec t", TIMER, true, 229, null,
              "random delay added to each firing, up to this long", timespan("RandomizedDelayUSec")),
          new Property("FixedRandomDelay", "FixedRandomDelay b", TIMER, true, 247, null,
              "the same random delay each time, from the machine and unit", bool()),
          new Property("Persistent", "Persistent b", TIMER, true, 212, null,
              "fire at start-up when a calendar time passed while the machine was off", bool()),
          new Property("WakeSystem", "WakeSystem b", TIMER, true, 212, null,
              "wake the machine from suspend to fire", bool()),
          new Property("RemainAfterElapse", "RemainAfterElapse b", TIMER, true, 229, null,
              "stay loaded after firing for the last time (confine's default: no)", bool()),
          new Property("OnClockChange", "OnClockChange b", TIMER, true, 242, null,
              "fire when the realtime clock jumps", bool()),
          new Property("OnTimezoneChange", "OnTimezoneChange b", TIMER, true, 242, null,
              "fire when the time zone changes", bool()),
          new Property("DeferReactivation", "DeferReactivation b", TIMER, true, 257, null,
              "after the unit it starts ran past a firing time, wait for the next one", bool())),
      group("path (--path-property)",
          watchedPath("PathExists", "when the path exists"),
          watchedPath("PathExistsGlob", "when a path matching the glob exists"),
          watchedPath("PathChanged", "when the file is closed after writing, or renamed"),
          watchedPath("PathModified", "like PathChanged, and on every write"),
          watchedPath("DirectoryNotEmpty", "when the directory holds a file"),
          new Property("MakeDirectory", "MakeDirectory b", PATH, true, 1, null,
              "create the watched directories first", bool()),
          new Property("DirectoryMode", "DirectoryMode u", PATH_OR_SOCKET, true, 1, null,
              "mode of the directories it creates (MakeDirectory=, a socket's path), in octal (default 0755)",
              PropertyTable::umask),
          new Property("TriggerLimitBurst", "TriggerLimitBurst u", PATH_OR_SOCKET, true, 250, null,
              "activations allowed within TriggerLimitIntervalSec (default 200 for path units)", unsignedInt()),
          new Property("TriggerLimitIntervalSec", "TriggerLimitIntervalUSec t", PATH_OR_SOCKET, true, 250,
              null, "window of TriggerLimitBurst (default 2s)", timespan("TriggerLimitIntervalUSec"))),
      group("socket (--socket-property)",
          listen("ListenStream", "a stream socket: a path, [ADDRESS:]PORT or vsock:CID:PORT"),
          listen("ListenDatagram", "a datagram socket: a path, [ADDRESS:]PORT …"),
          listen("ListenSequentialPacket", "a sequential packet socket: a path"),
          listen("ListenFIFO", "a FIFO: a path"),
          listen("ListenSpecial", "a special file, e.g. a character device"),
          listen("ListenNetlink", "a netlink socket: FAMILY [GROUP], e.g. route 1"),
          listen("ListenMessageQueue", "a POSIX message queue: /NAME"),
          listen("ListenUSBFunction", "a USB FunctionFS directory"),
          socketFlag("Accept", "start one service instance per connection (a template service)"),
          socketFlag("FlushPending", "drop pending input before the service starts"),
          socketFlag("Writable", "open a FIFO or special file for writing too"),
          socketFlag("KeepAlive", "TCP keep-alive"),
          socketFlag("NoDelay", "TCP_NODELAY: no Nagle delay"),
          socketFlag("FreeBind", "bind to addresses not configured yet"),
          socketFlag("Transparent", "IP_TRANSPARENT"),
          socketFlag("Broadcast", "SO_BROADCAST for datagram sockets"),
          socketFlag("PassCredentials", "SO_PASSCRED"),
          socketFlag("PassSecurity", "SO_PASSSEC"),
          socketFlag("PassPacketInfo", "IP_PKTINFO and friends"),
          socketFlag("ReusePort", "SO_REUSEPORT"),
          socketFlag("RemoveOnStop", "remove the socket files and symlinks when stopped"),
          socketFlag("SELinuxContextFromNet", "take the service's SELinux context from the peer"),
          new Property("PassFileDescriptorsToExec", "PassFileDescriptorsToExec b", SOCKET, true,
              257, null, "pass the sockets to ExecStartPre= and the other commands too", bool()),
          new Property("PollLimitBurst", "PollLimitBurst u", SOCKET, true, 255, null,
              "wake-ups allowed within PollLimitIntervalSec before the socket pauses",
              unsignedInt()),
          new Property("PollLimitIntervalSec", "PollLimitIntervalUSec t", SOCKET, true, 255, null,
              "window of PollLimitBurst (default 2s)", timespan("PollLimitIntervalUSec")),
          socketNumber("Priority", "i", "SO_PRIORITY of the traffic"),
          socketNumber("IPTTL", "i", "IP_TTL of the packets"),
          socketNumber("Mark", "i", "SO_MARK of the packets"),
          new Property("IPTOS", "IPTOS i", SOCKET, true, 1, null,
              "IP_TOS: low-delay, throughput, reliability, low-cost or a number 0-255",
              PropertyTable::ipTos),
          socketNumber("Backlog", "u", "listen() backlog"),
          socketNumber("MaxConnections", "u", "connections at a time with Accept=yes (default 64)"),
          socketNumber("MaxConnectionsPerSource", "u", "connections at a time from one source"),
          socketNumber("KeepAliveProbes", "u", "TCP keep-alive probes before the connection is dropped"),
          socketNumber("MessageQueueMaxMessages", "x", "mq_maxmsg of the message queue"),
          socketNumber("MessageQueueMessageSize", "x", "mq_msgsize of the message queue"),
          new Property("SocketMode", "SocketMode u", SOCKET, true, 1, null,
              "mode of the socket file or FIFO, in octal (default 0666)", PropertyTable::umask),
          new Property("KeepAliveTimeSec", "KeepAliveTimeUSec t", SOCKET, true, 1, null,
              "idle time before TCP keep-alive probes start", timespan("KeepAliveTimeUSec")),
          new Property("KeepAliveIntervalSec", "KeepAliveIntervalUSec t", SOCKET, true, 1, null,
              "time between TCP keep-alive probes", timespan("KeepAliveIntervalUSec")),
          new Property("DeferAcceptSec", "DeferAcceptUSec t", SOCKET, true, 1, null,
              "TCP_DEFER_ACCEPT: wake the service only when data arrived", timespan("DeferAcceptUSec")),
          socketSize("ReceiveBuffer", "SO_RCVBUF"),
          socketSize("SendBuffer", "SO_SNDBUF"),
          socketSize("PipeSize", "the FIFO's pipe size"),
          socketString("SmackLabel", "SMACK label of the socket file"),
          socketString("SmackLabelIPOut", "SMACK label of outgoing packets"),
          socketString("TCPCongestion", "TCP congestion algorithm, e.g. cubic"),
          socketString("BindToDevice", "network interface the socket binds to"),
          new Property("BindIPv6Only", "BindIPv6Only s", SOCKET, true, 1, null,
              "default | both | ipv6-only: IPV6_V6ONLY", words("default", "both", "ipv6-only")),
          socketString("FileDescriptorName", "name the service sees for the socket's descriptors"),
          socketString("SocketUser", "owner of the socket file or FIFO"),
          socketString("SocketGroup", "group of the socket file or FIFO"),
          new Property("Timestamping", "Timestamping s", SOCKET, true, 247, null,
              "off | us | ns: SO_TIMESTAMP precision", words("off", "us", "usec", "μs", "ns", "nsec")),
          new Property("Symlinks", "Symlinks as", SOCKET, true, 214, null,
              "symlinks to the socket file or FIFO: absolute paths",
              wordsEach(path -> path.startsWith("/") && Values.isNormalizedPath(path), "absolute, normalized paths")),
          new Property("SocketProtocol", "SocketProtocol i", SOCKET, true, 229, null,
              "udplite, sctp or mptcp instead of the socket type's default",
              PropertyTable::socketProtocol),
          execCommand("ExecStartPre", 1, SOCKET, "command run before the socket is created"),
          execCommand("ExecStartPost", 1, SOCKET, "command run after the socket is created"),
          execCommand("ExecStopPre", 1, SOCKET, "command run before the socket is closed"),
          execCommand("ExecStopPost", 1, SOCKET, "command run after the socket is closed"),
          new Property("TimeoutSec", "TimeoutUSec t", SOCKET, true, 1, null,
              "time allowed for each of the socket's commands (0: no limit)", timespan("TimeoutUSec"))))
      .stream().flatMap(List::stream).collect(Collectors.toUnmodifiableList());

  /** The groups, in table order, for help. */
  static final List<String> GROUPS = ALL.stream().map(Property::group).distinct().toList();

  /**
   * The entries of each name: one, or one per unit type where a name means different things
   * (a socket's TimeoutSec= is not a service's).
   */
  private static final Map<String, List<Property>> BY_NAME =
      Collections.unmodifiableMap(ALL.stream().collect(Collectors.groupingBy(Property::name,
          LinkedHashMap::new, Collectors.toUnmodifiableList())));

  private PropertyTable() {}

  private static List<Property> group(String group, Property... properties) {
    return Arrays.stream(properties).map(p -> p.in(group)).toList();
  }

  /** The first entry of the name, for what all its entries share. */
  static Optional<Property> find(String name) {
    return BY_NAME.getOrDefault(name, List.of()).stream().findFirst();
  }

  /**
   * Unit-file settings that transient units cannot take, by their section: bus-unit-util.c has
   * no case for them, or (JobTimeoutSec, SmackLabelIPIn on 257) the manager no transient setter
   * (measured: "Cannot set property JobTimeoutUSec"; JobRunningTimeoutSec it takes).
   */
  private static final Map<String, String> UNIT_FILE_ONLY = Map.of(
      "WantedBy", "[Install]", "RequiredBy", "[Install]", "UpheldBy", "[Install]",
      "Alias", "[Install]", "Also", "[Install]", "DefaultInstance", "[Install]",
      "Sockets", "[Service]", "JobTimeoutSec", "[Unit]",
      "SmackLabelIPIn", "[Socket]");

  /**
   * Dependency types that systemd-run sends as they are (unit_dependency_from_string) and that
   * dbus-unit.c refuses for transient units: "Dependency type … may not be created transiently".
   */
  private static final Set<String> REVERSE_DEPENDENCIES = Set.of("RequisiteOf", "BoundBy",
      "ConsistsOf", "ConflictedBy", "OnSuccessOf", "OnFailureOf", "Triggers", "TriggeredBy",
      "References", "ReferencedBy", "InSlice", "SliceOf");

  /**
   * The named property, or an error that says why a unit-file-only setting cannot be sent, or
   * suggests the nearest real name.
   */
  static Property require(String name) {
    String section = UNIT_FILE_ONLY.get(name);
    if (section != null) {
      throw new InvalidPropertyException(name + "= is a unit-file-only setting (" + section
          + " section); transient units cannot take it");
    }
    if (REVERSE_DEPENDENCIES.contains(name)) {
      throw new InvalidPropertyException(name + "= is a dependency the manager derives from the"
          + " other unit's side; transient units cannot take it");
    }
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

  /** The entry of the name for units of the given type, or an error naming the types that take it. */
  static Property require(String name, UnitType type) {
    require(name);
    List<Property> entries = BY_NAME.get(name);
    Set<UnitType> types = EnumSet.noneOf(UnitType.class);
    for (Property entry : entries) {
      if (entry.types().contains(type)) {
        return entry;
      }
      types.addAll(entry.types());
    }
    throw new InvalidPropertyException(name + " is not supported for " + type.suffix().substring(1)
        + " units" + (types.size() == 1
            ? "; it is a setting of " + types.iterator().next().suffix().substring(1) + " units" : ""));
  }

  /** Parses {@code NAME=VALUE} for a unit of the given type. */
  static List<Assignment> parseAssignment(String name, String value, UnitType type) {
    return require(name, type).parse(value);
  }

  private static String nearest(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return BY_NAME.keySet().stream()
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
    if (value.isEmpty() && (property.endsWith("MemoryLow") || property.endsWith("MemoryMin"))) {
      return List.of(new Assignment(property, "t", 0L));
    }
    // dbus-cgroup.c's bus_cgroup_set_memory refuses a zero MemoryMax, MemoryHigh or MemoryLimit
    // (and their percentages), which would leave no memory at all; swap and protections may be 0.
    boolean atLeastOne = property.endsWith("MemoryMax") || property.endsWith("MemoryHigh")
        || property.equals("MemoryLimit");
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

  /** An image policy (systemd 254) for the images of {@code images}. */
  private static Property imagePolicy(String name, String images) {
    return new Property(name, name + " s", SERVICE, true, 254, null, "which partitions of "
        + images + " may be used, and how: rules such as root=verity+signed:usr=verity:=absent,"
        + " or * (any), - (none used) or ~ (none may exist)", ImageSettings::imagePolicy);
  }

  private static Property sandbox(String name, int since, String summary) {
    return new Property(name, name + " b", SERVICE, true, since, null, summary, bool());
  }

  private static Property paths(String name, String summary) {
    return paths(name, summary, 231);
  }

  private static Property paths(String name, String summary, int since) {
    return new Property(name, name + " as", SERVICE, true, since, null,
        summary + ": absolute paths, - prefix to ignore missing ones; empty resets",
        wordsEach(path -> path.replaceFirst("^[-+]+", "").startsWith("/"), "absolute paths"));
  }

  /**
   * yes/no as systemd prints them (booleans in any spelling), or one of the modes: the string
   * tables with a boolean fallback (ProtectSystem, ProtectHome, RuntimeDirectoryPreserve …).
   */
  private static Parser booleanOr(String... modes) {
    return (property, value) -> List.of(new Assignment(property, "s", booleanOrMode(property, value, modes)));
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

  /** Weights without idle (cg_weight_parse and its v1 twins): min-max, or empty for the default. */
  private static Parser weightIn(long min, long max) {
    return (property, value) -> List.of(new Assignment(property, "t",
        value.isBlank() ? Values.INFINITY : Values.number(property, value.trim(), min, max)));
  }

  /** CPUShares and StartupCPUShares (cg_cpu_shares_parse), which systemd turns into weights. */
  private static Property cpuShares(String name, String what) {
    return new Property(name, name + " t", BOTH, false, 208, "cpu", what
        + " 2-262144 (default 1024); applied as cpu.weight = N×100/1024 when CPUWeight is unset",
        weightIn(2, 262_144));
  }

  /**
   * Markers (bus_unit_set_live_property): needs-reload and needs-restart, either all plain (they
   * replace the marks) or all with + or - (they add and remove).
   */
  private static List<Assignment> markers(String property, String value) {
    List<String> words = checkedWords(property, value,
        word -> Set.of("needs-reload", "needs-restart").contains(word.replaceFirst("^[+-]", "")),
        "needs-reload or needs-restart, each optionally with + or -");
    long signed = words.stream().filter(word -> word.matches("[+-].*")).count();
    if (signed != 0 && signed != words.size()) {
      throw Values.invalid(property, value, "marks all with + or -, or all without");
    }
    return List.of(new Assignment(property, "as", words));
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

  /** How rlimit_parse_one reads one limit; none takes a value at or above infinity. */
  private enum RlimitKind {
    COUNT("a count", true, Values::parseUnsigned),
    SIZE("a size with K/M/G suffix", true, text -> Values.parseSize(text, 1024)),
    /** Whole seconds, rounded up, from a time span that counts bare numbers as seconds. */
    SECONDS("a time span such as 1h or 90 (seconds)", true,
        text -> Values.parseTimespan(text, 1_000_000).stream()
            .map(usec -> usec == Values.INFINITY ? usec : Long.divideUnsigned(usec + 999_999, 1_000_000))
            .findFirst()),
    MICROSECONDS("a time span such as 500ms or 1000 (microseconds)", true,
        text -> Values.parseTimespan(text, 1)),
    /** rlimit_parse_nice: +N and -N are nice levels (20 - N, 20 + N), a bare number the raw 0-40. */
    NICE("a nice level such as -5 or +10, or the raw limit 0-40", false, PropertyTable::rlimitNice);

    final String expected;
    private final boolean takesInfinity;
    private final Function<String, OptionalLong> parser;

    RlimitKind(String expected, boolean takesInfinity, Function<String, OptionalLong> parser) {
      this.expected = expected;
      this.takesInfinity = takesInfinity;
      this.parser = parser;
    }

    OptionalLong parse(String text) {
      if (takesInfinity && text.equals("infinity")) {
        return OptionalLong.of(Values.INFINITY);
      }
      return parser.apply(text).stream().filter(n -> n != Values.INFINITY).findFirst();
    }
  }

  private static OptionalLong rlimitNice(String text) {
    boolean signed = text.startsWith("+") || text.startsWith("-");
    OptionalLong n = Values.parseUnsigned(signed ? text.substring(1) : text);
    long most = text.startsWith("+") ? 19 : text.startsWith("-") ? 20 : 40;
    if (n.isEmpty() || Long.compareUnsigned(n.getAsLong(), most) > 0) {
      return OptionalLong.empty();
    }
    long level = n.getAsLong();
    return OptionalLong.of(text.startsWith("+") ? 20 - level : signed ? 20 + level : level);
  }

  /**
   * TasksMax: a count as safe_atou64 reads it, N% or infinity. systemd refuses zero and, as
   * TasksMaxScale, 0% and 100% (bus_cgroup_set_tasks_max_scale takes 1 to UINT32_MAX - 1).
   */
  private static List<Assignment> tasksMax(String property, String value) {
    List<Assignment> limit = scalableLimit(property, value, 1,
        v -> Values.unsigned(property, v, 0, Values.INFINITY));
    boolean everything = limit.get(0).name().equals("TasksMaxScale") && (int) limit.get(0).value() == -1;
    if (everything) {
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
    List<String> assignments = checkedWords(property, value, EnvironmentVariables::isValidAssignment,
        "NAME=VALUE assignments, NAME of letters, digits and '_', not starting with a digit");
    return List.of(new Assignment(property, "as", eachNameOnce(property, value, assignments)));
  }

  /**
   * Variable names or assignments, refused when two set the same variable, as systemd's
   * strv_env_is_valid and strv_env_name_is_valid do.
   */
  private static List<String> eachNameOnce(String property, String value, List<String> entries) {
    Set<String> names = new HashSet<>();
    for (String entry : entries) {
      if (!names.add(entry.split("=", 2)[0])) {
        throw Values.invalid(property, value, "each variable once; '" + entry + "' names one again");
      }
    }
    return entries;
  }

  /** Words sent as {@code as}, each of which must pass {@code valid} ({@code expected} says how). */
  private static Parser wordsEach(Predicate<String> valid, String expected) {
    return (property, value) ->
        List.of(new Assignment(property, "as", checkedWords(property, value, valid, expected)));
  }

  private static List<String> checkedWords(String property, String value, Predicate<String> valid,
      String expected) {
    return checked(property, value, Values.words(property, value), valid, expected);
  }

  /** The words of {@code value}, each of which must pass {@code valid}. */
  private static List<String> checked(String property, String value, List<String> words,
      Predicate<String> valid, String expected) {
    for (String word : words) {
      if (!valid.test(word)) {
        throw Values.invalid(property, value, expected + "; '" + word + "' is not one");
      }
    }
    return words;
  }

  private static Parser string() {
    return (property, value) -> List.of(new Assignment(property, "s", value));
  }

  /** reboot_parameter_is_valid(): ASCII, at most NAME_MAX (255) bytes. */
  private static Parser rebootArgument() {
    return (property, value) -> {
      if (value.length() > 255 || !value.chars().allMatch(c -> c < 0x80)) {
        throw Values.invalid(property, value, "ASCII text of at most 255 characters");
      }
      return List.of(new Assignment(property, "s", value));
    };
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

  /** A monotonic timer, sent as {@code TimersMonotonic} (base, µs); empty clears the list. */
  private static Property monotonicTimer(String name, String after) {
    return new Property(name, "TimersMonotonic a(st)", TIMER, true, 1, null,
        "fire this long " + after + ", e.g. 30s or 1h 5min; empty clears the list",
        (property, value) -> List.of(new Assignment("TimersMonotonic", "a(st)", value.isBlank() ? List.of()
            : List.of(List.of(property, Values.timespanUsec(property, value))))));
  }

  /**
   * A calendar time, sent as {@code TimersCalendar}; systemd parses its grammar (calendar_spec)
   * and answers a bad one with InvalidArgs.
   */
  private static List<Assignment> calendarTimer(String property, String value) {
    return List.of(new Assignment("TimersCalendar", "a(ss)",
        value.isBlank() ? List.of() : List.of(List.of(property, value.trim()))));
  }

  /** Something a socket unit listens on, sent as {@code Listen} (type, address). */
  private static Property listen(String name, String what) {
    String type = name.substring("Listen".length());
    return new Property(name, "Listen a(ss)", SOCKET, true, 1, null, "listen on " + what + "; empty clears the list",
        (property, value) -> List.of(new Assignment("Listen", "a(ss)",
            value.isBlank() ? List.of() : List.of(List.of(type, value.trim())))));
  }

  private static Property socketFlag(String name, String summary) {
    return new Property(name, name + " b", SOCKET, true, 1, null, summary, bool());
  }

  private static Property socketString(String name, String summary) {
    return new Property(name, name + " s", SOCKET, true, 1, null, summary, string());
  }

  private static Property socketSize(String name, String summary) {
    return new Property(name, name + " t", SOCKET, true, 1, null, summary + ": bytes, K/M/G (base 1024)",
        (property, value) -> List.of(new Assignment(property, "t", Values.size(property, value, 1024))));
  }

  /** A number, as safe_atoi ({@code i}), safe_atou ({@code u}) or safe_atoi64 ({@code x}) reads it. */
  private static Property socketNumber(String name, String signature, String summary) {
    Parser parser = switch (signature) {
      case "u" -> unsignedInt();
      case "i" -> signedInRange(Integer.MIN_VALUE, Integer.MAX_VALUE);
      default -> (property, value) -> List.of(new Assignment(property, "x",
          Values.number(property, value, Long.MIN_VALUE, Long.MAX_VALUE)));
    };
    return new Property(name, name + " " + signature, SOCKET, true, 1, null, summary, parser);
  }

  private static final Map<String, Integer> IP_TOS = Map.of("low-delay", 0x10, "throughput", 0x08,
      "reliability", 0x04, "low-cost", 0x02);

  private static List<Assignment> ipTos(String property, String value) {
    Integer named = IP_TOS.get(value.trim());
    return List.of(new Assignment(property, "i",
        named != null ? named : (int) Values.number(property, value.trim(), 0, 0xff)));
  }

  /** parse_ip_protocol: the protocols systemd lets a socket unit choose. */
  private static final Map<String, Integer> SOCKET_PROTOCOLS = Map.of("udplite", 136, "sctp", 132, "mptcp", 262);

  private static List<Assignment> socketProtocol(String property, String value) {
    Integer protocol = SOCKET_PROTOCOLS.get(value.trim());
    if (protocol == null) {
      throw Values.invalid(property, value, "udplite, sctp or mptcp");
    }
    return List.of(new Assignment(property, "i", protocol));
  }

  /** A path a path unit watches, sent as {@code Paths} (type, path). */
  private static Property watchedPath(String name, String when) {
    return new Property(name, "Paths a(ss)", PATH, true, 1, null,
        "start the unit " + when + "; an absolute path",
        (property, value) -> {
          if (value.isBlank()) {
            return List.of(new Assignment("Paths", "a(ss)", List.of()));
          }
          absolutePath(property, value.trim());
          return List.of(new Assignment("Paths", "a(ss)", List.of(List.of(property, value.trim()))));
        });
  }

  /**
   * A dependency list: unit names, as dbus-unit.c wants them (unit_name_is_valid, no templates);
   * each assignment adds to the list.
   */
  private static Property dependency(String name, int since, String summary) {
    return new Property(name, name + " as", ANY, true, since, null, summary + "; unit names",
        wordsEach(UnitNames::isValid, "unit names such as network.target"));
  }

  /** A URL as dbus-unit.c's documentation_url_is_valid takes it. */
  private static boolean isDocumentationUrl(String url) {
    return url.matches("(https?://|file:/|info:|man:)\\p{ASCII}+") && !url.endsWith("://");
  }

  /** An unsigned 32-bit count as systemd's safe_atou reads it. */
  private static Parser unsignedInt() {
    return (property, value) ->
        List.of(new Assignment(property, "u", (int) Values.unsigned(property, value, 0, 0xFFFF_FFFFL)));
  }

  /** StandardOutput and StandardError: a word, or a file, append, truncate or fd: form. */
  private static Property stdout(String name) {
    return new Property(name, name + " s | " + name + "File s | " + name + "FileToAppend s | "
            + name + "FileToTruncate s | " + name + "FileDescriptorName s", SERVICE, true, 1, null,
        "inherit | null | tty | journal | kmsg | journal+console | kmsg+console | socket"
            + " | file:PATH | append:PATH (240) | truncate:PATH (248) | fd:NAME",
        stdio("inherit", "null", "tty", "journal", "kmsg", "journal+console", "kmsg+console",
            "socket"));
  }

  /**
   * A standard stream: one of the words, or PATH or NAME after a prefix that systemd-run turns
   * into its own property (file: → …File, append: → …FileToAppend, truncate: → …FileToTruncate,
   * fd: → …FileDescriptorName). Output streams take all prefixes, StandardInput file: and fd:.
   */
  private static Parser stdio(String... words) {
    return (property, value) -> {
      boolean output = !property.equals("StandardInput");
      Map<String, String> prefixes = output
          ? Map.of("file:", "File", "append:", "FileToAppend", "truncate:", "FileToTruncate",
              "fd:", "FileDescriptorName")
          : Map.of("file:", "File", "fd:", "FileDescriptorName");
      for (Map.Entry<String, String> prefix : prefixes.entrySet()) {
        if (value.startsWith(prefix.getKey())) {
          String target = value.substring(prefix.getKey().length());
          boolean valid = prefix.getKey().equals("fd:") ? Values.isFdName(target)
              : target.startsWith("/") && Values.isNormalizedPath(target);
          if (!valid) {
            throw Values.invalid(property, value, prefix.getKey().equals("fd:")
                ? "fd:NAME with a file descriptor name" : prefix.getKey() + "PATH with an absolute, normalized path");
          }
          return List.of(new Assignment(property + prefix.getValue(), "s", target));
        }
      }
      return List.of(new Assignment(property, "s", Values.oneOf(property, value, List.of(words))));
    };
  }

  private static List<Assignment> absolutePath(String property, String value) {
    if (!value.startsWith("/") || !Values.isNormalizedPath(value)) {
      throw Values.invalid(property, value, "an absolute, normalized path");
    }
    return List.of(new Assignment(property, "s", value));
  }

  /** A path that bus_set_transient_path takes: absolute (not necessarily normalized), or empty. */
  /** RootDirectory=, RootImage=: the manager answers a path with ".." "Access denied" (measured). */
  private static Parser absolutePathOrEmpty() {
    return (property, value) -> {
      if (!value.isEmpty() && !(value.startsWith("/") && Values.isNormalizedPath(value))) {
        throw Values.invalid(property, value, "a normalized absolute path, or empty");
      }
      return List.of(new Assignment(property, "s", value));
    };
  }

  /** A log level by name or number, as log_level_from_string reads it. */
  private static Parser logLevel() {
    return named(Map.of("emerg", 0, "alert", 1, "crit", 2, "err", 3, "warning", 4, "notice", 5,
        "info", 6, "debug", 7));
  }

  private static List<Assignment> syslogFacility(String property, String value) {
    List<String> names = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
        "uucp", "cron", "authpriv", "ftp");
    int index = names.indexOf(value);
    if (index < 0 && value.matches("local[0-7]")) {
      index = 16 + value.charAt(5) - '0';
    }
    if (index < 0) {
      throw Values.invalid(property, value, "a facility: " + String.join(", ", names) + " or local0-local7");
    }
    return List.of(new Assignment(property, "i", index));
  }

  /**
   * A name of the map, or its number, as systemd's string tables with a numeric fallback read it;
   * numbers must be among the map's values.
   */
  private static Parser named(Map<String, Integer> numbers) {
    return (property, value) -> {
      Integer number = numbers.get(value);
      if (number == null) {
        OptionalLong n = Values.parseUnsigned(value);
        if (n.isPresent() && numbers.containsValue((int) n.getAsLong()) && n.getAsLong() < 1000) {
          number = (int) n.getAsLong();
        }
      }
      if (number == null) {
        throw Values.invalid(property, value, "one of " + numbers.keySet().stream().sorted(
            Comparator.comparing(numbers::get)).collect(Collectors.joining(", ")) + ", or its number");
      }
      return List.of(new Assignment(property, "i", number));
    };
  }

  /** A signed integer within [min, max], as systemd's safe_atoi and the manager's range check. */
  private static Parser signedInRange(int min, int max) {
    return (property, value) ->
        List.of(new Assignment(property, "i", (int) Values.number(property, value, min, max)));
  }

  /** EnvironmentFile: an absolute path, '-' first to ignore a missing file. */
  private static List<Assignment> environmentFile(String property, String value) {
    boolean optional = value.startsWith("-");
    String path = optional ? value.substring(1) : value;
    if (!path.startsWith("/") || !Values.isNormalizedPath(path)) {
      throw Values.invalid(property, value, "an absolute, normalized path, - first to ignore a missing file");
    }
    return List.of(new Assignment("EnvironmentFiles", "a(sb)", List.of(List.of(path, optional))));
  }

  /** Variable names, each once (strv_env_name_is_valid). */
  private static List<Assignment> passEnvironment(String property, String value) {
    List<String> names = checkedWords(property, value, EnvironmentVariables::isValidName, "variable names");
    return List.of(new Assignment(property, "as", eachNameOnce(property, value, names)));
  }

  /**
   * Directories the manager creates for the service: relative, normalized paths. The
   * SOURCE:LINK forms (symlinks, 250) are not taken yet.
   */
  private static Property directory(String name, int since, String where) {
    return new Property(name, name + " as", SERVICE, true, since, null,
        "directories to create " + where + ": relative paths",
        wordsEach(path -> !path.startsWith("/") && !path.contains(":") && Values.isNormalizedPath(path),
            "relative, normalized paths without ':' (confine does not send SOURCE:LINK symlinks)"));
  }

  private static Property directoryMode(String name, int since) {
    return new Property(name, name + " u", SERVICE, true, since, null,
        "access mode of the " + name.replace("Mode", "") + " directories, in octal (default 0755)",
        PropertyTable::umask);
  }


  /** The namespace types of RestrictNamespaces, as their CLONE_NEW* flags. */
  private static final Map<String, Long> NAMESPACES = Map.of("cgroup", 0x0200_0000L,
      "ipc", 0x0800_0000L, "net", 0x4000_0000L, "mnt", 0x0002_0000L, "pid", 0x2000_0000L,
      "user", 0x1000_0000L, "uts", 0x0400_0000L, "time", 0x80L);
  private static final long ALL_NAMESPACES = NAMESPACES.values().stream().reduce(0L, (a, b) -> a | b);

  /**
   * yes (none may be created: 0), no (all: every flag), or namespace types, after ~ those that may
   * not; as the flags that may be created.
   */
  private static List<Assignment> restrictNamespaces(String property, String value) {
    long flags;
    try {
      flags = Values.bool(property, value) ? 0 : ALL_NAMESPACES;
    } catch (InvalidPropertyException notABoolean) {
      boolean inverted = value.startsWith("~");
      flags = 0;
      for (String type : Values.words(property, inverted ? value.substring(1) : value)) {
        Long flag = NAMESPACES.get(type);
        if (flag == null) {
          throw Values.invalid(property, value, "yes, no, or namespace types out of "
              + String.join(" ", new TreeSet<>(NAMESPACES.keySet())) + ", ~ first to invert");
        }
        flags |= flag;
      }
      flags = inverted ? ~flags & ALL_NAMESPACES : flags;
    }
    return List.of(new Assignment(property, "t", flags));
  }

  /** The capabilities by number, CAP_CHOWN = 0 on. */
  private static final List<String> CAPABILITIES = List.of("chown", "dac_override",
      "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
      "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock",
      "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin",
      "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
      "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
      "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore");

  /**
   * Capability names ({@code CAP_SYS_ADMIN}, any case) or numbers, ~ first to invert, as the
   * 64-bit mask systemd-run sends (capability_set_from_string).
   */
  private static Property capabilities(String name, int since, String summary) {
    return new Property(name, name + " t", SERVICE, true, since, null,
        summary + ": names such as CAP_NET_BIND_SERVICE, ~ first to invert", (property, value) -> {
          boolean inverted = value.startsWith("~");
          long mask = 0;
          for (String word : Values.words(property, inverted ? value.substring(1) : value)) {
            String lower = word.toLowerCase(Locale.ROOT);
            int number = CAPABILITIES.indexOf(lower.startsWith("cap_") ? lower.substring(4) : "");
            if (number < 0 && word.matches("\\d{1,2}") && Integer.parseInt(word) < 63) {
              number = Integer.parseInt(word);
            }
            if (number < 0) {
              throw Values.invalid(property, value, "capability names such as CAP_NET_ADMIN; '" + word
                  + "' is not one");
            }
            mask |= 1L << number;
          }
          return List.of(new Assignment(property, "t", inverted ? ~mask : mask));
        });
  }

  /** The kinds of memory a core dump may hold, bit 0 on; default is what the kernel does. */
  private static final List<String> COREDUMP_KINDS = List.of("private-anonymous",
      "shared-anonymous", "private-file-backed", "shared-file-backed", "elf-headers",
      "private-huge", "shared-huge", "private-dax", "shared-dax");

  private static List<Assignment> coredumpFilter(String property, String value) {
    long mask = 0;
    for (String word : Values.words(property, value)) {
      int bit = COREDUMP_KINDS.indexOf(word);
      if (bit >= 0) {
        mask |= 1L << bit;
      } else if (word.equals("default")) {
        mask |= 0x33;
      } else if (word.equals("all")) {
        mask |= 0xFFFF_FFFFL;
      } else if (word.matches("(0x)?[0-9a-fA-F]{1,16}")) {
        mask |= Long.parseUnsignedLong(word.replaceFirst("^0x", ""), 16);
      } else {
        throw Values.invalid(property, value, "memory kinds such as private-anonymous elf-headers,"
            + " default, all, or a hex mask; '" + word + "' is not one");
      }
    }
    return List.of(new Assignment(property, "t", mask));
  }

  /** A user or group name as systemd takes it (valid_user_group_name, relaxed). */
  private static boolean isUserOrGroupName(String name) {
    return name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}") && !name.matches("\\d+|\\.\\.?");
  }

  /**
   * {@code ID:PATH}, or just {@code ID} to take the credential the manager itself has; empty
   * clears the list. dbus-execute.c wants a credential name and an absolute, normalized path or a
   * credential name as the source.
   */
  private static Property loadCredential(String name, int since, String what) {
    return new Property(name, name + " a(ss)", SERVICE, true, since, null,
        what + ": ID:PATH, or ID for the manager's own credential ID", (property, value) -> {
          if (value.isEmpty()) {
            return List.of(new Assignment(property, "a(ss)", List.of()));
          }
          String[] id = Values.firstWord(value, ':');
          String source = id == null || id[1] == null || id[1].isEmpty() ? value : id[1];
          boolean validSource = source.startsWith("/")
              ? Values.isNormalizedPath(source) : Values.isCredentialName(source);
          if (id == null || !Values.isCredentialName(id[0]) || !validSource) {
            throw Values.invalid(property, value, "ID:PATH with a credential name ID and an absolute,"
                + " normalized PATH or a credential name, or ID alone");
          }
          return List.of(new Assignment(property, "a(ss)", List.of(List.of(id[0], source))));
        });
  }

  /** How a {@code SetCredential…=} value's data part becomes bytes. */
  private interface CredentialData {
    byte[] decode(String property, String value, String data);
  }

  /** {@code ID:DATA}, sent as the data's bytes; empty clears the list. */
  private static Property setCredential(String name, int since, String summary, CredentialData data) {
    return new Property(name, name + " a(say)", SERVICE, true, since, null, summary,
        (property, value) -> {
          if (value.isEmpty()) {
            return List.of(new Assignment(property, "a(say)", List.of()));
          }
          String[] id = Values.firstWord(value, ':');
          if (id == null || id[1] == null || !Values.isCredentialName(id[0])) {
            throw Values.invalid(property, value, "ID:DATA with a credential name ID");
          }
          return List.of(new Assignment(property, "a(say)",
              List.of(List.of(id[0], data.decode(property, value, id[1])))));
        });
  }

  /**
   * {@code GLOB} as {@code ImportCredential}; empty clears the list. 257's manager refuses 258's
   * {@code GLOB:NEWNAME} ("Credential name or glob is invalid", measured), and so does confine.
   */
  private static List<Assignment> importCredential(String property, String value) {
    if (!value.isEmpty() && !Values.isCredentialGlob(value)) {
      throw Values.invalid(property, value, "a credential name, PREFIX* or *");
    }
    return List.of(new Assignment("ImportCredential", "as", value.isEmpty() ? List.of() : List.of(value)));
  }

  /** The flags of OpenFile=, bit 0 on; at most one of the first three. */
  private static final List<String> OPEN_FILE_FLAGS = List.of("read-only", "append", "truncate", "graceful");

  /**
   * {@code PATH[:FDNAME[:FLAG,…]]} as open_file_parse reads it: C escapes resolved in each part,
   * FDNAME defaulting to the path's last component.
   */
  private static List<Assignment> openFile(String property, String value) {
    String expected = "PATH[:FDNAME[:FLAGS]] with an absolute PATH, a descriptor name and FLAGS out"
        + " of read-only, append, truncate (one of these three) and graceful, e.g."
        + " /etc/hostname:host:read-only";
    List<String> parts = new ArrayList<>(List.of(value.split(":", -1)));
    // extract_many_words stops after three words; a separator right after the third is dropped.
    if (parts.size() == 4 && parts.get(3).isEmpty()) {
      parts.remove(3);
    }
    if (value.isEmpty() || parts.size() > 3) {
      throw Values.invalid(property, value, expected);
    }
    List<String> words = new ArrayList<>();
    for (String part : parts) {
      words.add(new String(Values.unescape(property, value, part, false), StandardCharsets.UTF_8));
    }
    String path = words.get(0);
    String[] components = path.split("/");
    boolean derived = words.size() < 2 || words.get(1).isEmpty();
    String fdName = !derived ? words.get(1) : components.length == 0 ? "" : components[components.length - 1];
    long flags = 0;
    for (String flag : words.size() > 2 ? words.get(2).split(",") : new String[0]) {
      int bit = OPEN_FILE_FLAGS.indexOf(flag);
      if (!flag.isEmpty() && (bit < 0 || (flags & 1L << bit) != 0)) {
        throw Values.invalid(property, value, expected);
      }
      flags |= flag.isEmpty() ? 0 : 1L << bit;
    }
    boolean validPath = path.startsWith("/") && Values.isValidPath(path);
    if (!validPath || (derived && !Values.isValidFilename(fdName)) || !Values.isFdName(fdName)
        || Long.bitCount(flags & 0b111) > 1) {
      throw Values.invalid(property, value, expected);
    }
    return List.of(new Assignment(property, "a(sst)", List.of(List.of(path, fdName, flags))));
  }

  /**
   * Condition…= (a failed one skips the start: the job ends done) or Assert…= (fails it), sent as
   * (type, trigger, negate, parameter) on {@code list}. systemd-run takes a leading {@code |}
   * (trigger: one of them is enough) and then {@code !} (negate) without skipping whitespace; an
   * empty value clears the whole list, every type of it.
   */
  private static Property[] checks(String prefix, String verdict, String list) {
    return CHECKS.stream().map(check -> new Property(prefix + check.type(), list + " a(sbbs)", ANY,
        true, check.since(), null, verdict + check.holds() + "; | first: one of such suffices, ! negates",
        (property, value) -> {
          if (value.isEmpty()) {
            return List.of(new Assignment(list, "a(sbbs)", List.of()));
          }
          boolean trigger = value.startsWith("|");
          String negated = trigger ? value.substring(1) : value;
          boolean negate = negated.startsWith("!");
          String parameter = negate ? negated.substring(1) : negated;
          if (parameter.isEmpty() || (check.takesPath() && !parameter.startsWith("/"))) {
            throw Values.invalid(property, value, "[|][!]" + (check.takesPath()
                ? "PATH with an absolute PATH" : "PARAMETER with a non-empty PARAMETER"));
          }
          return List.of(new Assignment(list, "a(sbbs)",
              List.of(List.of(property, trigger, negate, parameter))));
        })).toArray(Property[]::new);
  }

  /**
   * BindPaths and BindReadOnlyPaths: SOURCE[:DESTINATION[:OPTIONS]] ..., '-' before SOURCE to
   * ignore a missing one, OPTIONS rbind (default) or norbind; sent as (source, destination,
   * ignore missing, MS_REC or 0).
   */
  private static Property bindPaths(String name, String summary) {
    return new Property(name, name + " a(ssbt)", SERVICE, true, 233, null,
        summary + ": SOURCE[:DESTINATION[:rbind|norbind]] ..., - first to ignore a missing source",
        (property, value) -> {
          List<List<Object>> mounts = new ArrayList<>();
          for (String word : Values.words(property, value)) {
            String[] parts = word.split(":", -1);
            boolean optional = parts[0].startsWith("-");
            String source = optional ? parts[0].substring(1) : parts[0];
            String destination = parts.length > 1 ? parts[1] : source;
            String options = parts.length > 2 ? parts[2] : "";
            if (parts.length > 3 || !isAbsoluteNormalized(source) || !isAbsoluteNormalized(destination)
                || !List.of("", "rbind", "norbind").contains(options)) {
              throw Values.invalid(property, value, "SOURCE[:DESTINATION[:rbind|norbind]] with absolute,"
                  + " normalized paths; '" + word + "' is not one");
            }
            mounts.add(List.of(source, destination, optional, options.equals("norbind") ? 0L : MS_REC));
          }
          return List.of(new Assignment(property, "a(ssbt)", mounts));
        });
  }

  /**
   * A command list of the exec family: each assignment adds a command, an empty one empties the
   * list (see {@link ExecCommand#parse}). A socket unit has no Ex forms, so no prefix but - and @.
   */
  private static Property execCommand(String name, int since, Set<UnitType> types, String summary) {
    boolean socket = types.equals(SOCKET);
    return new Property(name, name + " a(sasb)" + (socket ? "" : " | " + name + "Ex a(sasas)"), types,
        true, since, null, summary + ": [PREFIXES]COMMAND ARGUMENTS …, prefixes "
            + (socket ? "- (ignore failure) and @ (argv[0] follows)"
                : "- @ : + ! !! as in unit files") + "; empty clears the list",
        (property, value) -> {
          Assignment command = ExecCommand.parse(property, value);
          if (socket && ExecCommand.isEx(command)) {
            throw Values.invalid(property, value, "a command with no prefix but - and @: socket units"
                + " take no " + command.name());
          }
          return List.of(command);
        });
  }

  /** {@code ExecStartPreEx=} and the like: the list of {@code execList}, sent in the Ex form. */
  private static Property execCommandEx(String execList) {
    String name = execList + "Ex";
    return new Property(name, name + " a(sasas)", SERVICE, true, ExecCommand.exSince(name), null,
        "as " + execList + "=, sent as " + name + " whatever the prefixes",
        (property, value) -> List.of(ExecCommand.parse(property, value)));
  }

  /** The exit statuses by name, as exit_status_from_string reads them (KSM: systemd 254). */
  private static final Map<String, Integer> EXIT_STATUSES = Map.ofEntries(
      Map.entry("SUCCESS", 0), Map.entry("FAILURE", 1), Map.entry("INVALIDARGUMENT", 2),
      Map.entry("NOTIMPLEMENTED", 3), Map.entry("NOPERMISSION", 4), Map.entry("NOTINSTALLED", 5),
      Map.entry("NOTCONFIGURED", 6), Map.entry("NOTRUNNING", 7), Map.entry("USAGE", 64),
      Map.entry("DATAERR", 65), Map.entry("NOINPUT", 66), Map.entry("NOUSER", 67),
      Map.entry("NOHOST", 68), Map.entry("UNAVAILABLE", 69), Map.entry("SOFTWARE", 70),
      Map.entry("OSERR", 71), Map.entry("OSFILE", 72), Map.entry("CANTCREAT", 73),
      Map.entry("IOERR", 74), Map.entry("TEMPFAIL", 75), Map.entry("PROTOCOL", 76),
      Map.entry("NOPERM", 77), Map.entry("CONFIG", 78), Map.entry("CHDIR", 200),
      Map.entry("NICE", 201), Map.entry("FDS", 202), Map.entry("EXEC", 203),
      Map.entry("MEMORY", 204), Map.entry("LIMITS", 205), Map.entry("OOM_ADJUST", 206),
      Map.entry("SIGNAL_MASK", 207), Map.entry("STDIN", 208), Map.entry("STDOUT", 209),
      Map.entry("CHROOT", 210), Map.entry("IOPRIO", 211), Map.entry("TIMERSLACK", 212),
      Map.entry("SECUREBITS", 213), Map.entry("SETSCHEDULER", 214), Map.entry("CPUAFFINITY", 215),
      Map.entry("GROUP", 216), Map.entry("USER", 217), Map.entry("CAPABILITIES", 218),
      Map.entry("CGROUP", 219), Map.entry("SETSID", 220), Map.entry("CONFIRM", 221),
      Map.entry("STDERR", 222), Map.entry("PAM", 224), Map.entry("NETWORK", 225),
      Map.entry("NAMESPACE", 226), Map.entry("NO_NEW_PRIVILEGES", 227), Map.entry("SECCOMP", 228),
      Map.entry("SELINUX_CONTEXT", 229), Map.entry("PERSONALITY", 230), Map.entry("APPARMOR", 231),
      Map.entry("ADDRESS_FAMILIES", 232), Map.entry("RUNTIME_DIRECTORY", 233),
      Map.entry("CHOWN", 235), Map.entry("SMACK_PROCESS_LABEL", 236), Map.entry("KEYRING", 237),
      Map.entry("STATE_DIRECTORY", 238), Map.entry("CACHE_DIRECTORY", 239),
      Map.entry("LOGS_DIRECTORY", 240), Map.entry("CONFIGURATION_DIRECTORY", 241),
      Map.entry("NUMA_POLICY", 242), Map.entry("CREDENTIALS", 243), Map.entry("BPF", 244),
      Map.entry("KSM", 245), Map.entry("EXCEPTION", 255));

  /**
   * Exit statuses and signals, sent as {@code (aiai)}: systemd adds them to the sets it has, and
   * both empty (an empty value) empties them.
   */
  private static Property exitStatuses(String name, String summary) {
    return new Property(name, name + " (aiai)", SERVICE, true, 237, null,
        summary + ": statuses 0-255 or names such as TEMPFAIL, signal names such as SIGUSR1;"
            + " empty resets", (property, value) -> {
          List<Integer> statuses = new ArrayList<>();
          List<Integer> signals = new ArrayList<>();
          for (String word : Values.words(property, value)) {
            // A number is a status first, as exit_status_from_string comes before signal_from_string.
            OptionalLong number = Values.parseUnsigned(word);
            Integer status = number.isPresent() && Long.compareUnsigned(number.getAsLong(), 255) <= 0
                ? Integer.valueOf((int) number.getAsLong()) : EXIT_STATUSES.get(word);
            if (status != null) {
              statuses.add(status);
            } else if (number.isEmpty()) {
              signals.add(signal(property, value, word));
            } else {
              throw Values.invalid(property, value, "exit statuses 0-255, their names or signal names;"
                  + " '" + word + "' is none");
            }
          }
          return List.of(new Assignment(property, "(aiai)", List.of(statuses, signals), Merge.UNITES));
        });
  }

  private static int signal(String property, String value, String word) {
    try {
      return Values.signal(property, word);
    } catch (InvalidPropertyException notASignal) {
      throw Values.invalid(property, value, "exit statuses 0-255, their names or signal names;"
          + " '" + word + "' is none");
    }
  }

  /**
   * An allow list of names, or with {@code ~} first a deny list, sent as {@code (bas)}; systemd
   * merges them as {@link Merge#ALLOWS_OR_DENIES} says. An exec setting of services.
   */
  private static Property allowOrDeny(String name, int since, String summary, String expected,
      BiPredicate<Boolean, String> valid) {
    return allowOrDeny(name, SERVICE, true, since, summary, expected, valid);
  }

  private static Property allowOrDeny(String name, Set<UnitType> types, boolean creationOnly,
      int since, String summary, String expected, BiPredicate<Boolean, String> valid) {
    return new Property(name, name + " (bas)", types, creationOnly, since, null,
        summary + ": " + expected + "; ~ first to deny them instead", (property, value) -> {
          boolean allow = !value.startsWith("~");
          List<String> names = checked(property, value,
              Values.words(property, allow ? value : value.substring(1)),
              word -> valid.test(allow, word), expected + ", ~ first to deny them");
          return List.of(new Assignment(property, "(bas)", List.of(allow, names), Merge.ALLOWS_OR_DENIES));
        });
  }

  /**
   * A SystemCallFilter entry as the manager's parse_syscall_and_errno takes it: a name or @group
   * (systemd ignores one it does not know), in a deny list optionally with {@code :ERRNO}: an
   * errno name (systemd checks which), a number up to 4095, or kill.
   */
  private static boolean isSystemCallRule(boolean allow, String rule) {
    int colon = rule.indexOf(':');
    if (colon < 0) {
      return true;
    }
    String errno = rule.substring(colon + 1);
    return !allow && colon > 0 && (errno.equals("kill") || errno.matches("E[A-Z0-9]+")
        || (errno.matches("\\d{1,4}") && Integer.parseInt(errno) <= 4095));
  }

  /** The mount flag for recursive bind mounts. */
  private static final long MS_REC = 0x4000;

  static boolean isAbsoluteNormalized(String path) {
    return path.startsWith("/") && Values.isNormalizedPath(path);
  }

  /** PATH[:OPTIONS] ..., sent as (path, options). */
  private static List<Assignment> temporaryFileSystem(String property, String value) {
    List<List<Object>> mounts = new ArrayList<>();
    for (String word : Values.words(property, value)) {
      int colon = word.indexOf(':');
      String path = colon < 0 ? word : word.substring(0, colon);
      if (!isAbsoluteNormalized(path)) {
        throw Values.invalid(property, value, "PATH[:OPTIONS] with absolute paths; '" + word + "' is not one");
      }
      mounts.add(List.of(path, colon < 0 ? "" : word.substring(colon + 1)));
    }
    return List.of(new Assignment(property, "a(ss)", mounts));
  }

  /** A duration of at least one second, or infinity for systemd-oomd's default. */
  private static List<Assignment> pressureDuration(String property, String value) {
    long usec = Values.timespanUsec(property, value);
    if (Long.compareUnsigned(usec, 1_000_000) < 0) {
      throw Values.invalid(property, value, "at least 1s, or infinity");
    }
    return List.of(new Assignment("ManagedOOMMemoryPressureDurationUSec", "t", usec));
  }

  /** The ports whose bind() the unit's processes may, or may not, make; runtime settable. */
  private static Property socketBind(String name, String may) {
    return new Property(name, name + " a(iiqq)", BOTH, false, 249, null,
        "ports the processes " + may + " bind sockets to:"
            + " [ipv4|ipv6:][tcp|udp:]any|PORT|FIRST-LAST, e.g. ipv6:tcp:1-1023; each assignment"
            + " adds, empty resets", FilterValues::socketBind);
  }

  /** A pinned BPF program that filters the unit's traffic; each assignment adds, empty clears. */
  private static Property bpfFilter(String name, String direction) {
    return new Property(name, name + " as", BOTH, true, 243, null,
        "BPF programs pinned in bpffs that filter the unit's " + direction
            + " packets: absolute paths; empty resets",
        wordsEach(PropertyTable::isAbsoluteNormalized, "absolute, normalized paths"));
  }

  /**
   * AppArmorProfile=, SmackProcessLabel=: a name, {@code -} first to go on when it cannot be
   * applied, sent as {@code (bs)} (ignore, name).
   */
  private static Property securityLabel(String name, String what) {
    return new Property(name, name + " (bs)", SERVICE, true, 235, null,
        what + " of the processes; - first to go on if it cannot be applied",
        (property, value) -> {
          boolean ignore = value.startsWith("-");
          return List.of(new Assignment(property, "(bs)",
              List.of(ignore, ignore ? value.substring(1) : value)));
        });
  }

  /** The securebits names of secure_bits_from_string, by bit. */
  private static final List<String> SECURE_BITS = List.of("noroot", "noroot-locked",
      "no-setuid-fixup", "no-setuid-fixup-locked", "keep-caps", "keep-caps-locked");

  /**
   * Securebits words, ORed. systemd-run ignores a word it does not know (and sends 0 for a value
   * of only such words); confine refuses it.
   */
  private static List<Assignment> secureBits(String property, String value) {
    int bits = 0;
    for (String word : checkedWords(property, value, SECURE_BITS::contains,
        "securebits names: " + String.join(", ", SECURE_BITS))) {
      bits |= 1 << SECURE_BITS.indexOf(word);
    }
    return List.of(new Assignment(property, "i", bits));
  }

  /**
   * A journal namespace as log_namespace_name_valid takes it: a file name of at most 222
   * characters that is a valid unit instance (letters, digits, ':', '-', '_', '.', '@') without
   * backslashes; empty for the default journal.
   */
  private static List<Assignment> logNamespace(String property, String value) {
    if (!value.isEmpty() && (!value.matches("[A-Za-z0-9:_.@-]{1,222}") || value.equals(".")
        || value.equals(".."))) {
      throw Values.invalid(property, value, "a namespace name: up to 222 letters, digits, ':',"
          + " '-', '_', '.' or '@'; empty resets");
    }
    return List.of(new Assignment(property, "s", value));
  }

  private static Property unitFlag(String name, int since, String summary) {
    return new Property(name, name + " b", BOTH, true, since, null, summary, bool());
  }

  private static Property jobMode(String name, int since, String dependency) {
    return new Property(name, name + " s", BOTH, true, since, null,
        "job mode for starting the " + dependency + "= units: fail, replace …",
        words("fail", "replace", "replace-irreversibly", "isolate", "flush", "ignore-dependencies",
            "ignore-requirements"));
  }

  /** An emergency action; a user manager takes none, exit and exit-force only. */
  private static Property emergencyAction(String name, String when) {
    int since = name.equals("StartLimitAction") ? 1 : name.equals("JobTimeoutAction") ? 237 : 236;
    return new Property(name, name + " s", BOTH, true, since,
        null, "what the manager does " + when + ": none, exit, reboot, poweroff …",
        words("none", "exit", "exit-force", "reboot", "reboot-force", "reboot-immediate",
            "poweroff", "poweroff-force", "poweroff-immediate", "halt", "halt-force",
            "halt-immediate", "kexec", "kexec-force", "soft-reboot", "soft-reboot-force"));
  }

  /** The exit status for an exit action: 0-255 as safe_atou8 reads it, or empty for the unit's. */
  private static Property actionExitStatus(String name, String action) {
    return new Property(name, name + " i", BOTH, true, 240, null,
        "exit status of the manager for " + action + "=exit, 0-255; empty: the unit's own",
        (property, value) -> List.of(new Assignment(property, "i",
            value.isEmpty() ? -1 : (int) Values.unsigned(property, value, 0, 255))));
  }

  /**
   * A well-known D-Bus name as service_name_is_valid takes it: dot-separated elements of
   * letters, digits, '_' and '-', not starting with a digit, at least two, at most 255 characters.
   */
  private static String busName(String property, String value) {
    if (value.length() > 255 || !value.matches("[A-Za-z_-][A-Za-z0-9_-]*(\\.[A-Za-z_-][A-Za-z0-9_-]*)+")) {
      throw Values.invalid(property, value, "a D-Bus name such as org.example.Service");
    }
    return value;
  }

  /** FIELD=VALUE: a journal field name (upper-case letters, digits, '_', not starting with '_'). */
  private static List<Assignment> logExtraField(String property, String value) {
    int eq = value.indexOf('=');
    String field = eq < 0 ? "" : value.substring(0, eq);
    if (!field.matches("[A-Z0-9][A-Z0-9_]{0,63}") || Character.isDigit(field.charAt(0))) {
      throw Values.invalid(property, value, "FIELD=VALUE with a journal field name such as MY_FIELD");
    }
    return List.of(new Assignment(property, "aay", List.of(value.getBytes(StandardCharsets.UTF_8))));
  }
}
