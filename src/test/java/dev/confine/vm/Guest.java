package dev.confine.vm;

import dev.confine.cli.InProcess;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Helpers for the tests that run inside the test VM against a real systemd: who we are, which
 * manager confine talks to by default, running confine and systemctl, reading cgroupfs.
 */
public final class Guest {
  static final Path HOME = Path.of(System.getProperty("confine.home", "."));
  static final Path CONFINE = HOME.resolve("bin/confine");
  public static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  /** The runner's second pass as tester, with units/user@.service.d/delegate.conf installed. */
  public static final boolean DELEGATION_EXTENDED = Boolean.getBoolean("confine.vm.delegation-extended");
  /** The test disk, for per-device IO limits. */
  public static final String DISK = "/dev/vda";

  private Guest() {}

  /** What a finished command left: exit status, stdout, stderr. */
  record Result(int status, String out, String err) {
    @Override
    public String toString() {
      return "status " + status + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
  }

  /** Runs confine with the given arguments (and stdin), waiting up to two minutes. */
  static Result confine(String... args) throws IOException, InterruptedException {
    return confineWith(Map.of(), "", args);
  }

  /**
   * Runs the confine command line inside this JVM, against the same managers: for checks of what
   * it refuses before anything starts, where a real process per case would cost seconds. Every
   * behaviour checked this way keeps a case through a real bin/confine process.
   */
  static Result confineInProcess(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = InProcess.confine(out, err, args);
    return new Result(status, out.toString(), err.toString());
  }

