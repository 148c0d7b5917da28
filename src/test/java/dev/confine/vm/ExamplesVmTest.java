package dev.confine.vm;

import static dev.confine.vm.Guest.HOME;
import static dev.confine.vm.Guest.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.vm.Guest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The examples in examples/ run as a user runs them: the Java ones with {@code java -cp
 * confine.jar:test-classes}, the shell ones with bin/ on PATH. Each is checked for what a user
 * looks at: its report, the limits in cgroupfs, its exit status, and that nothing is left behind.
 */
@Tag("vm")
class ExamplesVmTest {
  private static final Path EXAMPLES = HOME.resolve("examples");
  /** JobRunner's line per job: unit, exit status, why it ended (when not its own doing), command. */
  private static final Pattern JOB_LINE =
      Pattern.compile("(confine-[0-9a-f]{32}\\.scope): exit status (\\d+)(?: \\((.+?)\\))?: (.+)");
  private static final String AGENT = "example-agent.service";
  /** The example slice for the default manager here, and where a unit file for it goes. */
  private static final String SLICE = ROOT ? "workers.slice" : "batch.slice";
  private static final Path SLICE_DIR = ROOT ? Path.of("/run/systemd/system")
      : Path.of(System.getProperty("user.home"), ".config/systemd/user");

  @Test
  void jobRunnerReportsEveryJobAndLeavesNothingBehind() throws Exception {
    Path jobs = jobFile("# a comment, then a blank line: neither is a job", "",
        "echo hello from a job",
        "exit 3",
        "tail /dev/zero",
        Guest.CGROUP_DIR + "echo \"limits $(cat $d/memory.max) $(cat $d/cpu.max) in $d\"");
    Result result = java("JobRunner", "-p", "MemoryMax=20M", "-p", "MemorySwapMax=0", "-p", "CPUQuota=50%",
        "--parallel", "2", jobs.toString());
    assertEquals(1, result.status(), result::toString);
    Map<String, Matcher> byCommand = jobLines(result);
    assertEquals(4, byCommand.size(), result::toString);
    assertJob(byCommand.get("echo hello from a job"), 0, null);
    assertJob(byCommand.get("exit 3"), 3, null);
    // The kernel kills tail; sh -c, its parent, then exits with 137, or (as seen on 252 and 257)
    // first gets the SIGTERM of systemd stopping the scope after an OOM kill: 143.
    Matcher oom = byCommand.get("tail /dev/zero");
    assertTrue(List.of("137", "143").contains(oom.group(2)), oom.group());
    assertEquals("killed by the OOM killer: memory use reached MemoryMax=20M", oom.group(3), oom.group());
    Matcher limits = byCommand.values().stream().filter(m -> m.group(4).startsWith("d=")).findFirst().orElseThrow();
    assertJob(limits, 0, null);
    assertTrue(result.out().contains("hello from a job\n"), result::toString);
    // The job saw its own scope's limits: MemoryMax=20M and CPUQuota=50% in cgroupfs.
    assertTrue(result.out().contains("limits 20971520 50000 100000 in /sys/fs/cgroup/"
        + (ROOT ? "system.slice/" : "user.slice/user-" + Guest.uid() + ".slice/user@" + Guest.uid()
            + ".service/app.slice/") + limits.group(1) + "\n"), result::toString);
    for (Matcher job : byCommand.values()) {
      assertEquals("not-found", Guest.loadState(job.group(1)), "each scope is gone: " + job.group(1));
    }
    Files.delete(jobs);
  }

