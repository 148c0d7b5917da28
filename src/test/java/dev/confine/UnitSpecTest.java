package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.PropertyTable.Assignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec builders: what they record, what they check at once, and their defaults. */
class UnitSpecTest {

  @Test
  void memoryMaxTakesBytes() {
    // A plain number is bytes, as in unit files; it once went out as KiB.
    ScopeSpec spec = ScopeSpec.builder().memoryMax(64L << 20).build();

    assertEquals(Map.of("MemoryMax", List.of("67108864")), spec.properties());
    assertEquals(List.of(new Assignment("MemoryMax", "t", 67108864L)), spec.assignments());
  }

  static Stream<Arguments> typedSetters() {
    return Stream.of(
        setter("memoryMax(1 GiB)", b -> b.memoryMax(1L << 30), "MemoryMax", "1G"),
        setter("memoryHigh(512 MiB)", b -> b.memoryHigh(512L << 20), "MemoryHigh", "512M"),
        setter("cpuQuota(150)", b -> b.cpuQuota(150), "CPUQuota", "150%"),
        setter("cpuWeight(200)", b -> b.cpuWeight(200), "CPUWeight", "200"),
        setter("tasksMax(30)", b -> b.tasksMax(30), "TasksMax", "30"),
        setter("delegate(true)", b -> b.delegate(true), "Delegate", "yes"),
        setter("delegate(false)", b -> b.delegate(false), "Delegate", "no"),
        setter("delegate([cpu, memory])", b -> b.delegate(List.of("cpu", "memory")),
            "Delegate", "cpu memory"),
        setter("slice(batch)", b -> b.slice("batch"), "Slice", "batch.slice"),
        setter("description(a job)", b -> b.description("a job"), "Description", "a job"));
  }

  private static Arguments setter(
      String call, UnaryOperator<ScopeSpec.Builder> setter, String property, String value) {
    return Arguments.of(call, setter, property, value);
  }

  @ParameterizedTest(name = "{0} is -p {2}={3}")
  @MethodSource("typedSetters")
  void typedSetterMeansTheSameAsItsPropertyForm(
      String call, UnaryOperator<ScopeSpec.Builder> setter, String property, String value) {
    assertEquals(
        ScopeSpec.builder().property(property, value).build().assignments(),
        setter.apply(ScopeSpec.builder()).build().assignments());
  }

