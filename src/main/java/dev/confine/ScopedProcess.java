package dev.confine;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A process that runs in a transient scope; it was placed there before its first instruction.
 * While it runs, the scope's OOM kills are counted, so that {@link #exit()} can tell why it ended
 * even after systemd has removed the scope's cgroup.
 */
public final class ScopedProcess {
  private final String unit;
  private final Process process;
  private final OomWatch oomWatch;
  private final Supplier<Map<String, Object>> scopeProperties;
  private final Runnable release;
  private UnitExit exit;

  ScopedProcess(String unit, Process process, OomWatch oomWatch, Supplier<Map<String, Object>> scopeProperties,
      Runnable release) {
    this.unit = unit;
    this.process = process;
    this.oomWatch = oomWatch;
    this.scopeProperties = scopeProperties;
    this.release = release;
    process.onExit().thenRun(oomWatch::close);
  }

  /** The scope's name. */
  public String unit() {
    return unit;
  }

  /** The payload process. */
  public Process process() {
    return process;
  }

  /** Waits for the payload; its exit status, or 128+N when signal N killed it. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /**
   * Waits for the payload and tells how it ended: the scope's {@code Result} and the payload's
   * status, with an explanation when the OOM killer, a runtime limit or a signal ended it. Needs
   * the {@link Systemd} connection that launched it to be open. The first answer is kept: the
   * connection then lets the scope go, and systemd collects it once it is empty.
   */
  public synchronized UnitExit exit() throws InterruptedException {
    if (exit == null) {
      exit = readExit();
      release.run();
    }
    return exit;
  }

  private UnitExit readExit() throws InterruptedException {
    int status = process.waitFor();
    long oomKills = oomWatch.kills();
    Map<String, Object> scope;
    try {
      scope = scopeProperties.get();
    } catch (SystemdException e) {
      scope = Map.of();
    }
    String result = String.valueOf(scope.getOrDefault("Result", "success"));
    // A JVM sees a death by signal N as status 128+N, as shells do.
    String code = status > 128 && status <= 128 + 64 ? "killed" : "exited";
    int statusOrSignal = code.equals("killed") ? status - 128 : status;
    Optional<String> explanation = ExitExplanation.of(result, code, statusOrSignal, scope, oomKills);
    return new UnitExit(unit, result, code, statusOrSignal, explanation);
  }
}
