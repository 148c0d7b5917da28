package dev.confine.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * bin/confine's class-data archive, for root and for the user tester: made on first use in the
 * user's cache, then mapped; an archive that does not fit is ignored; a cache that cannot be
 * written leaves a plain start; and none of it is ever printed.
 *
 * <p>Making an archive costs three JVM starts (about 35 s in the emulated VM), so this runs in the
 * root pass only, first (the guest runner orders classes by {@link Order}), and checks both users:
 * the archives it makes of the project's jar are the ones every later call maps. The checks of
 * archives that do not fit use an installed copy (launcher and jar side by side in a directory of
 * its own), whose jar identity is its own, and need no archive made for it.
 */
@Tag("vm")
@Tag("vm-root") // runs confine as root and as tester itself
@Order(1)
class ClassDataVmTest {
  private static final Path JAR = Guest.HOME.resolve("target/confine.jar");

  /** Who runs bin/confine, and the cache it uses by default. */
  enum User {
    ROOT("root", Path.of("/var/cache/confine")),
    TESTER("tester", Path.of("/home/tester/.cache/confine"));

    final String name;
    final Path cache;

    User(String name, Path cache) {
      this.name = name;
      this.cache = cache;
    }
  }

  /** A directory of the test's own, open to tester: the installed copy and the class logs. */
  private Path work;
  private Path classLog;

  @BeforeEach
  void makeWorkDirectory() throws IOException {
    work = Files.createTempDirectory(Path.of("/var/tmp"), "cds-test");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx")); // past the umask
    classLog = work.resolve("classes.log");
  }

  @AfterEach
  void removeWorkDirectory() throws Exception {
    Guest.run(Map.of(), "", List.of("rm", "-rf", work.toString()));
  }

  @ParameterizedTest
  @EnumSource(User.class)
  void anArchiveIsMadeOnFirstUseThenMapped(User user) throws Exception {
    for (Path old : Guest.classDataArchives(user.cache, JAR)) {
      Files.delete(old);
      Files.delete(Path.of(old + ".jar"));
    }
    assertQuietVersion(launch(user, Guest.CONFINE, Map.of(), "--version"));
    List<Path> archives = Guest.classDataArchives(user.cache, JAR);
    assertEquals(1, archives.size(), "archives of " + JAR + ": " + archives);
    Path archive = archives.get(0);
    assertPrivate(archive, user);
    FileTime made = Files.getLastModifiedTime(archive);

    Result run = launch(user, Guest.CONFINE, logged(), "run", "--scope", "-q", "--", "true");
    assertEquals(0, run.status(), run::toString);
    assertEquals("", run.out() + run.err(), "nothing printed");
    assertTrue(mappedMain(), "confine's classes come from the archive");
    assertEquals(made, Files.getLastModifiedTime(archive), "the archive is reused, not made again");
  }

  /** tester's only: the launcher checks an archive the same way in root's cache, and each case costs seconds. */
  @ParameterizedTest
  @EnumSource(value = User.class, names = "TESTER")
  void anArchiveThatDoesNotFitIsIgnoredSilently(User user) throws Exception {
    Path launcher = install();
    Path jar = work.resolve("confine.jar");
    if (Guest.classDataArchives(user.cache, JAR).isEmpty()) {
      assertQuietVersion(launch(user, Guest.CONFINE, Map.of(), "--version"));
    }
    List<Path> archives = Guest.classDataArchives(user.cache, JAR);
    assertEquals(1, archives.size(), "archives of " + JAR + ": " + archives);
    String jvmIdentity = archives.get(0).getFileName().toString().replaceFirst("^[^-]*-", "");
    // Stale: an archive of the copy's jar as it was, found under the name of its next build (here:
    // a new mtime). A dynamic archive of one start is the cheap way to have one; the JVM checks
    // its jar the same way, refuses it, and nothing is said.
    Path former = work.resolve("former.jsa");
    Result dump = launch(user, Path.of("java"), Map.of(), "-XX:ArchiveClassesAtExit=" + former, "-cp", jar.toString(),
        "dev.confine.cli.Main", "--version");
    assertEquals(0, dump.status(), dump::toString);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    String jarIdentity = Guest.run(Map.of(), "", List.of("stat", "-L", "-c", "%d.%i.%s.%Y", jar.toString()))
        .out().trim();
    Path stale = user.cache.resolve(jarIdentity + "-" + jvmIdentity);
    Path marker = Path.of(stale + ".jar");
    try {
      Files.copy(former, stale);
      Files.writeString(marker, jar + "\n");
      chown(user, stale, marker);
      assertQuietVersion(launch(user, launcher, logged(), "--version"));
      assertFalse(mappedMain(), "a stale archive is not mapped");

      // Foreign: not an archive at all.
      byte[] noise = new byte[64 * 1024];
      new Random(1).nextBytes(noise);
      Files.write(stale, noise);
      assertQuietVersion(launch(user, launcher, logged(), "--version"));
      assertFalse(mappedMain(), "a foreign file is not mapped");
    } finally {
      Files.deleteIfExists(stale);
      Files.deleteIfExists(marker);
    }
  }

