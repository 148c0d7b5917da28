package dev.confine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Executable lookup in {@code PATH}, as a shell or systemd-run does it. */
final class Executables {
  private Executables() {}

  static Path resolve(String command) {
    if (command.contains("/")) {
      Path path = Path.of(command).toAbsolutePath().normalize();
      if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
        throw new InvalidPropertyException("command not found or not executable: " + command);
      }
      return path;
    }
    String searchPath = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    for (String dir : searchPath.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new InvalidPropertyException("command not found in PATH: " + command);
  }
}
