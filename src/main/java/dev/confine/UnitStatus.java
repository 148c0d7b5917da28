package dev.confine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@code confine status} shows: a unit's state as systemd reports it and its cgroup as the
 * kernel reports it. Values that cannot be read (no cgroup any more, a remote bus, an older
 * kernel or systemd) are empty.
 *
 * @param unit the unit's name
 * @param description its Description=
 * @param loadState {@code loaded}, {@code not-found} …
 * @param activeState {@code active}, {@code inactive}, {@code failed} …
 * @param subState the type's own state: {@code running}, {@code exited}, {@code abandoned} …
 * @param result {@code success}, {@code exit-code}, {@code oom-kill}, {@code timeout} …
 * @param freezerState {@code running}, {@code frozen} …
 * @param transientUnit whether the unit was created at runtime (all scopes are)
 * @param controlGroup the cgroup path below /sys/fs/cgroup, or "" when it has none
 * @param mainPid the main process of a service
 * @param processes every process in the unit's cgroup tree
 * @param configured resource settings as systemd holds them, by property name ({@code MemoryMax → 20M});
 *     unset ones are left out
 * @param effective the cgroup's limit files as the kernel holds them ({@code memory.max → 20971520})
 * @param usage what the unit uses now
 * @param pressure PSI by resource: {@code memory}, {@code cpu}, {@code io}
 * @param delegation whether and what the unit delegates
 */
public record UnitStatus(
    String unit, String description, String loadState, String activeState, String subState,
    String result, String freezerState, boolean transientUnit, String controlGroup,
    OptionalLong mainPid, List<UnitProcess> processes, Map<String, String> configured,
    Map<String, String> effective, Usage usage, Map<String, Pressure> pressure, Delegation delegation) {

  /**
   * Resource use.
   *
   * @param memoryCurrent bytes now ({@code memory.current})
   * @param memoryPeak the most bytes so far ({@code memory.peak}, Linux 5.19)
   * @param swapCurrent swap bytes now
   * @param cpuUsageNanos CPU time consumed, user and system
   * @param tasksCurrent processes and threads now
   * @param ioReadBytes bytes read, all devices ({@code io.stat}; needs the io controller)
   * @param ioWriteBytes bytes written, all devices
   */
  public record Usage(OptionalLong memoryCurrent, OptionalLong memoryPeak, OptionalLong swapCurrent,
      OptionalLong cpuUsageNanos, OptionalLong tasksCurrent, OptionalLong ioReadBytes,
      OptionalLong ioWriteBytes) {}

  /**
   * Pressure stall information of one resource ({@code memory.pressure} …).
   *
   * @param some the share of time at least one task stalled
   * @param full the share of time all tasks stalled; cpu has none before Linux 5.13
   */
  public record Pressure(Stall some, Optional<Stall> full) {}

  /**
   * One PSI line.
   *
   * @param avg10 percent of the last 10 s
   * @param avg60 percent of the last minute
   * @param avg300 percent of the last 5 minutes
   * @param totalMicros stalled time in all
   */
  public record Stall(double avg10, double avg60, double avg300, long totalMicros) {}

  /**
   * Delegation of the unit's cgroup subtree to its processes.
   *
   * @param delegate Delegate=
   * @param controllers the controllers delegated
   * @param subgroup DelegateSubgroup=, or ""
   * @param ownerUid who owns the cgroup directory
   */
  public record Delegation(boolean delegate, List<String> controllers, String subgroup, OptionalLong ownerUid) {}

  /**
   * A process in the unit.
   *
   * @param pid its process ID
   * @param cgroup its cgroup relative to the unit's: "/" or e.g. "/init"
   * @param command its command line
   */
  public record UnitProcess(long pid, String cgroup, String command) {}
}
