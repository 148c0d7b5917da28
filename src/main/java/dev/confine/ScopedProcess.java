package dev.confine;

/**
 * A process that runs in a transient scope; it was placed there before its first instruction.
 *
 * @param unit the scope's name
 * @param process the payload process
 */
public record ScopedProcess(String unit, Process process) {

  /** Waits for the payload; its exit status, or 128+N when signal N killed it. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }
}