  static Result confineWith(Map<String, String> environment, String stdin, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CONFINE.toString()));
    command.addAll(List.of(args));
    return run(environment, stdin, command);
  }

  static Result run(Map<String, String> environment, String stdin, List<String> command)
      throws IOException, InterruptedException {
    return run(environment, stdin, command, Duration.ofSeconds(120));
  }

  static Result run(Map<String, String> environment, String stdin, List<String> command, Duration limit)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    Path out = Files.createTempFile("confine-test", ".out");
    Path err = Files.createTempFile("confine-test", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The cache where bin/confine keeps its class-data archives for this user. */
  static final Path CLASS_DATA_CACHE = ROOT ? Path.of("/var/cache/confine")
      : Path.of(System.getProperty("user.home"), ".cache", "confine");

  /** The class-data archive bin/confine made of the project's confine.jar, if it made one yet. */
  static Optional<Path> classDataArchive() throws IOException {
    return classDataArchives(CLASS_DATA_CACHE, HOME.resolve("target/confine.jar")).stream().findFirst();
  }

  /** The archives in a cache that bin/confine made of a jar: each names its jar in ARCHIVE.jar. */
  static List<Path> classDataArchives(Path cache, Path jar) throws IOException {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    List<Path> archives = new ArrayList<>();
    try (Stream<Path> files = Files.list(cache)) {
      for (Path marker : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
        Path archive = Path.of(marker.toString().replaceFirst("\\.jar$", ""));
        if (Files.readString(marker).trim().equals(jar.toString()) && Files.isRegularFile(archive)) {
          archives.add(archive);
        }
      }
    }
    return archives;
  }

  /** systemctl for the manager confine uses by default here (--user unless root). */
  static String systemctl(String... args) throws IOException, InterruptedException {
    return systemctlResult(args).out().trim();
  }

  /** {@link #systemctl}, with its status and stderr. */
  static Result systemctlResult(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("systemctl"));
    if (!ROOT) {
      command.add("--user");
    }
    command.addAll(List.of(args));
    return run(Map.of(), "", command);
  }

  /**
   * Starts a system unit from the project's units/ as a oneshot service with its ExecStart=
   * replaced, and removes it again (root only). The result has systemctl start's status and stderr,
   * and as output what the service's processes logged: journald files a line under the unit its
   * writer is in at the time (a service's scopes too), the stream's identifier finds them all.
   */
  static Result runUnitWith(String unit, String execStart) throws IOException, InterruptedException {
    Path file = Path.of("/run/systemd/system", unit);
    Path dropIn = Path.of("/run/systemd/system", unit + ".d", "vm-test.conf");
    String identifier = uniqueName("vm-test");
    Files.copy(HOME.resolve("units").resolve(unit), file);
    Files.createDirectories(dropIn.getParent());
    Files.writeString(dropIn, "[Service]\nType=oneshot\nSyslogIdentifier=" + identifier
        + "\nExecStart=\nExecStart=" + execStart + "\n");
    try {
      run(Map.of(), "", List.of("systemctl", "daemon-reload"));
      Result start = run(Map.of(), "", List.of("systemctl", "start", unit));
      run(Map.of(), "", List.of("journalctl", "--sync"));
      String output = run(Map.of(), "", List.of("journalctl", "-b", "-o", "cat", "SYSLOG_IDENTIFIER=" + identifier)).out();
      return new Result(start.status(), output, start.err());
    } finally {
      Files.deleteIfExists(dropIn);
      Files.deleteIfExists(dropIn.getParent());
      Files.deleteIfExists(file);
      run(Map.of(), "", List.of("systemctl", "daemon-reload"));
      run(Map.of(), "", List.of("systemctl", "reset-failed", unit));
    }
  }

  /** The file systemd wrote for a transient unit of the default manager, as it holds the unit. */
  static String transientUnitFile(String unit) throws IOException {
    Path directory = ROOT ? Path.of("/run/systemd/transient")
        : Path.of(System.getenv("XDG_RUNTIME_DIR"), "systemd/transient");
    return Files.readString(directory.resolve(unit));
  }

  /** The unit's LoadState: {@code not-found} once a transient unit is gone. */
  static String loadState(String unit) throws IOException, InterruptedException {
    return systemctl("show", "-P", "LoadState", unit);
  }

  /**
   * Waits until systemctl shows the unit's property with this value, checking every 100 ms for at
   * most {@code within}; fails the test if it never does.
   */
  static void awaitProperty(String unit, String property, String value, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!systemctl("show", "-P", property, unit).equals(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(unit + " never had " + property + "=" + value + " within " + within);
      }
      Thread.sleep(100);
    }
  }

  /** A unit name unique to this test run. */
  /** Where confine makes the gates of its scopes' payloads: $XDG_RUNTIME_DIR, else the temporary directory. */
  static Path gateDirectory() {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    return runtime != null && Files.isDirectory(Path.of(runtime)) && Files.isWritable(Path.of(runtime))
        ? Path.of(runtime) : Path.of(System.getProperty("java.io.tmpdir"));
  }

  static String uniqueName(String prefix) {
    return prefix + "-" + Long.toHexString(System.nanoTime());
  }

  /** The unit name from confine's "Running … as unit: NAME" line. */
  static String unitFrom(Result result) {
    for (String line : result.err().split("\n")) {
      int at = line.indexOf("as unit: ");
      if (at >= 0) {
        // "Running as unit: NAME; invocation ID: ID"
        return line.substring(at + "as unit: ".length()).split(";")[0].trim();
      }
    }
    throw new AssertionError("no 'as unit:' line in\n" + result);
  }

  /** The cgroup controllers the default manager has for its units. */
  public static Set<String> managerControllers() throws IOException {
    Path dir = ROOT ? Path.of("/sys/fs/cgroup")
        : Path.of("/sys/fs/cgroup/user.slice/user-" + uid() + ".slice/user@" + uid() + ".service");
    return Set.of(Files.readString(dir.resolve("cgroup.controllers")).trim().split("\\s+"));
  }

  /** The compile-time features of the guest's systemd, as systemctl --version lists them. */
  public static String systemdFeatures() throws IOException, InterruptedException {
    return run(Map.of(), "", List.of("systemctl", "--version")).out();
  }

  public static long uid() {
    return new com.sun.security.auth.module.UnixSystem().getUid();
  }

  /** Shell snippet: the payload's own cgroup directory, in $d. */
  static final String CGROUP_DIR = "d=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup); ";
}
