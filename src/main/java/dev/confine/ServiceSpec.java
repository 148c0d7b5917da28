package dev.confine;

import java.io.FileDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A transient service: systemd itself starts the command ({@code ExecStart=}, {@code Type=exec}
 * unless another {@code Type=} is set), in the manager's environment plus {@link #environment()}.
 */
public final class ServiceSpec extends UnitSpec {
  private final List<String> command;
  private final Map<String, String> environment;
  private final boolean ignoreFailure;
  private final boolean expandEnvironment;
  private final FileDescriptor standardInput;
  private final FileDescriptor standardOutput;
  private final FileDescriptor standardError;

  private ServiceSpec(Builder builder) {
    super(builder);
    this.command = builder.command;
    this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
    this.ignoreFailure = builder.ignoreFailure;
    this.expandEnvironment = builder.expandEnvironment;
    this.standardInput = builder.standardInput;
    this.standardOutput = builder.standardOutput;
    this.standardError = builder.standardError;
  }

  /**
   * A builder for a service running {@code command}; a command without a slash is looked up in
   * this process's {@code PATH}, as systemd-run does.
   */
  public static Builder builder(List<String> command) {
    return new Builder(command, true);
  }

  /**
   * A builder for a service on another machine or in a container ({@code unixexec:} buses): its
   * command is sent as given, for that machine's manager to look up, as systemd-run does there.
   */
  public static Builder remoteBuilder(List<String> command) {
    return new Builder(command, false);
  }

  @Override
  UnitType type() {
    return UnitType.SERVICE;
  }

  /** The command line; its executable resolved to an absolute path unless built for a remote bus. */
  public List<String> command() {
    return command;
  }

  /** Extra environment for the service ({@code Environment=}). */
  public Map<String, String> environment() {
    return environment;
  }

  /** Whether a failing command still counts as success ({@code ExecStart=-…}). */
  public boolean ignoreFailure() {
    return ignoreFailure;
  }

  /** Whether systemd expands {@code $VAR} and {@code ${VAR}} in the command line (the default). */
  public boolean expandEnvironment() {
    return expandEnvironment;
  }

  /** The descriptor the service reads as its standard input, if one is passed. */
  public Optional<FileDescriptor> standardInput() {
    return Optional.ofNullable(standardInput);
  }

  /** The descriptor the service writes its standard output to, if one is passed. */
  public Optional<FileDescriptor> standardOutput() {
    return Optional.ofNullable(standardOutput);
  }

  /** The descriptor the service writes its standard error to, if one is passed. */
  public Optional<FileDescriptor> standardError() {
    return Optional.ofNullable(standardError);
  }

  public Optional<String> workingDirectory() {
    return Optional.ofNullable(properties().get("WorkingDirectory")).map(values -> values.get(0));
  }

  /** Builds a {@link ServiceSpec}. */
  public static final class Builder extends UnitSpec.Builder<ServiceSpec, Builder> {
    private final List<String> command;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean ignoreFailure;
    private boolean expandEnvironment = true;
    private FileDescriptor standardInput;
    private FileDescriptor standardOutput;
    private FileDescriptor standardError;

    private Builder(List<String> command, boolean resolveHere) {
      super(UnitType.SERVICE);
      if (command.isEmpty() || command.get(0).isEmpty()) {
        throw new InvalidPropertyException("a command to run is required");
      }
      List<String> resolved = new ArrayList<>(command);
      if (resolveHere) {
        resolved.set(0, Executables.resolve(command.get(0)).toString());
      }
      this.command = List.copyOf(resolved);
    }

    @Override
    Builder self() {
      return this;
    }

    /** Adds {@code NAME=VALUE} to the service's environment. */
    public Builder setenv(String name, String value) {
      if (!EnvironmentVariables.isValidName(name)) {
        throw new InvalidPropertyException("invalid environment variable name '" + name
            + "' (expected letters, digits and _, not starting with a digit)");
      }
      environment.put(name, value);
      return this;
    }

    /**
     * Counts the command's failure (a non-zero status, a signal) as success, as {@code
     * ExecStart=-…} and {@code systemd-run --ignore-failure} do.
     */
    public Builder ignoreFailure(boolean ignore) {
      this.ignoreFailure = ignore;
      return this;
    }

    /**
     * Whether systemd expands {@code $VAR} and {@code ${VAR}} in the command line (default true,
     * as in unit files); false passes every word as it is ({@code systemd-run
     * --expand-environment=no}).
     */
    public Builder expandEnvironment(boolean expand) {
      this.expandEnvironment = expand;
      return this;
    }

    /** The working directory: an absolute path, or {@code ~} for the user's home. */
    public Builder workingDirectory(String directory) {
      return property("WorkingDirectory", directory);
    }

    /**
     * Passes an open descriptor as the service's standard input ({@code
     * StandardInputFileDescriptor=}), as {@code systemd-run --pipe} passes its own: systemd keeps a
     * copy, so the caller may close its own once the service started. Passing descriptors needs
     * junixsocket ({@code com.github.hypfvieh:dbus-java-transport-junixsocket}) on the class
     * path. Not together with {@code StandardInput=}.
     */
    public Builder standardInput(FileDescriptor descriptor) {
      this.standardInput = requireOpen(descriptor);
      return this;
    }

    /** Like {@link #standardInput}, for standard output ({@code StandardOutputFileDescriptor=}). */
    public Builder standardOutput(FileDescriptor descriptor) {
      this.standardOutput = requireOpen(descriptor);
      return this;
    }

    /** Like {@link #standardInput}, for standard error ({@code StandardErrorFileDescriptor=}). */
    public Builder standardError(FileDescriptor descriptor) {
      this.standardError = requireOpen(descriptor);
      return this;
    }

    private static FileDescriptor requireOpen(FileDescriptor descriptor) {
      if (!descriptor.valid()) {
        throw new InvalidPropertyException("the file descriptor to pass is closed");
      }
      return descriptor;
    }

    @Override
    public ServiceSpec build() {
      refuseBoth(standardInput, "standardInput", "StandardInput");
      refuseBoth(standardOutput, "standardOutput", "StandardOutput");
      refuseBoth(standardError, "standardError", "StandardError");
      // The manager refuses a second ExecStart= ("bad unit file setting") but for Type=oneshot.
      boolean secondCommand = Stream.of("ExecStart", "ExecStartEx")
          .anyMatch(property -> lastValue(property).filter(value -> !value.isBlank()).isPresent());
      if (!command.isEmpty() && secondCommand && !lastValue("Type").orElse("exec").equals("oneshot")) {
        throw new InvalidPropertyException("ExecStart= gives the service a second command beside "
            + String.join(" ", command) + ", which only Type=oneshot services take; drop one, or add"
            + " -p Type=oneshot");
      }
      return new ServiceSpec(this);
    }

    /** A passed descriptor and the property for the same stream would contradict each other. */
    private void refuseBoth(FileDescriptor descriptor, String method, String property) {
      if (descriptor != null && has(property)) {
        throw new InvalidPropertyException(method + "(FileDescriptor) and " + property
            + "= both say where the service's stream goes; give one");
      }
    }
  }
}