  /** units/workers.slice (root) or units/batch.slice (tester): JobRunner --slice puts jobs below it. */
  @Test
  void jobRunnerRunsJobsInTheExampleSlice() throws Exception {
    Path jobs = jobFile("cgroup=$(cut -d: -f3 /proc/self/cgroup); s=/sys/fs/cgroup${cgroup%/*};"
        + " echo \"in $cgroup: $(cat $s/memory.max) $(cat $s/cpu.max) $(cat $s/pids.max)\"");
    installSlice();
    try {
      Result result = java("JobRunner", "--slice", SLICE, jobs.toString());
      assertEquals(0, result.status(), result::toString);
      Matcher job = jobLines(result).values().iterator().next();
      assertJob(job, 0, null);
      String sliceCgroup = ROOT ? "/workers.slice"
          : "/user.slice/user-" + Guest.uid() + ".slice/user@" + Guest.uid() + ".service/batch.slice";
      String sliceLimits = ROOT ? "2147483648 400000 100000 1024" : "1073741824 200000 100000 512";
      assertTrue(result.out().startsWith("in " + sliceCgroup + "/" + job.group(1) + ": " + sliceLimits + "\n"),
          result::toString);
    } finally {
      removeSlice();
      Files.delete(jobs);
    }
  }

  /** Stopping JobRunner (systemctl stop of its service, kill) stops the jobs' scopes too. */
  @Test
  void jobRunnerStopsItsJobsWhenItIsStopped() throws Exception {
    Path started = Files.createTempFile("confine-job", ".cgroup");
    Files.delete(started);
    Path jobs = jobFile("cut -d: -f3 /proc/self/cgroup > " + started + ".tmp && mv " + started + ".tmp "
        + started + " && exec sleep 300");
    Path err = Files.createTempFile("confine-jobrunner", ".err");
    Process runner = new ProcessBuilder(javaCommand("JobRunner", jobs.toString()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    try {
      for (int i = 0; i < 600 && !Files.exists(started); i++) {
        Thread.sleep(100);
      }
      String cgroup = Files.readString(started).trim();
      String unit = cgroup.substring(cgroup.lastIndexOf('/') + 1);
      assertEquals("active", Guest.systemctl("is-active", unit));
      runner.destroy(); // SIGTERM, as systemctl stop sends
      assertTrue(runner.waitFor(60, TimeUnit.SECONDS), "JobRunner ends on SIGTERM");
      assertTrue(Files.readString(err).contains("JobRunner: stopped " + unit), Files.readString(err));
      assertEquals("not-found", Guest.loadState(unit), "the job's scope is gone with its runner");
    } finally {
      runner.destroyForcibly();
      Files.deleteIfExists(started);
      Files.delete(jobs);
      Files.delete(err);
    }
  }

  /**
   * Root starts the agent in the system manager, held to 50M and 5% CPU; killed, it is started
   * again with the same limits; then it stops. Anyone else is told why the system manager refuses
   * and what to do instead, and --user runs it in their own manager with the same limits.
   */
  @Test
  void agentIsKeptToItsLimitsAndStops() throws Exception {
    if (!ROOT) {
      Result refused = java("Agent");
      assertEquals(1, refused.status(), refused::toString);
      assertTrue(refused.err().startsWith("Agent: the system manager refused StartTransientUnit"), refused::toString);
      assertTrue(refused.err().contains("Run as root, use the user manager (--user)"), refused::toString);
      assertEquals("not-found", Guest.run(Map.of(), "", List.of("systemctl", "show", "-P", "LoadState", AGENT))
          .out().trim());
    }
    String[] asUser = ROOT ? new String[0] : new String[] {"--user"};
    try {
      Result started = java("Agent", asUser);
      assertEquals(0, started.status(), started::toString);
      String cgroup = Guest.systemctl("show", "-P", "ControlGroup", AGENT);
      assertEquals("active", Guest.systemctl("is-active", AGENT));
      assertTrue(started.out().startsWith("Started " + AGENT + ", main PID "), started::toString);
      assertTrue(started.out().contains("cgroup " + cgroup + "\n"), started::toString);
      // TasksMax may follow: systemd's DefaultTasksMax.
      assertTrue(started.out().contains("  systemd: MemoryMax=50M MemorySwapMax=0B CPUQuota=5%"), started::toString);
      assertTrue(started.out().contains("  kernel:  memory.max = 52428800\n  kernel:  memory.swap.max = 0\n"
          + "  kernel:  cpu.max = 5000 100000\n"), started::toString);
      assertEquals("", started.err(), "every limit is in effect");
      // The same in cgroupfs, read here.
      Path dir = Path.of("/sys/fs/cgroup" + cgroup);
      assertEquals("52428800", Files.readString(dir.resolve("memory.max")).trim());
      assertEquals("5000 100000", Files.readString(dir.resolve("cpu.max")).trim());

      // Killed, it comes back after RestartSec=5s as a new process, in the same cgroup and limits.
      String firstPid = Guest.systemctl("show", "-P", "MainPID", AGENT);
      Guest.systemctl("kill", "--kill-whom=main", "--signal=SIGKILL", AGENT);
      Guest.awaitProperty(AGENT, "NRestarts", "1", Duration.ofSeconds(30));
      Guest.awaitProperty(AGENT, "ActiveState", "active", Duration.ofSeconds(10));
      assertFalse(Guest.systemctl("show", "-P", "MainPID", AGENT).equals(firstPid), "a new process");
      assertEquals("52428800", Files.readString(dir.resolve("memory.max")).trim());
      assertEquals("5000 100000", Files.readString(dir.resolve("cpu.max")).trim());

      Result stopped = java("Agent", ROOT ? new String[] {"--stop"} : new String[] {"--user", "--stop"});
      assertEquals(0, stopped.status(), stopped::toString);
      assertEquals("Stopped " + AGENT + ".\n", stopped.out());
      assertEquals("not-found", Guest.loadState(AGENT));
      assertFalse(Files.exists(dir), "its cgroup is gone");
    } finally {
      Guest.systemctl("stop", AGENT);
    }
  }

  @Test
  void rootlessBuildRunsUnderItsLimitsAndReports() throws Exception {
    Result result = Guest.run(withBinOnPath(Map.of("BUILD_MEMORY", "64M", "BUILD_CPU", "50%", "BUILD_TASKS", "64")),
        "", List.of(EXAMPLES.resolve("rootless-build.sh").toString(),
            "sh", "-c", Guest.CGROUP_DIR + "cat $d/memory.max $d/memory.swap.max $d/cpu.max $d/pids.max; exit 3"));
    if (ROOT) {
      assertEquals(2, result.status(), result::toString);
      assertTrue(result.err().startsWith("rootless-build: run this as the user who builds, not as root"),
          result::toString);
      return;
    }
    assertEquals(3, result.status(), "the build's own status: " + result);
    assertEquals(List.of("67108864", "0", "50000 100000", "64"), result.out().lines().toList());
    List<String> report = result.err().lines().toList();
    assertEquals(2, report.size(), result::toString);
    Matcher unit = Pattern.compile("rootless-build: running 'sh -c .*' in (rootless-build-\\d+\\.scope):"
        + " MemoryMax=64M MemorySwapMax=0 CPUQuota=50% TasksMax=64").matcher(report.get(0));
    assertTrue(unit.matches(), result::toString);
    assertEquals("rootless-build: " + unit.group(1) + ": exit status 3", report.get(1));
    assertEquals("not-found", Guest.loadState(unit.group(1)));
  }

  @Test
  void sliceJobsShareTheSliceItInstalls() throws Exception {
    Path script = EXAMPLES.resolve("slice-jobs.sh");
    if (ROOT) {
      Result result = Guest.run(withBinOnPath(Map.of()), "", List.of(script.toString()));
      assertEquals(2, result.status(), result::toString);
      assertTrue(result.err().contains("units/workers.slice"), result::toString);
      return;
    }
    Path unitFile = SLICE_DIR.resolve("batch.slice");
    assertFalse(Files.exists(unitFile), "no batch.slice left by an earlier test");
    try {
      Result result = Guest.run(withBinOnPath(Map.of()), "", List.of(script.toString(), "3"));
      assertEquals(0, result.status(), result::toString);
      assertEquals("slice-jobs: installed " + unitFile + "\n", result.err());
      List<String> lines = result.out().lines().toList();
      assertEquals(5, lines.size(), result::toString);
      String slice = "/user.slice/user-" + Guest.uid() + ".slice/user@" + Guest.uid() + ".service/batch.slice";
      for (int n = 1; n <= 3; n++) {
        String job = "job " + n + " in " + slice + "/confine-";
        assertTrue(lines.stream().anyMatch(line -> line.startsWith(job) && line.endsWith(
            ".scope, slice memory.max=1073741824 cpu.max=\"200000 100000\" pids.max=512")), result::toString);
      }
      assertEquals("slice-jobs: batch.slice as systemd holds it: MemoryMax=1073741824 CPUQuotaPerSecUSec=2s"
          + " TasksMax=512", lines.get(3));
      assertEquals("slice-jobs: 0 of 3 jobs failed", lines.get(4));
      try (var left = Files.list(Path.of("/sys/fs/cgroup" + slice))) {
        assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("confine-")).toList(),
            "no job scope is left in the slice");
      }
    } finally {
      removeSlice();
    }
  }