  @ParameterizedTest
  @EnumSource(User.class)
  void aCacheThatCannotBeWrittenStillRuns(User user) throws Exception {
    Path launcher = install();
    Path readOnly;
    Map<String, String> environment = Map.of();
    if (user == User.ROOT) {
      // root writes through any mode bits: a read-only file system it is.
      readOnly = user.cache;
      Files.createDirectories(readOnly);
      mustRun("mount", "-t", "tmpfs", "-o", "ro,mode=700,size=1m", "confine-cds-test", readOnly.toString());
    } else {
      readOnly = work.resolve("read-only-cache");
      Files.createDirectory(readOnly);
      mustRun("chown", "tester:", readOnly.toString());
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
      environment = Map.of("XDG_CACHE_HOME", readOnly.toString());
    }
    try {
      assertQuietVersion(launch(user, launcher, environment, "--version"));
      try (var left = Files.list(readOnly)) {
        assertEquals(List.of(), left.toList(), "nothing written");
      }
    } finally {
      if (user == User.ROOT) {
        mustRun("umount", readOnly.toString());
      }
    }
  }

  /** An installed copy of the launcher and jar, in the test's directory; returns the launcher. */
  private Path install() throws IOException {
    Path launcher = work.resolve("confine");
    Files.copy(Guest.CONFINE, launcher, StandardCopyOption.COPY_ATTRIBUTES);
    Path jar = work.resolve("confine.jar");
    Files.copy(JAR, jar);
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    return launcher;
  }

  /** Runs a launcher as the user; tester's gets its user manager's bus, as in a login session. */
  private static Result launch(User user, Path launcher, Map<String, String> environment, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    if (user == User.TESTER) {
      command.addAll(List.of("runuser", "-u", "tester", "--", "env", "XDG_RUNTIME_DIR=/run/user/1000",
          "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus"));
      environment.forEach((name, value) -> command.add(name + "=" + value));
      environment = Map.of();
    }
    command.add(launcher.toString());
    command.addAll(List.of(args));
    return Guest.run(environment, "", command);
  }

  /** The environment that has the JVM log where each class came from. */
  private Map<String, String> logged() throws IOException {
    Files.deleteIfExists(classLog);
    return Map.of("CONFINE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
  }

  private static void assertQuietVersion(Result result) {
    assertEquals(0, result.status(), result::toString);
    assertTrue(result.out().matches("confine \\S.*\n"), "only the version on stdout: " + result);
    assertEquals("", result.err(), "nothing on stderr");
  }

  /** Whether the last launch took confine's main class from a class-data archive. */
  private boolean mappedMain() throws IOException {
    return Files.readAllLines(classLog).stream()
        .anyMatch(line -> line.contains(" dev.confine.cli.Main source: shared objects file"));
  }

  /** Owned by the user; neither the archive nor its directory open to anyone else. */
  private static void assertPrivate(Path archive, User user) throws IOException {
    assertEquals(user.name, Files.getOwner(archive).getName());
    Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    assertTrue(Files.getPosixFilePermissions(archive).stream().noneMatch(others::contains), archive.toString());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive.getParent())));
  }

  private static void chown(User user, Path... paths) throws Exception {
    for (Path path : paths) {
      mustRun("chown", user.name + ":", path.toString());
    }
  }

  private static void mustRun(String... command) throws Exception {
    Result result = Guest.run(Map.of(), "", List.of(command));
    assertEquals(0, result.status(), result::toString);
  }
}
