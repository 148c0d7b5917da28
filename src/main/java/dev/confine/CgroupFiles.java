package dev.confine;

import dev.confine.UnitStatus.Pressure;
import dev.confine.UnitStatus.Stall;
import dev.confine.UnitStatus.UnitProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A unit's cgroup directory as the kernel shows it. Every read tolerates a file that is missing
 * (controller not enabled, older kernel), a cgroup that went away meanwhile or a unit without a
 * cgroup: it is then empty.
 */
final class CgroupFiles {
  static final Path ROOT = Path.of("/sys/fs/cgroup");

  /** Null for a unit without a cgroup. */
  private final Path dir;

  CgroupFiles(Path dir) {
    this.dir = dir;
  }

  /** A unit's cgroup by its ControlGroup property; "" means it has none (not the root). */
  static CgroupFiles ofUnit(String controlGroup) {
    return new CgroupFiles(controlGroup.isEmpty() ? null : directory(controlGroup));
  }

  /** The directory of a ControlGroup= path such as {@code /system.slice/x.service}. */
  static Path directory(String controlGroup) {
    return controlGroup.isEmpty() || controlGroup.equals("/") ? ROOT : ROOT.resolve(controlGroup.substring(1));
  }

  Path dir() {
    return dir;
  }

  boolean exists() {
    return dir != null && Files.isDirectory(dir);
  }

  /** The file's content without the final newline. */
  Optional<String> text(String file) {
    if (dir == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(dir.resolve(file)).strip());
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** The controllers in {@code cgroup.controllers}: what this cgroup's children can get. */
  Optional<Set<String>> controllers() {
    return text("cgroup.controllers").map(t -> t.isEmpty() ? Set.of() : Set.of(t.split("\\s+")));
  }

  /** A file holding one number; empty for {@code max} as well. */
  OptionalLong number(String file) {
    return text(file).filter(t -> t.matches("\\d+")).map(t -> OptionalLong.of(Long.parseLong(t)))
        .orElse(OptionalLong.empty());
  }

  /** A flat-keyed file ({@code memory.events}, {@code cpu.stat}): one value of it. */
  OptionalLong keyed(String file, String key) {
    for (String line : text(file).orElse("").split("\n")) {
      String[] words = line.split(" ");
      if (words.length == 2 && words[0].equals(key) && words[1].matches("\\d+")) {
        return OptionalLong.of(Long.parseLong(words[1]));
      }
    }
    return OptionalLong.empty();
  }

  /** The sum of one key over the devices of {@code io.stat} ({@code rbytes}, {@code wbytes}). */
  OptionalLong ioTotal(String key) {
    Optional<String> stat = text("io.stat");
    if (stat.isEmpty()) {
      return OptionalLong.empty();
    }
    long total = 0;
    for (String line : stat.get().split("\n")) {
      for (String field : line.split(" ")) {
        if (field.startsWith(key + "=")) {
          total += Long.parseLong(field.substring(key.length() + 1));
        }
      }
    }
    return OptionalLong.of(total);
  }

  /** A PSI file: {@code some avg10=0.00 avg60=0.00 avg300=0.00 total=0} and the same for full. */
  Optional<Pressure> pressure(String file) {
    Map<String, Stall> lines = new LinkedHashMap<>();
    for (String line : text(file).orElse("").split("\n")) {
      String[] words = line.split(" ");
      if (words.length == 5) {
        lines.put(words[0], new Stall(Double.parseDouble(value(words[1])), Double.parseDouble(value(words[2])),
            Double.parseDouble(value(words[3])), Long.parseLong(value(words[4]))));
      }
    }
    Stall some = lines.get("some");
    return some == null ? Optional.empty() : Optional.of(new Pressure(some, Optional.ofNullable(lines.get("full"))));
  }

  private static String value(String keyAndValue) {
    return keyAndValue.substring(keyAndValue.indexOf('=') + 1);
  }

  /** The owner of the directory, e.g. the user a delegated cgroup belongs to. */
  OptionalLong ownerUid() {
    if (!exists()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(((Number) Files.getAttribute(dir, "unix:uid")).longValue());
    } catch (IOException | UnsupportedOperationException e) {
      return OptionalLong.empty();
    }
  }

  /** Every process of the cgroup tree, the unit's own cgroup first, each with its command line. */
  List<UnitProcess> processes() {
    List<UnitProcess> processes = new ArrayList<>();
    if (!exists()) {
      return processes;
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path cgroup : tree.filter(Files::isDirectory).toList()) {
        String relative = "/" + dir.relativize(cgroup);
        for (String pid : new CgroupFiles(cgroup).text("cgroup.procs").orElse("").split("\n")) {
          if (!pid.isEmpty()) {
            processes.add(new UnitProcess(Long.parseLong(pid), relative, commandLine(pid)));
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // The cgroup went away while we looked; what was seen stands.
    }
    return processes;
  }

  private static String commandLine(String pid) {
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", pid, "cmdline"));
      String line = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').strip();
      return line.isEmpty() ? "[" + Files.readString(Path.of("/proc", pid, "comm")).strip() + "]" : line;
    } catch (IOException e) {
      return "";
    }
  }
}