  /** A Java example run as a user runs it; it may take a while under TCG. */
  private static Result java(String example, String... args) throws Exception {
    return Guest.run(Map.of(), "", javaCommand(example, args));
  }

  /**
   * java with the options bin/confine gives a short-lived JVM, and the class-data archive it made
   * of confine.jar when there is one (its class path is a prefix of this one): only to spare the
   * emulated VM seconds per start, the examples run the same either way.
   */
  private static List<String> javaCommand(String example, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:CompileThresholdScaling=100"));
    Guest.classDataArchive().ifPresent(archive -> command.addAll(List.of("-XX:SharedArchiveFile=" + archive,
        "-Xshare:auto", "-Xlog:disable", "-Xlog:all=warning,cds*=off:stderr")));
    command.addAll(List.of("-cp", HOME.resolve("target/confine.jar") + ":" + HOME.resolve("target/test-classes"),
        "dev.confine.examples." + example));
    command.addAll(List.of(args));
    return command;
  }

  private static Map<String, String> withBinOnPath(Map<String, String> environment) {
    Map<String, String> withPath = new LinkedHashMap<>(environment);
    withPath.put("PATH", HOME.resolve("bin") + ":" + System.getenv("PATH"));
    return withPath;
  }

  private static Path jobFile(String... lines) throws Exception {
    Path file = Files.createTempFile("confine-jobs", ".txt");
    Files.write(file, List.of(lines));
    return file;
  }

