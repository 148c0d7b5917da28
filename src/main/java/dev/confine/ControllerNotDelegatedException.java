package dev.confine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A limit needs a cgroup controller the manager cannot give its units (typically {@code io} or
 * {@code cpuset} under a user manager), so systemd would accept it and enforce nothing. Nothing
 * was started.
 */
public class ControllerNotDelegatedException extends SystemdException {
  private static final long serialVersionUID = 1L;
  private final transient List<NotEnforced> findings;

  public ControllerNotDelegatedException(List<NotEnforced> findings) {
    super(findings.stream().map(NotEnforced::toString).collect(Collectors.joining("; "))
        + ". To fix: " + findings.stream().map(NotEnforced::remedy).distinct()
            .collect(Collectors.joining("; "))
        + ". Nothing was started; to start anyway without these limits, allow undelegated"
        + " controllers (confine run --allow-undelegated).");
    this.findings = List.copyOf(findings);
  }

  /** What would not be enforced. */
  public List<NotEnforced> findings() {
    return findings;
  }
}
