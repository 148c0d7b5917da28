package dev.confine;

/**
 * A transient timer, path or socket unit that starts a service when it fires, as {@code
 * systemd-run} makes one for {@code --on-active=}, {@code --timer-property=}, {@code
 * --path-property=} or {@code --socket-property=}. Its properties are those of its unit type
 * ({@code OnActiveSec=30s}, {@code PathExists=/srv/inbox}, {@code ListenStream=8080} …) and the
 * [Unit] ones; see
 * {@link Systemd#startTrigger(TriggerSpec, ServiceSpec)}.
 */
public final class TriggerSpec extends UnitSpec {
  private final UnitType type;

  private TriggerSpec(Builder builder) {
    super(builder);
    this.type = builder.type;
  }

  /** A builder for a timer unit ({@code .timer}). */
  public static Builder timer() {
    return new Builder(UnitType.TIMER);
  }

  /** A builder for a path unit ({@code .path}). */
  public static Builder path() {
    return new Builder(UnitType.PATH);
  }

  /** A builder for a socket unit ({@code .socket}): the service starts at the first connection. */
  public static Builder socket() {
    return new Builder(UnitType.SOCKET);
  }

  @Override
  UnitType type() {
    return type;
  }

  /** Builds a {@link TriggerSpec}. */
  public static final class Builder extends UnitSpec.Builder<TriggerSpec, Builder> {
    private final UnitType type;

    private Builder(UnitType type) {
      super(type);
      this.type = type;
    }

    @Override
    Builder self() {
      return this;
    }

    @Override
    public TriggerSpec build() {
      return new TriggerSpec(this);
    }
  }
}
