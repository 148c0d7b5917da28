package dev.confine;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Why a unit ended, in words, when it was not the command's own doing. */
final class ExitExplanation {
  private ExitExplanation() {}

  /**
   * @param result the unit's Result
   * @param code how its (main) process ended: exited, killed, dumped; none when unknown
   * @param status its exit status or signal
   * @param properties the unit's properties (limits, timestamps, restarts)
   * @param oomKills OOM kills seen in its cgroup
   */
  static Optional<String> of(String result, String code, int status, Map<String, Object> properties,
      long oomKills) {
    String why = Stream.of(lastRun(result, code, status, properties, oomKills), startLimit(result, properties))
        .flatMap(Optional::stream).collect(Collectors.joining("; "));
    return why.isEmpty() ? Optional.empty() : Optional.of(why);
  }

  /** What ended the last run. */
  private static Optional<String> lastRun(String result, String code, int status, Map<String, Object> properties,
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
    if (killed) {
      return Optional.of((code.equals("dumped") ? "dumped core after signal " : "killed by signal ")
          + Formats.signal(status));
    }
    return Optional.empty();
  }

  /**
   * Why a service with {@code Restart=} was not started again. systemd says start-limit-hit only
   * when the last run had succeeded; after a failed run the Result stays that run's, so a failed
   * service whose restarts (NRestarts counts the refused one too) reached StartLimitBurst counts.
   */
  private static Optional<String> startLimit(String result, Map<String, Object> properties) {
    long burst = Formats.uint64(properties.get("StartLimitBurst"));
    long interval = Formats.uint64(properties.get("StartLimitIntervalUSec"));
    boolean restarting = !String.valueOf(properties.getOrDefault("Restart", "no")).equals("no");
    boolean hit = result.equals("start-limit-hit") || (!result.equals("success") && restarting && burst > 0
        && interval > 0 && Formats.uint64(properties.get("NRestarts")) >= burst);
    return hit ? Optional.of("restarted too often: systemd starts it at most StartLimitBurst=" + burst
        + " times within StartLimitIntervalSec=" + Formats.timespan(interval)) : Optional.empty();
  }
}
