package dev.confine;

import java.util.Map;
import java.util.Optional;

/** Why a unit ended, in words, when it was not the command's own doing. */
final class ExitExplanation {
  private ExitExplanation() {}

  /**
   * @param result the unit's Result
   * @param code how its (main) process ended: exited, killed, dumped; none when unknown
   * @param status its exit status or signal
   * @param properties the unit's properties (limits, timestamps)
   * @param oomKills OOM kills seen in its cgroup
   */
  static Optional<String> of(String result, String code, int status, Map<String, Object> properties,
      long oomKills) {
    boolean killed = code.equals("killed") || code.equals("dumped");
    if (result.equals("oom-kill") || (oomKills > 0 && (killed || !result.equals("success")))) {
      long max = Formats.uint64(properties.get("MemoryMax"));
      return Optional.of("killed by the OOM killer: " + (max >= 0
          ? "memory use reached MemoryMax=" + Formats.bytes(max)
          : "the memory of its slice or of the system ran out"));
    }
    if (result.equals("timeout")) {
      long runtimeMax = Formats.uint64(properties.get("RuntimeMaxUSec"));
      boolean wasActive = Formats.uint64(properties.get("ActiveEnterTimestampMonotonic")) > 0;
      return Optional.of(runtimeMax >= 0 && wasActive
          ? "stopped by its runtime limit: RuntimeMaxSec=" + Formats.timespan(runtimeMax)
          : "a start or stop timeout expired (TimeoutStartSec=, TimeoutStopSec=)");
    }
    if (result.equals("start-limit-hit")) {
      return Optional.of("restarted too often: systemd refuses more than StartLimitBurst="
          + Formats.uint64(properties.get("StartLimitBurst")) + " starts within StartLimitIntervalSec="
          + Formats.timespan(Formats.uint64(properties.get("StartLimitIntervalUSec"))));
    }
    if (killed) {
      return Optional.of((code.equals("dumped") ? "dumped core after signal " : "killed by signal ")
          + Formats.signal(status));
    }
    return Optional.empty();
  }
}