  /**
   * reboot_parameter_is_valid(): ASCII of at most 255 bytes; systemd 252 refused a generated
   * value with others in it (GrammarFuzzVmTest). Not a SystemdRefusalsTest row: the VM's user
   * has no UTF-8 locale to pass such a value to systemd-run.
   */
  @Test
  void rebootArgumentsAreShortAscii() {
    ScopeSpec.builder().property("RebootArgument", "0").property("RebootArgument", "x".repeat(255)).build();
    for (String value : List.of("\u00e4", "x".repeat(256))) {
      InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
          () -> ScopeSpec.builder().property("JobTimeoutRebootArgument", value));
      assertTrue(e.getMessage().endsWith("(expected ASCII text of at most 255 characters)"), e.getMessage());
    }
  }

  @Test
  void aSecondCommandIsForOneshotServicesOnly() {
    ServiceSpec.Builder twoCommands = ServiceSpec.builder(List.of("/bin/true")).property("ExecStart", "/bin/false");

    InvalidPropertyException e = assertThrows(InvalidPropertyException.class, twoCommands::build);

    assertEquals("ExecStart= gives the service a second command beside /bin/true, which only"
        + " Type=oneshot services take; drop one, or add -p Type=oneshot", e.getMessage());
    twoCommands.property("Type", "oneshot").build();
    ServiceSpec.builder(List.of("/bin/true")).property("ExecStart", "").build();
  }

  @Test
  void everyAssignmentIsSentInOrderAndTheLastOfANameWins() {
    // systemd-run sends each -p, in order (TEST-74 finds both SocketMode= lines in the unit).
    ScopeSpec spec = ScopeSpec.builder()
        .property("MemoryMax", "1G").cpuQuota(50).memoryMax(64L << 20).build();

    assertEquals(Map.of("MemoryMax", List.of("67108864"), "CPUQuota", List.of("50%")),
        spec.properties());
    assertEquals(
        List.of(new Assignment("MemoryMax", "t", 1L << 30),
            new Assignment("CPUQuotaPerSecUSec", "t", 500000L),
            new Assignment("MemoryMax", "t", 67108864L)),
        spec.assignments());
    assertEquals(List.of(new Assignment("MemoryMax", "t", 67108864L)), spec.assignmentsOf("MemoryMax"));
  }

  @Test
  void valueTypesReachTheWireExactly() {
    ScopeSpec spec = ScopeSpec.builder()
        .memoryMax(Bytes.mebibytes(64)).memoryHigh(Bytes.parse("1.5G")).cpuQuota(Percent.of(12.5))
        .cpuQuotaPeriod(Duration.ofMillis(50)).allowedCpus(CpuSet.of(0, 1, 2, 5))
        .tasksMax(Percent.of(10)).runtimeMax(Duration.ofMinutes(90))
        .ioReadBandwidthMax(Path.of("/dev/vda"), Bytes.of(10_000_000)).build();

    assertEquals(
        List.of("MemoryMax t 67108864", "MemoryHigh t 1610612736", "CPUQuotaPerSecUSec t 125000",
            "CPUQuotaPeriodUSec t 50000", "AllowedCPUs ay 0x27", "TasksMaxScale u 429496730",
            "RuntimeMaxUSec t 5400000000", "IOReadBandwidthMax a(st) [[/dev/vda, 10000000]]"),
        spec.assignments().stream()
            .map(a -> a.name() + " " + a.signature() + " " + WireValues.text(a.value(), a.signature()))
            .toList());
    assertEquals("0-2,5", CpuSet.of(0, 1, 2, 5).toString());
    assertEquals(CpuSet.parse("0-2 5"), CpuSet.of(5, 2, 1, 0));
  }

  @Test
  void valueTypesCheckOnConstruction() {
    assertThrows(InvalidPropertyException.class, () -> Bytes.of(-1));
    assertThrows(InvalidPropertyException.class, () -> Bytes.parse("lots"));
    assertThrows(InvalidPropertyException.class, () -> Percent.of(12.345));
    assertThrows(InvalidPropertyException.class, () -> Percent.of(-1));
    assertThrows(InvalidPropertyException.class, () -> CpuSet.of(-1));
    assertThrows(InvalidPropertyException.class, () -> CpuSet.range(3, 1));
    // The property still has the last word: a memory limit above 100% is refused.
    assertThrows(InvalidPropertyException.class, () -> ScopeSpec.builder().memoryMax(Percent.of(150)));
  }

  @Test
  void listPropertiesAddUpAndAnEmptyValueResetsThem() {
    ServiceSpec.Builder builder = ServiceSpec.builder(List.of("sh"))
        .property("DeviceAllow", "/dev/null rw").property("DeviceAllow", "/dev/zero r");
    assertEquals(List.of("/dev/null rw", "/dev/zero r"), builder.build().properties().get("DeviceAllow"));
    assertEquals(2, builder.build().assignments().size());

    ServiceSpec reset = builder.property("DeviceAllow", "").build();
    assertEquals(List.of(""), reset.properties().get("DeviceAllow"));
    assertEquals(List.of(new Assignment("DeviceAllow", "a(ss)", List.of())), reset.assignmentsOf("DeviceAllow"));
    assertEquals(3, reset.assignments().size(), "the reset is sent after what it resets");
  }

  @Test
  void mergedSettingsAddUpUntilAnEmptyValue() {
    ServiceSpec spec = ServiceSpec.builder(List.of("sh"))
        .property("SuccessExitStatus", "3 SIGUSR1").property("SuccessExitStatus", "TEMPFAIL")
        .property("ExecStartPre", "-/bin/true").property("ExecStartPre", "+/bin/true")
        .property("RestrictAddressFamilies", "AF_UNIX").property("RestrictAddressFamilies", "")
        .build();

    assertEquals(List.of("3 SIGUSR1", "TEMPFAIL"), spec.properties().get("SuccessExitStatus"));
    assertEquals(List.of("-/bin/true", "+/bin/true"), spec.properties().get("ExecStartPre"));
    assertEquals(List.of(""), spec.properties().get("RestrictAddressFamilies"));
    assertEquals(List.of("ExecStartPre", "ExecStartPreEx"),
        spec.assignmentsOf("ExecStartPre").stream().map(Assignment::name).toList());
  }

  @Test
  void aCommandWithoutArgumentsEmptiesTheList() {
    // As systemd-run: prefixes alone send no command.
    ServiceSpec spec = ServiceSpec.builder(List.of("sh"))
        .property("ExecStopPost", "/bin/true").property("ExecStopPost", "-").build();

    assertEquals(List.of("-"), spec.properties().get("ExecStopPost"));
    assertEquals(List.of(new Assignment("ExecStopPost", "a(sasb)", List.of())), spec.assignmentsOf("ExecStopPost"));
  }

  @Test
  void settersCheckAtOnce() {
    ScopeSpec.Builder builder = ScopeSpec.builder();
    assertThrows(InvalidPropertyException.class, () -> builder.cpuWeight(0));
    assertThrows(InvalidPropertyException.class, () -> builder.property("Type", "exec"));
    assertThrows(InvalidPropertyException.class, () -> builder.name("x.service"));
    // Nothing of the rejected calls stuck.
    assertEquals(Map.of(), builder.build().properties());
    assertEquals(Optional.empty(), builder.build().name());
  }

  @Test
  void collectDefaultsToTrue() {
    assertTrue(ScopeSpec.builder().build().collect());
    assertTrue(ServiceSpec.builder(List.of("sh")).build().collect());
    assertFalse(ScopeSpec.builder().collect(false).build().collect());
  }

  @Test
  void nameGetsTheUnitTypeSuffix() {
    assertEquals(Optional.of("job1.scope"), ScopeSpec.builder().name("job1").build().name());
    assertEquals(Optional.of("job1.service"),
        ServiceSpec.builder(List.of("sh")).name("job1").build().name());
    assertEquals(Optional.empty(), ScopeSpec.builder().build().name());
  }

  @Test
  void specIsImmutable() {
    ScopeSpec spec = ScopeSpec.builder().tasksMax(5).build();
    assertThrows(UnsupportedOperationException.class, () -> spec.properties().put("TasksMax", List.of("6")));
    assertThrows(UnsupportedOperationException.class, () -> spec.assignments().clear());
  }

  @Test
  void serviceCommandIsResolvedToAnAbsolutePath() {
    List<String> command = ServiceSpec.builder(List.of("sh", "-c", "true")).build().command();

    Path executable = Path.of(command.get(0));
    assertTrue(executable.isAbsolute(), command.get(0));
    assertEquals("sh", executable.getFileName().toString());
    assertTrue(Files.isExecutable(executable), command.get(0));
    assertEquals(List.of("-c", "true"), command.subList(1, command.size()));
  }

  static Stream<Arguments> unusableCommands() {
    return Stream.of(
        Arguments.of(List.of(), "a command to run is required"),
        Arguments.of(List.of(""), "a command to run is required"),
        Arguments.of(List.of("confine-no-such-command", "x"), "confine-no-such-command"),
        Arguments.of(List.of("./confine-no-such-command"), "./confine-no-such-command"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusableCommands")
  void unusableCommandIsRejectedNamingIt(List<String> command, String fragment) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> ServiceSpec.builder(command));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"A=B", "=", ""})
  void setenvRejectsNamesThatCannotBeNames(String name) {
    ServiceSpec.Builder builder = ServiceSpec.builder(List.of("sh"));
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> builder.setenv(name, "x"));
    assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
  }

  @Test
  void setenvValueMayContainEquals() {
    ServiceSpec spec = ServiceSpec.builder(List.of("sh")).setenv("OPTS", "a=b").build();
    assertEquals(Map.of("OPTS", "a=b"), spec.environment());
  }

  @Test
  void workingDirectoryMustBeAbsolute() {
    assertEquals(Optional.of("/tmp"),
        ServiceSpec.builder(List.of("sh")).workingDirectory("/tmp").build().workingDirectory());
    assertThrows(InvalidPropertyException.class,
        () -> ServiceSpec.builder(List.of("sh")).workingDirectory("tmp"));
  }
}