  /** JobRunner's report lines by command. */
  private static Map<String, Matcher> jobLines(Result result) {
    Map<String, Matcher> byCommand = new LinkedHashMap<>();
    for (String line : result.out().split("\n")) {
      Matcher m = JOB_LINE.matcher(line);
      if (m.matches()) {
        byCommand.put(m.group(4), m);
      }
    }
    assertFalse(byCommand.isEmpty(), result::toString);
    return byCommand;
  }

  private static void assertJob(Matcher job, int status, String explanation) {
    assertEquals(status, Integer.parseInt(job.group(2)), job.group());
    assertEquals(explanation, job.group(3), job.group());
  }

  private static void installSlice() throws Exception {
    Files.createDirectories(SLICE_DIR);
    Files.copy(HOME.resolve("units").resolve(SLICE), SLICE_DIR.resolve(SLICE));
    Guest.systemctl("daemon-reload");
  }

  /** Stops the example slice and removes its unit file, as a user uninstalls it. */
  private static void removeSlice() throws Exception {
    Guest.systemctl("stop", SLICE);
    Files.deleteIfExists(SLICE_DIR.resolve(SLICE));
    Guest.systemctl("daemon-reload");
    // systemd makes up a slice of any name on demand; gone is: no unit file, nothing loaded.
    assertEquals("", Guest.systemctl("show", "-P", "FragmentPath", SLICE));
    assertEquals("", Guest.systemctl("list-units", "--all", "--plain", "--no-legend", SLICE));
  }
}
