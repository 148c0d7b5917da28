package dev.confine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Delegating every limit controller to user managers, as {@code confine setup delegation} does:
 * confine's drop-in for {@code user@.service} (units/user@.service.d/delegate.conf in its sources)
 * goes to {@link #DROP_IN}, systemd reloads, and each running user manager gets the controllers when
 * it restarts. Needs root and a connection to the system manager.
 */
public final class UserDelegation {
  /** Where the drop-in is installed. */
  public static final Path DROP_IN = Path.of("/etc/systemd/system/user@.service.d/confine-delegate.conf");

  private static final String RESOURCE = "units/user@.service.d/delegate.conf";

  /** What {@link #DROP_IN} held before. */
  public enum Found {
    /** No such file. */
    ABSENT,
    /** Another content, which setup replaces. */
    DIFFERENT,
    /** This very drop-in. */
    SAME
  }

  /** A running user manager and its user. */
  public record UserManager(String unit, String user) {}

  /**
   * What setup does, or did.
   *
   * @param dropIn the file it installs
   * @param content the file's content
   * @param found what the file held before
   * @param controllers the controllers it delegates
   * @param kernelLacks those of them the kernel does not offer: delegating them is moot
   * @param restartNeeded the running user managers that started before the drop-in was installed:
   *     they get the controllers only once they restart
   */
  public record Setup(String dropIn, String content, Found found, List<String> controllers,
      List<String> kernelLacks, List<UserManager> restartNeeded) {}

  private UserDelegation() {}

  /** What {@link #install} would do; changes nothing. */
  public static Setup plan(Systemd system) {
    if (system.manager() != Manager.SYSTEM) {
      throw new IllegalArgumentException("delegation is set up through the system manager, not the user manager");
    }
    String content = content();
    Found found;
    try {
      found = Files.readString(DROP_IN).equals(content) ? Found.SAME : Found.DIFFERENT;
    } catch (NoSuchFileException e) {
      found = Found.ABSENT;
    } catch (IOException e) {
      found = Found.DIFFERENT;
    }
    Set<String> delegated = delegated(content);
    Set<String> kernel = new CgroupFiles(CgroupFiles.ROOT).controllers().orElse(Set.of());
    List<String> kernelLacks = delegated.stream().filter(c -> !kernel.contains(c)).toList();
    // A user manager knows its controllers from its start on: those started before the drop-in do not use it.
    Instant dropIn = found == Found.SAME ? installedAt().orElseGet(Instant::now) : Instant.now();
    List<UserManager> restartNeeded = new ArrayList<>();
    Object[] reply = system.bus().call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "ListUnitsByPatterns", "asas",
        List.of("active", "activating", "reloading"), List.of("user@*.service"));
    for (Object entry : WireValues.elements(reply[0])) {
      // (name, description, load state, active state, sub state, following, path, …)
      List<?> fields = WireValues.fields(entry);
      String unit = String.valueOf(fields.get(0));
      Instant started;
      try {
        started = instant(system.bus().property(String.valueOf(fields.get(6)), UnitType.SERVICE.dbusInterface(),
            "ExecMainStartTimestamp"));
      } catch (SystemdException stoppedMeanwhile) {
        continue;
      }
      if (started.isBefore(dropIn)) {
        restartNeeded.add(new UserManager(unit, userOf(unit)));
      }
    }
    return new Setup(DROP_IN.toString(), content, found, List.copyOf(delegated), kernelLacks,
        List.copyOf(restartNeeded));
  }

  /** When the drop-in was last written, if it is there. */
  static Optional<Instant> installedAt() {
    try {
      return Optional.of(Files.getLastModifiedTime(DROP_IN).toInstant());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** One of systemd's timestamps: microseconds since the epoch. */
  static Instant instant(Object microseconds) {
    return Instant.EPOCH.plus(((Number) microseconds).longValue(), ChronoUnit.MICROS);
  }

  /**
   * Installs the drop-in (mode 0644; left as it is when it is already there) and reloads systemd,
   * as {@code systemctl daemon-reload}; returns what it found and what is left to do.
   */
  public static Setup install(Systemd system) throws IOException {
    Setup setup = plan(system);
    if (setup.found() != Found.SAME) {
      Files.createDirectories(DROP_IN.getParent());
      Path staged = Files.createTempFile(DROP_IN.getParent(), ".confine-delegate.conf.", ".tmp");
      try {
        Files.writeString(staged, setup.content());
        Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(staged, DROP_IN, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(staged);
      }
    }
    // The reply comes once the reload is done.
    system.bus().call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "Reload", "");
    return setup;
  }

  /** The drop-in as confine ships it. */
  static String content() {
    try (InputStream in = UserDelegation.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from confine's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The controllers of the drop-in's {@code Delegate=} line. */
  static Set<String> delegated(String content) {
    Optional<String> line = content.lines().filter(l -> l.startsWith("Delegate=")).reduce((first, last) -> last);
    return new TreeSet<>(List.of(line.orElseThrow(() -> new IllegalStateException("no Delegate= in " + RESOURCE))
        .substring("Delegate=".length()).trim().split("\\s+")));
  }

  /** The user of {@code user@UID.service}: the owner of its runtime directory, else the UID. */
  private static String userOf(String unit) {
    String uid = unit.substring("user@".length(), unit.length() - ".service".length());
    try {
      // The JDK turns a UID into a name only as the owner of a file.
      return Files.getOwner(Path.of("/run/user", uid)).getName();
    } catch (IOException | UnsupportedOperationException e) {
      return uid;
    }
  }
}
