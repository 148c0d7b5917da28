package dev.confine;

/** The start job of a unit ended with a result other than {@code done} or {@code skipped}. */
public class JobFailedException extends SystemdException {
  private static final long serialVersionUID = 1L;
  private final String unit;
  private final String result;

  public JobFailedException(String unit, String result, String message) {
    super(message, null, null);
    this.unit = unit;
    this.result = result;
  }

  public String unit() {
    return unit;
  }

  /** The job result systemd reported: {@code failed}, {@code canceled}, {@code timeout}, … */
  public String result() {
    return result;
  }
}
