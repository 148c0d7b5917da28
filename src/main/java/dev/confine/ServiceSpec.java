package dev.confine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A transient service: systemd itself starts the command ({@code ExecStart=}, {@code Type=exec}
 * unless another {@code Type=} is set), in the manager's environment plus {@link #environment()}.
 */
public final class ServiceSpec extends UnitSpec {
  private final List<String> command;
  private final Map<String, String> environment;

  private ServiceSpec(Builder builder) {
    super(builder);
    this.command = builder.command;
    this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
  }

  /**
   * A builder for a service running {@code command}; a command without a slash is looked up in
   * this process's {@code PATH}, as systemd-run does.
   */
  public static Builder builder(List<String> command) {
    return new Builder(command);
  }

  @Override
  UnitType type() {
    return UnitType.SERVICE;
  }

  /** The command line, its executable resolved to an absolute path. */
  public List<String> command() {
    return command;
  }

  /** Extra environment for the service ({@code Environment=}). */
  public Map<String, String> environment() {
    return environment;
  }

  public Optional<String> workingDirectory() {
    return Optional.ofNullable(properties().get("WorkingDirectory")).map(values -> values.get(0));
  }

  /** Builds a {@link ServiceSpec}. */
  public static final class Builder extends UnitSpec.Builder<ServiceSpec, Builder> {
    private final List<String> command;
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(List<String> command) {
      super(UnitType.SERVICE);
      if (command.isEmpty() || command.get(0).isEmpty()) {
        throw new InvalidPropertyException("a command to run is required");
      }
      List<String> resolved = new ArrayList<>(command);
      resolved.set(0, Executables.resolve(command.get(0)).toString());
      this.command = List.copyOf(resolved);
    }

    @Override
    Builder self() {
      return this;
    }

    /** Adds {@code NAME=VALUE} to the service's environment. */
    public Builder setenv(String name, String value) {
      if (name.isEmpty() || name.contains("=")) {
        throw new InvalidPropertyException("invalid environment variable name '" + name + "'");
      }
      environment.put(name, value);
      return this;
    }

    /** The working directory: an absolute path, or {@code ~} for the user's home. */
    public Builder workingDirectory(String directory) {
      return property("WorkingDirectory", directory);
    }

    @Override
    public ServiceSpec build() {
      return new ServiceSpec(this);
    }
  }
}
