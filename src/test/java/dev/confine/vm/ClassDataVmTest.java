package dev.confine.vm;

import static dev.confine.vm.Guest.ROOT;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * bin/confine's class-data archive: made on first use in the user's cache, then mapped; an archive
 * that does not fit is ignored; a cache that cannot be written leaves a plain start; and none of
 * it is ever printed. (Making an archive costs three JVM starts, so there is one per test run.) Each test runs an installed copy (launcher and jar side by side in a
 * directory of its own): a jar of its own, so its archives are its own too.
 */
@Tag("vm")
class ClassDataVmTest {
  /** The cache bin/confine uses by default: root's under /var/cache, a user's under ~/.cache. */
  private static final Path CACHE = ROOT ? Path.of("/var/cache/confine")
      : Path.of(System.getProperty("user.home"), ".cache", "confine");

  private Path installed;
  private Path jar;
  private Path classLog;

  @BeforeEach
  void install() throws IOException {
    installed = Files.createTempDirectory(Path.of("/var/tmp"), "cds-test");
    jar = installed.resolve("confine.jar");
    Files.copy(Guest.CONFINE, installed.resolve("confine"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(Guest.HOME.resolve("target/confine.jar"), jar);
    classLog = installed.resolve("classes.log");
  }

  @AfterEach
  void uninstall() throws IOException, InterruptedException {
    for (Path archive : archives()) {
      Files.deleteIfExists(archive);
      Files.deleteIfExists(Path.of(archive + ".jar"));
    }
    Guest.run(Map.of(), "", List.of("rm", "-rf", installed.toString()));
  }

  @Test
  void anArchiveIsMadeOnFirstUseThenMappedAndOneThatDoesNotFitIsIgnoredSilently() throws Exception {
    assertQuietVersion(launch(Map.of(), "--version"));
    Path archive = onlyArchive();
    assertPrivate(archive);
    FileTime made = Files.getLastModifiedTime(archive);

    Map<String, String> logged = Map.of("CONFINE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
    Result run = launch(logged, "run", "--scope", "-q", "--", "true");
    assertEquals(0, run.status(), run::toString);
    assertEquals("", run.out() + run.err(), "nothing printed");
    assertTrue(mappedMain(), "confine's classes come from the archive");
    assertEquals(made, Files.getLastModifiedTime(archive), "the archive is reused, not made again");

    // Stale: a new build of the jar (here: a new mtime) finds its predecessor's archive under
    // its own name. The JVM refuses it, and nothing is said.
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    String jarIdentity = Guest.run(Map.of(), "", List.of("stat", "-L", "-c", "%d.%i.%s.%Y", jar.toString())).out().trim();
    String name = archive.getFileName().toString();
    Path stale = archive.resolveSibling(jarIdentity + name.substring(name.indexOf('-')));
    Files.copy(archive, stale);
    Files.copy(Path.of(archive + ".jar"), Path.of(stale + ".jar"));
    assertQuietVersion(launch(logged, "--version"));
    assertFalse(mappedMain(), "a stale archive is not mapped");

    // Foreign: not an archive at all.
    byte[] noise = new byte[64 * 1024];
    new Random(1).nextBytes(noise);
    Path replacement = Path.of(stale + ".new");
    Files.write(replacement, noise);
    Files.move(replacement, stale, StandardCopyOption.REPLACE_EXISTING);
    assertQuietVersion(launch(logged, "--version"));
    assertFalse(mappedMain(), "a foreign file is not mapped");
  }

  @Test
  void aCacheThatCannotBeWrittenStillRuns() throws Exception {
    Map<String, String> environment = new HashMap<>();
    Path readOnly;
    if (ROOT) {
      // root writes through any mode bits: a read-only file system it is.
      readOnly = CACHE;
      Files.createDirectories(readOnly);
      mustRun("mount", "-t", "tmpfs", "-o", "ro,mode=700,size=1m", "confine-cds-test", readOnly.toString());
    } else {
      readOnly = installed.resolve("read-only-cache");
      Files.createDirectory(readOnly, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-x------")));
      environment.put("XDG_CACHE_HOME", readOnly.toString());
    }
    try {
      assertQuietVersion(launch(environment, "--version"));
      try (Stream<Path> left = Files.list(readOnly)) {
        assertEquals(List.of(), left.toList(), "nothing written");
      }
    } finally {
      if (ROOT) {
        mustRun("umount", readOnly.toString());
      }
    }
  }

  private Result launch(Map<String, String> environment, String... args) throws Exception {
    Files.deleteIfExists(classLog);
    List<String> command = new ArrayList<>(List.of(installed.resolve("confine").toString()));
    command.addAll(List.of(args));
    return Guest.run(environment, "", command);
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

  /** The archives bin/confine made for this test's jar (each names its jar in ARCHIVE.jar). */
  private List<Path> archives() throws IOException {
    if (!Files.isDirectory(CACHE)) {
      return List.of();
    }
    List<Path> archives = new ArrayList<>();
    try (Stream<Path> files = Files.list(CACHE)) {
      for (Path named : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
        Optional<String> path = Files.readAllLines(named).stream().findFirst();
        if (path.isPresent() && path.get().equals(jar.toString())) {
          archives.add(Path.of(named.toString().replaceFirst("\\.jar$", "")));
        }
      }
    }
    return archives;
  }

  private Path onlyArchive() throws IOException {
    List<Path> archives = archives();
    assertEquals(1, archives.size(), "archives for " + jar + ": " + archives);
    assertTrue(Files.isRegularFile(archives.get(0)), archives.get(0) + " exists");
    return archives.get(0);
  }

  /** Owned by this user; neither the archive nor its directory open to anyone else. */
  private static void assertPrivate(Path archive) throws IOException {
    assertEquals(System.getProperty("user.name"), Files.getOwner(archive).getName());
    Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    assertTrue(Files.getPosixFilePermissions(archive).stream().noneMatch(others::contains), archive.toString());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive.getParent())));
  }

  private static void mustRun(String... command) throws Exception {
    Result result = Guest.run(Map.of(), "", List.of(command));
    assertEquals(0, result.status(), result::toString);
  }
}
