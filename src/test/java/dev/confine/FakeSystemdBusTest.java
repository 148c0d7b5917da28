package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Doctor.Check;
import dev.confine.Doctor.Verdict;
import dev.confine.FakeSystemd.JobSignal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.freedesktop.DBus;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.systemd1.UnitExists;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Systemd} against a fake systemd on a private bus: the exact D-Bus form of what confine
 * sends, the job wait in both signal orders, the translation of systemd's errors, and the
 * doctor's checks that ask the system bus.
 */
@Timeout(10)
class FakeSystemdBusTest {
  private static final long SELF = ProcessHandle.current().pid();
  private static final String REFUSAL = "refused by the fake systemd";

  @TempDir Path dir;
  private FakeSystemd fake;
  private Systemd systemd;

  @BeforeEach
  void startBus() throws Exception {
    fake = FakeSystemd.start(dir);
    systemd = Systemd.connect(Manager.SYSTEM, fake.address());
  }

  @AfterEach
  void stopBus() throws Exception {
    try {
      if (systemd != null) {
        systemd.close();
      }
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }

  @Test
  void scopeGoesOnTheWireAsSystemdRunSendsIt() {
    ScopeSpec spec = ScopeSpec.builder().name("build").memoryMax(64L << 20).cpuQuota(50).build();

    assertEquals("build.scope", systemd.startScope(spec, SELF));

    FakeSystemd.StartCall call = fake.lastCall();
    assertEquals("build.scope", call.unit());
    assertEquals("fail", call.mode());
    assertEquals(List.of(), call.aux());
    assertEquals(
        List.of(
            "AddRef b true",
            "CollectMode s inactive-or-failed",
            "MemoryMax t 67108864",
            "CPUQuotaPerSecUSec t 500000",
            "PIDs au [" + SELF + "]"),
        call.wire());
  }

  @Test
  void serviceGoesOnTheWireWithExecStartTypeExecAndEnvironment() {
    ServiceSpec spec = ServiceSpec.builder(List.of("sh", "-c", "true"))
        .setenv("GREETING", "hello world").build();
    String sh = spec.command().get(0);

    String unit = systemd.start(spec);

    FakeSystemd.StartCall call = fake.lastCall();
    assertEquals(unit, call.unit());
    assertEquals(
        List.of(
            "AddRef b true",
            "CollectMode s inactive-or-failed",
            "Type s exec",
            // (path, argv, ignore_failure)
            "ExecStart a(sasb) [(" + sh + " [" + sh + ", -c, true] false)]",
            "Environment as [GREETING=hello world]"),
        call.wire());
  }

  @Test
  void explicitServiceTypeReplacesTheDefault() {
    systemd.start(ServiceSpec.builder(List.of("true")).property("Type", "oneshot").build());

    List<String> types = fake.lastCall().wire().stream()
        .filter(property -> property.startsWith("Type ")).toList();
    assertEquals(List.of("Type s oneshot"), types);
  }

  @Test
  void eachSignatureCrossesTheWireAsDeclared() {
    // Unsigned values must keep their full range: UINT64_MAX and a u above INT32_MAX.
    ScopeSpec spec = ScopeSpec.builder().collect(false)
        .property("MemoryHigh", "infinity")
        .property("MemoryMax", "100%")
        .delegate(List.of("cpu", "memory"))
        .property("KillSignal", "SIGKILL")
        .property("SendSIGHUP", "yes")
        .slice("batch")
        .build();

    systemd.startScope(spec, SELF);

    assertEquals(
        List.of(
            "AddRef b true",
            "MemoryHigh t 18446744073709551615",
            "MemoryMaxScale u 4294967295",
            "DelegateControllers as [cpu, memory]",
            "KillSignal i 9",
            "SendSIGHUP b true",
            "Slice s batch.slice",
            "PIDs au [" + SELF + "]"),
        fake.lastCall().wire());
  }

  @Test
  void imagesCrossTheWireAsStructsWithArraysInside() {
    systemd.start(ServiceSpec.builder(List.of("true"))
        .property("MountImages", "-/a.raw:/mnt:root:ro")
        .property("ExtensionImages", "/b.raw").build());

    List<String> images = fake.lastCall().wire().stream()
        .filter(property -> property.contains("Images ")).toList();
    assertEquals(List.of("MountImages a(ssba(ss)) [(/a.raw /mnt true [(root ro)])]",
        "ExtensionImages a(sba(ss)) [(/b.raw false [])]"), images);
  }

  @ParameterizedTest
  @EnumSource(value = JobSignal.class, names = {"BEFORE_REPLY", "AFTER_REPLY"})
  void startCompletesWhicheverArrivesFirstSignalOrReply(JobSignal order) {
    fake.jobSignal(order);
    systemd.jobTimeout(Duration.ofSeconds(5));
    // Whether an early signal is handled before confine starts waiting is a race between
    // dbus-java's threads: many rounds make a lost early signal show up as a timeout.
    int rounds = order == JobSignal.BEFORE_REPLY ? 50 : 5;
    for (int i = 0; i < rounds; i++) {
      String unit = systemd.startScope(ScopeSpec.builder().build(), SELF);
      assertEquals(unit, fake.lastCall().unit());
    }
    assertEquals(rounds, fake.calls().size());
  }

  @Test
  void failedJobNamesTheUnitAndTheResult() {
    fake.jobResult("failed");

    JobFailedException e = assertThrows(JobFailedException.class,
        () -> systemd.startScope(ScopeSpec.builder().name("doomed").build(), SELF));

    assertEquals("doomed.scope", e.unit());
    assertEquals("failed", e.result());
    assertTrue(e.getMessage().contains("doomed.scope") && e.getMessage().contains("failed"),
        e.getMessage());
  }

  @Test
  void aScopeSystemdCouldNotFillSaysWhyAndWhatToDo() {
    fake.jobResult("failed").scopeResult("resources")
        .unitAt("stuck.scope", "/org/freedesktop/systemd1/unit/stuck_2escope");

    JobFailedException e = assertThrows(JobFailedException.class,
        () -> systemd.startScope(ScopeSpec.builder().name("stuck").build(), SELF));

    assertEquals("starting stuck.scope failed (job result: failed); systemd could not move the process"
        + " into the scope (result: resources). The process sits in a cgroup the system manager may"
        + " not take it out of, as when it was started with runuser or su from a system service, or when"
        + " a user manager lost the system bus (a restart of dbus-daemon): start it from a login session,"
        + " or run it as a service (without --scope). See: journalctl -u stuck.scope", e.getMessage());
  }

  static Stream<Arguments> dbusErrors() {
    return Stream.of(
        error(() -> new UnitExists(REFUSAL), UnitExistsException.class,
            "org.freedesktop.systemd1.UnitExists"),
        error(() -> new DBus.Error.AccessDenied(REFUSAL), AccessDeniedException.class,
            "org.freedesktop.DBus.Error.AccessDenied"));
  }

  private static Arguments error(Supplier<DBusExecutionException> error,
      Class<? extends SystemdException> expected, String errorName) {
    return Arguments.of(errorName, error, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dbusErrors")
  void dbusErrorBecomesConfineException(String errorName,
      Supplier<DBusExecutionException> error, Class<? extends SystemdException> expected) {
    fake.failWith(error);

    SystemdException e = assertThrows(SystemdException.class,
        () -> systemd.startScope(ScopeSpec.builder().name("build").build(), SELF));

    assertEquals(expected, e.getClass());
    assertEquals(errorName, e.dbusErrorName());
    assertTrue(e.getMessage().contains(REFUSAL), e.getMessage());
  }

  @Test
  void refusedStartOnAManagerBefore257SaysNoNameScopedRuleCanAllowIt() {
    fake.version("252.39-1~deb12u1").failWith(() -> new DBus.Error.AccessDenied("Permission denied"));

    AccessDeniedException e = assertThrows(AccessDeniedException.class,
        () -> systemd.startScope(ScopeSpec.builder().build(), SELF));

    assertTrue(e.getMessage().startsWith("the system manager refused StartTransientUnit: Permission denied."
        + " A polkit rule refused it, or polkit is not running (systemctl status polkit). systemd 252 does"
        + " not tell polkit the name of a transient unit"), e.getMessage());
  }

  @Test
  void refusedPropertyIsNamedWithWhereToLookItUp() {
    fake.failWith(() -> new DBus.Error.PropertyReadOnly("Cannot set property PIDFDs, or unknown property."));

    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> systemd.startScope(ScopeSpec.builder().build(), SELF));

    assertEquals("org.freedesktop.DBus.Error.PropertyReadOnly", e.dbusErrorName());
    assertEquals("systemd rejected StartTransientUnit: Cannot set property PIDFDs, or unknown property."
        + " This systemd does not take PIDFDs, or not on this unit type; confine run -p help lists"
        + " the versions and unit types of each property.", e.getMessage());
  }

  @Test
  void jobThatNeverEndsTimesOut() {
    fake.jobSignal(JobSignal.NEVER);
    systemd.jobTimeout(Duration.ofMillis(500));

    SystemdTimeoutException e = assertThrows(SystemdTimeoutException.class,
        () -> systemd.startScope(ScopeSpec.builder().build(), SELF));
    assertTrue(e.getMessage().contains("/org/freedesktop/systemd1/job/"), e.getMessage());
  }

  @Test
  void steeringCallsCrossTheWireWithSystemdsSignatures() {
    try (Systemd systemd = Systemd.connect(Manager.USER, fake.address())) {
      systemd.freeze("a.service");
      systemd.thaw("a.scope");
      systemd.kill("a.service", KillWhom.MAIN, "SIGKILL");
      systemd.kill("a.service", KillWhom.ALL, "hup");
      systemd.resetFailed("a.service");
      systemd.resetFailed();
      systemd.attachAsync("a.scope", 42, 4_000_000_000L).join();
    }
    assertEquals(List.of("FreezeUnit a.service", "ThawUnit a.scope", "KillUnit a.service main 9",
        "KillUnit a.service all 1", "ResetFailedUnit a.service", "ResetFailed",
        "AttachProcessesToUnit a.scope '' [42, 4000000000]"), fake.steering());
  }

  @Test
  void badSignalIsRefusedBeforeAnythingIsSent() {
    try (Systemd systemd = Systemd.connect(Manager.USER, fake.address())) {
      InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
          () -> systemd.kill("a.service", KillWhom.ALL, "SIGNOPE"));
      assertEquals("invalid value for signal: 'SIGNOPE' (expected a signal name such as SIGTERM or a number 1-64)",
          e.getMessage());
    }
    assertEquals(List.of(), fake.steering());
  }

  @Test
  void startWithPropertiesEverySystemdKnowsIsTheStartCallAlone() {
    systemd.startScope(ScopeSpec.builder().description("make -j8").build(), SELF);
    systemd.start(ServiceSpec.builder(List.of("true")).build());

    assertEquals(0, fake.versionReads());
    assertEquals(0, fake.subscribes());
    assertEquals(2, fake.calls().size());
  }

  @Test
  void launchFindsTheScopeAtThePathSystemdGivesItWithoutAskingForIt() throws Exception {
    fake.unitAt("build-1.scope", "/org/freedesktop/systemd1/unit/build_2d1_2escope");

    ScopedProcess job = systemd.launch(ScopeSpec.builder().name("build-1").build(), new ProcessBuilder("true"));

    assertEquals("build-1.scope", job.unit());
    assertEquals(0, job.waitFor());
  }

  @Test
  void waitingForAUnitThisConnectionStartedDoesNotPinItAgainAndReleasesItAfter() throws Exception {
    fake.unitAt("build-2.scope", "/org/freedesktop/systemd1/unit/build_2d2_2escope");
    systemd.startScope(ScopeSpec.builder().name("build-2").build(), SELF);

    assertEquals("build-2.scope", systemd.awaitExit("build-2.scope").unit());
    assertEquals(List.of("Unref /org/freedesktop/systemd1/unit/build_2d2_2escope"), steeringOnceSent(1));
  }

  @Test
  void aWaitWithATimeoutEndsWhileTheUnitRunsOnAndReleasesIt() throws Exception {
    fake.unitAt("build-4.scope", "/org/freedesktop/systemd1/unit/build_2d4_2escope").activeState("active");
    systemd.startScope(ScopeSpec.builder().name("build-4").build(), SELF);

    SystemdTimeoutException e = assertThrows(SystemdTimeoutException.class,
        () -> systemd.awaitExit("build-4.scope", Duration.ofMillis(300)));

    assertEquals("build-4.scope did not end within the time given (it is active)", e.getMessage());
    assertEquals(List.of("Unref /org/freedesktop/systemd1/unit/build_2d4_2escope"), steeringOnceSent(1));
  }

  @Test
  void cancellingAnAsynchronousWaitStopsItAndReleasesTheUnit() throws Exception {
    fake.unitAt("build-5.scope", "/org/freedesktop/systemd1/unit/build_2d5_2escope").activeState("active");
    systemd.startScope(ScopeSpec.builder().name("build-5").build(), SELF);
    CompletableFuture<UnitExit> exit = systemd.awaitExitAsync("build-5.scope");
    Thread.sleep(200); // waiting by now

    assertTrue(exit.cancel(true));

    assertEquals(List.of("Unref /org/freedesktop/systemd1/unit/build_2d5_2escope"), steeringOnceSent(1));
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    fake.unitAt("build-6.scope", "/org/freedesktop/systemd1/unit/build_2d6_2escope")
        .unitAt("build-7.scope", "/org/freedesktop/systemd1/unit/build_2d7_2escope").activeState("active");
    connectWatchWaitAndClose("build-6"); // once first: the fake's own threads that serve the calls stay
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    connectWatchWaitAndClose("build-7");

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<String> left;
    do {
      Thread.sleep(50);
      left = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
          .filter(Thread::isAlive).map(Thread::getName).sorted().toList();
    } while (!left.isEmpty() && System.nanoTime() < deadline);
    assertEquals(List.of(), left);
  }

  private void connectWatchWaitAndClose(String scope) throws Exception {
    Systemd another = Systemd.connect(Manager.SYSTEM, fake.address());
    another.startScope(ScopeSpec.builder().name(scope).build(), SELF);
    another.watchUnits(event -> {});
    fake.announceChange(UnitNames.objectPath(scope + ".scope"));
    another.awaitExitAsync(scope + ".scope");
    Thread.sleep(200);
    another.close();
  }

  @Test
  void aLaunchedScopeIsReleasedOnceItsExitIsKnown() throws Exception {
    fake.unitAt("build-3.scope", "/org/freedesktop/systemd1/unit/build_2d3_2escope");
    ScopedProcess job = systemd.launch(ScopeSpec.builder().name("build-3").build(), new ProcessBuilder("true"));

    UnitExit first = job.exit();

    assertEquals(first, job.exit());
    assertEquals(List.of("Unref /org/freedesktop/systemd1/unit/build_2d3_2escope"), steeringOnceSent(1));
  }

  /** The steering calls once {@code count} have arrived: Unref expects no reply, so it may lag. */
  private List<String> steeringOnceSent(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (fake.steering().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(50); // and nothing more after them
    return fake.steering();
  }

  @Test
  void readBackOfASpecWithOnlyADescriptionAsksNothing() {
    // The fake answers neither GetUnit nor a unit's properties: any call would fail.
    assertEquals(List.of(), systemd.verify("build.scope", ScopeSpec.builder().description("make").build()));
  }

  @Test
  void versionAndTheManagersCgroupAreReadOncePerConnectionWhenAPropertyNeedsThem() {
    systemd.startScope(ScopeSpec.builder().memoryMax(64L << 20).build(), SELF);
    systemd.startScope(ScopeSpec.builder().property("TasksMax", "10").build(), SELF);

    assertEquals(1, fake.versionReads());
    assertEquals(1, fake.cgroupReads());
  }

  @Test
  void watchingUnitsSubscribes() {
    try (Subscription watch = systemd.watchUnits(event -> { })) {
      assertEquals(1, fake.subscribes());
    }
  }

  @Test
  void versionIsReadFromTheManagerOnce() {
    assertEquals(FakeSystemd.VERSION, systemd.version());
    assertEquals(257, systemd.majorVersion());
    assertEquals(1, fake.versionReads());
  }

  /**
   * The doctor's system-bus checks: the start that asks systemd whether polkit would authorize a
   * scope, and polkit's backend, read from polkit's own bus name.
   */
  @Nested
  class DoctorChecks {
    @Test
    void theProbeIsAConfineScopeWithAPropertyNoSystemdKnows() {
      fake.failWith(
          () -> new DBus.Error.PropertyReadOnly("Cannot set property ConfineDoctorProbe, or unknown property."));

      Check check = Doctor.authorization(systemd, 1000, "tester");

      assertEquals(Verdict.PASS, check.verdict(), check::toString);
      FakeSystemd.StartCall probe = fake.lastCall();
      assertTrue(probe.unit().matches("confine-[0-9a-f]{32}\\.scope"), probe::toString);
      assertEquals("fail", probe.mode());
      assertEquals(List.of("ConfineDoctorProbe b true"), probe.wire());
      assertEquals(List.of(), probe.aux());
      assertTrue(check.finding().startsWith("polkit lets tester (uid 1000) start confine's scopes on the system bus"),
          check::toString);
    }

    @Test
    void aChallengeFailsWithTheRulesAsFixAndSaysAnAdministratorCouldAuthorize() {
      fake.failWith(() -> new DBus.Error.InteractiveAuthorizationRequired("Interactive authentication required."));

      Check check = Doctor.authorization(systemd, 1000, "tester");

      assertEquals(Verdict.FAIL, check.verdict());
      assertTrue(check.finding().endsWith("without authentication (an administrator could authorize it interactively;"
          + " confine does not ask)"), check::toString);
      // The fake is systemd 257: the rules can work.
      assertTrue(check.fix().orElseThrow().contains("polkit/50-confine.rules (read polkit/README.md first"),
          check::toString);
      assertTrue(check.fix().orElseThrow().contains("Delegate=yes"), check::toString);
    }

    @Test
    void aPlainRefusalFails() {
      fake.failWith(() -> new DBus.Error.AccessDenied("Access denied"));

      Check check = Doctor.authorization(systemd, 1000, "tester");

      assertEquals(Verdict.FAIL, check.verdict());
      assertTrue(check.finding().endsWith("on the system bus"), check::toString);
    }

    @Test
    void rootIsNotAskedAbout() {
      assertEquals(Verdict.PASS, Doctor.authorization(systemd, 0, "root").verdict());
      assertEquals(List.of(), fake.calls());
    }

    @Test
    void polkitsBackendIsReadFromPolkitsOwnBusName() throws Exception {
      Check absent = Doctor.polkit(systemd, false);
      assertEquals(Verdict.FAIL, absent.verdict(), absent::toString);
      assertTrue(absent.finding().startsWith("polkit does not answer on the system bus (no org.freedesktop.PolicyKit1"
          + " answers on the system manager bus"), absent::toString);
      assertEquals(Verdict.WARN, Doctor.polkit(systemd, true).verdict());

      fake.withPolkit("js", "126");

      assertEquals(Verdict.PASS, Doctor.polkit(systemd, false).verdict());
    }
  }
}
