package dev.confine;

/**
 * A change to a delegated cgroup tree failed: a group that is not yours, a group with processes
 * where cgroup v2 allows none, a controller the group above does not pass on. The message says
 * which rule applies and what to do.
 */
public class CgroupException extends SystemdException {
  private static final long serialVersionUID = 1L;

  public CgroupException(String message) {
    super(message);
  }
}
