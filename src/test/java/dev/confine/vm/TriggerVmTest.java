package dev.confine.vm;

import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineInProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.PropertyInfo;
import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Timer and path units that start a service, as systemd-run's --on-..., --timer-property and
 * --path-property make them: the cases of systemd's own test (TEST-74-AUX-UTILS.run.sh), checked
 * in the transient unit files, and a timer and a path unit that really start their service.
 */
@Tag("vm")
class TriggerVmTest {

  /** Every timer and path property of the table, with a value that differs from the default. */
  private static final Map<String, List<String>> TRIGGER_PROPERTIES = Map.of(
      "timer", List.of("OnActiveSec=1h", "OnBootSec=2h", "OnStartupSec=3h", "OnUnitActiveSec=4h",
          "OnUnitInactiveSec=5h", "OnCalendar=Mon *-*-* 09:00:00", "AccuracySec=1s",
          "RandomizedDelaySec=1min", "FixedRandomDelay=yes", "Persistent=yes", "WakeSystem=no",
          "RemainAfterElapse=yes", "OnClockChange=yes", "OnTimezoneChange=yes", "DeferReactivation=yes"),
      "path", List.of("PathExists=/run/confine-none-1", "PathExistsGlob=/run/confine-none-*",
          "PathChanged=/run/confine-none-2", "PathModified=/run/confine-none-3",
          "DirectoryNotEmpty=/run/confine-none-4", "MakeDirectory=no", "DirectoryMode=0700",
          "TriggerLimitBurst=10", "TriggerLimitIntervalSec=5s"));

  @Test
  void aTimerStartsItsServiceWhenItFires() throws Exception {
    Path marker = Files.createTempFile("confine-timer", ".marker");
    Files.delete(marker);
    String unit = Guest.uniqueName("confine-timer");
    Result result = confine("run", "--on-active=1", "-u", unit, "-r", "--", "touch", marker.toString());
    try {
      assertEquals(0, result.status(), result::toString);
      assertEquals("Running timer as unit: " + unit + ".timer\nWill run service as unit: " + unit + ".service\n",
          result.err(), result::toString);
      // RemainAfterExit: active (exited) once the command has run to its end.
      Guest.awaitProperty(unit + ".service", "SubState", "exited", Duration.ofSeconds(30));
      assertTrue(Files.exists(marker), "the service ran");
    } finally {
      Guest.systemctl("stop", unit + ".timer", unit + ".service");
      Files.deleteIfExists(marker);
    }
  }

  @Test
  void aPathUnitStartsItsServiceWhenThePathAppears() throws Exception {
    Path directory = Files.createTempDirectory("confine-path");
    String unit = Guest.uniqueName("confine-path");
    Result result = confineInProcess("run", "--path-property=PathExists=" + directory.resolve("flag"),
        "-u", unit, "-r", "--", "true");
    try {
      assertEquals(0, result.status(), result::toString);
      assertTrue(result.err().startsWith("Running path as unit: " + unit + ".path\n"), result::toString);
      assertEquals("inactive", Guest.systemctl("show", "-P", "ActiveState", unit + ".service"));
      Files.createFile(directory.resolve("flag"));
      Guest.awaitProperty(unit + ".service", "ActiveState", "active", Duration.ofSeconds(30));
    } finally {
      Guest.systemctl("stop", unit + ".path", unit + ".service");
      Files.deleteIfExists(directory.resolve("flag"));
      Files.delete(directory);
    }
  }

