package dev.confine;

/**
 * A transient scope: a cgroup that systemd manages for processes the caller started itself.
 *
 * <pre>{@code
 * ScopeSpec spec = ScopeSpec.builder().memoryMax(256L << 20).cpuQuota(50).build();
 * }</pre>
 */
public final class ScopeSpec extends UnitSpec {
  private ScopeSpec(Builder builder) {
    super(builder);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  UnitType type() {
    return UnitType.SCOPE;
  }

  /** Builds a {@link ScopeSpec}. */
  public static final class Builder extends UnitSpec.Builder<ScopeSpec, Builder> {
    private Builder() {
      super(UnitType.SCOPE);
    }

    @Override
    Builder self() {
      return this;
    }

    @Override
    public ScopeSpec build() {
      return new ScopeSpec(this);
    }
  }
}