  /** TEST-74-AUX-UTILS.run.sh, "Transient timer unit". */
  @Test
  void timerOptionsLandInTheTimerAndTheRestInTheService() throws Exception {
    String unit = Guest.uniqueName("confine-timer");
    Result result = confineInProcess("run", "--remain-after-exit", "--unit=" + unit, "--on-active=10",
        "--on-active=30s", "--on-boot=1s", "--on-startup=2m", "--on-unit-active=3h20m",
        "--on-unit-inactive=5d 4m 32s", "--on-calendar=mon,fri *-1/2-1,3 *:30:45", "--on-clock-change",
        "--on-clock-change", "--on-timezone-change", "--timer-property=After=systemd-journald.service",
        "--description=Hello world", "--description=My Fancy Timer", "--", "true");
    try {
      assertEquals(0, result.status(), result::toString);
      List<String> timer = Guest.transientUnitFile(unit + ".timer").lines().toList();
      for (String line : List.of("Description=My Fancy Timer", "OnActiveSec=10s", "OnActiveSec=30s",
          "OnBootSec=1s", "OnStartupSec=2min", "OnUnitActiveSec=3h 20min", "OnUnitInactiveSec=5d 4min 32s",
          "OnCalendar=mon,fri *-1/2-1,3 *:30:45", "OnClockChange=yes", "OnTimezoneChange=yes",
          "After=systemd-journald.service")) {
        assertTrue(timer.contains(line), line + " missing from " + timer);
      }
      List<String> service = Guest.transientUnitFile(unit + ".service").lines().toList();
      assertTrue(service.contains("Description=My Fancy Timer") && service.contains("RemainAfterExit=yes"), service::toString);
      assertTrue(service.stream().anyMatch(line -> line.matches("ExecStart=.*/bin/true.*")), service::toString);
      assertFalse(service.contains("After=systemd-journald.service"), service::toString);
    } finally {
      Guest.systemctl("stop", unit + ".timer", unit + ".service");
    }
    Result pathUnit = confineInProcess("run", "--remain-after-exit", "--unit=" + unit,
        "--path-property=PathExists=/tmp", "--path-property=PathExists=/tmp/foo",
        "--path-property=PathChanged=/root/bar", "--", "true");
    try {
      assertEquals(0, pathUnit.status(), pathUnit::toString);
      List<String> path = Guest.transientUnitFile(unit + ".path").lines().toList();
      for (String line : List.of("PathExists=/tmp", "PathExists=/tmp/foo", "PathChanged=/root/bar")) {
        assertTrue(path.contains(line), line + " missing from " + path);
      }
    } finally {
      Guest.systemctl("stop", unit + ".path", unit + ".service");
    }
  }

  /** Each timer and path property reaches the unit, or is refused by name on a systemd too old. */
  @Test
  void everyTimerAndPathPropertyIsSetOnARealUnit() throws Exception {
    Set<String> table = PropertyInfo.all().stream()
        .filter(p -> p.unitTypes().equals(Set.of("timer")) || p.unitTypes().equals(Set.of("path")))
        .map(PropertyInfo::name).collect(Collectors.toCollection(TreeSet::new));
    Set<String> tested = TRIGGER_PROPERTIES.values().stream().flatMap(List::stream)
        .map(a -> a.substring(0, a.indexOf('='))).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(table, tested);
    int version = Integer.parseInt(Guest.run(Map.of(), "", List.of("systemctl", "--version")).out()
        .split("\\s+")[1]);
    for (Map.Entry<String, List<String>> kind : TRIGGER_PROPERTIES.entrySet()) {
      String unit = Guest.uniqueName("confine-all");
      List<String> args = new ArrayList<>(List.of("run", "-q", "-r", "--unit=" + unit));
      for (String assignment : kind.getValue()) {
        String name = assignment.substring(0, assignment.indexOf('='));
        if (PropertyInfo.named(name).sinceSystemd() <= version) {
          args.add("--" + kind.getKey() + "-property=" + assignment);
        } else {
          Result refused = confineInProcess("run", "--on-active=1h", "--timer-property=" + assignment, "--", "true");
          assertEquals(1, refused.status(), refused::toString);
          assertTrue(refused.err().contains(name + " needs systemd " + PropertyInfo.named(name).sinceSystemd()),
              refused::toString);
        }
      }
      args.addAll(List.of("--", "true"));
      Result result = confineInProcess(args.toArray(String[]::new));
      try {
        assertEquals(0, result.status(), result::toString);
        String file = Guest.transientUnitFile(unit + "." + kind.getKey());
        for (String assignment : kind.getValue()) {
          String name = assignment.substring(0, assignment.indexOf('='));
          if (PropertyInfo.named(name).sinceSystemd() <= version) {
            assertTrue(file.lines().anyMatch(line -> line.startsWith(name + "=")), name + " missing from\n" + file);
          }
        }
      } finally {
        Guest.systemctl("stop", unit + "." + kind.getKey(), unit + ".service");
      }
    }
  }
}
