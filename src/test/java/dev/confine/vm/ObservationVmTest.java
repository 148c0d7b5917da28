package dev.confine.vm;

import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineInProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Manager;
import dev.confine.ScopeSpec;
import dev.confine.ScopedProcess;
import dev.confine.ServiceSpec;
import dev.confine.Systemd;
import dev.confine.vm.Guest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * list, status, top, freeze/thaw, kill, reset-failed, attach, events, wait on scopes and the exit
 * explanations, against the real systemd in the VM, in both output forms. Each command runs once
 * through a real bin/confine process; its second form, or second case, runs inside the test JVM
 * (a JVM start costs seconds under emulation).
 */
@Tag("vm")
class ObservationVmTest {

  @Test
  void listStatusAndTopShowARunningUnit() throws Exception {
    String name = Guest.uniqueName("confine-obs");
    String unit = name + ".service";
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      systemd.start(ServiceSpec.builder(List.of("sleep", "120")).name(name).property("MemoryMax", "32M")
          .property("CPUQuota", "20%").property("TasksMax", "9").description("observed").build());
      try {
        Result list = confine("list");
        assertEquals(0, list.status(), list::toString);
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(unit)
                + " +active +running +\\S+ +\\S+ +1  MemoryMax=32M CPUQuota=20% TasksMax=9$")
            .matcher(list.out()).find(), list::toString);
        assertTrue(list.out().startsWith("UNIT "), list::toString);
        assertTrue(Pattern.compile("(?m)^\\d+ transient units? listed\\.$").matcher(list.out()).find(), list::toString);

        Result listJson = confineInProcess("list", "--json");
        assertEquals(0, listJson.status(), listJson::toString);
        assertTrue(listJson.out().startsWith("[{"), listJson::toString);
        assertTrue(listJson.out().contains("{\"unit\":\"" + unit + "\",\"description\":\"observed\","
            + "\"activeState\":\"active\",\"subState\":\"running\",\"memoryCurrent\":"), listJson::toString);
        assertTrue(listJson.out().contains(
            "\"tasksCurrent\":1,\"limits\":{\"MemoryMax\":\"32M\",\"CPUQuota\":\"20%\",\"TasksMax\":\"9\"}}"),
            listJson::toString);

        Result status = confine("status", name);
        assertEquals(0, status.status(), status::toString);
        String out = status.out();
        assertTrue(out.startsWith(unit + " - observed\n"), status::toString);
        assertTrue(out.contains("       State: active (running), result success, freezer running, transient\n"), out);
        assertTrue(out.contains("      Limits: MemoryMax=32M CPUQuota=20% TasksMax=9\n"), out);
        assertTrue(out.contains("memory.max=33554432"), out);
        assertTrue(out.contains("cpu.max=20000 100000"), out);
        assertTrue(out.contains("pids.max=9"), out);
        assertTrue(out.contains("       Tasks: 1\n"), out);
        assertTrue(Pattern.compile("    Pressure: memory some \\d+\\.\\d\\d/").matcher(out).find(), out);
        assertTrue(out.contains("  Delegation: no\n"), out);
        assertTrue(Pattern.compile("(?m)^ +\\d+ / (/usr/bin/)?sleep 120$").matcher(out).find(), out);

        Result statusJson = confineInProcess("status", "--json", unit);
        assertEquals(0, statusJson.status(), statusJson::toString);
        String json = statusJson.out();
        assertTrue(json.startsWith("{\"unit\":\"" + unit + "\",\"description\":\"observed\",\"loadState\":\"loaded\","
            + "\"activeState\":\"active\",\"subState\":\"running\",\"result\":\"success\",\"freezerState\":\"running\","
            + "\"transientUnit\":true,\"controlGroup\":\"/"), json);
        assertTrue(json.contains("\"configured\":{\"MemoryMax\":\"32M\",\"CPUQuota\":\"20%\",\"TasksMax\":\"9\"}"), json);
        assertTrue(json.contains("\"memory.max\":\"33554432\""), json);
        assertTrue(json.contains("\"pids.max\":\"9\""), json);
        assertTrue(json.contains("\"tasksCurrent\":1,"), json);
        assertTrue(json.contains("\"pressure\":{\"memory\":{\"some\":{\"avg10\":"), json);
        assertTrue(json.contains("\"delegation\":{\"delegate\":false,"), json);
        assertTrue(Pattern.compile("\"processes\":\\[\\{\"pid\":\\d+,\"cgroup\":\"/\",\"command\":\"(/usr/bin/)?sleep 120\"}]")
            .matcher(json).find(), json);

        Result top = confine("top", "-n", "2", "-d", "0.5", "--order", "memory");
        assertEquals(0, top.status(), top::toString);
        assertEquals(2, top.out().split("\nUNIT ", -1).length, "two rounds, the second after a blank line:\n" + top);
        assertTrue(top.out().contains("CPU%"), top::toString);
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(unit) + " +active +running .* +\\d+\\.\\d  MemoryMax=32M")
            .matcher(top.out()).find(), "the second round has a CPU share:\n" + top);

        Result topJson = confineInProcess("top", "-n", "1", "--json");
        assertEquals(0, topJson.status(), topJson::toString);
        assertEquals(1, topJson.out().lines().count(), topJson::toString);
        assertTrue(topJson.out().startsWith("{\"time\":\""), topJson::toString);
        assertTrue(topJson.out().contains("{\"unit\":\"" + unit + "\","), topJson::toString);
      } finally {
        systemd.stop(unit);
      }
    }
  }

  @Test
  void freezeThawKillResetFailedAndEvents() throws Exception {
    String name = Guest.uniqueName("confine-ctl");
    String unit = name + ".service";
    Path eventsJson = Files.createTempFile("confine-events", ".json");
    Path eventsText = Files.createTempFile("confine-events", ".txt");
    Path jsonErr = Files.createTempFile("confine-events", ".err");
    Path textErr = Files.createTempFile("confine-events", ".err");
    Process json = new ProcessBuilder(Guest.CONFINE.toString(), "events", "--json", unit)
        .redirectOutput(eventsJson.toFile()).redirectError(jsonErr.toFile()).start();
    Process text = new ProcessBuilder(Guest.CONFINE.toString(), "events", unit)
        .redirectOutput(eventsText.toFile()).redirectError(textErr.toFile()).start();
    int systemdVersion;
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      systemdVersion = systemd.majorVersion();
      awaitLine(jsonErr, "confine: watching unit changes"::equals);
      awaitLine(textErr, "confine: watching unit changes"::equals);
      systemd.start(ServiceSpec.builder(List.of("sleep", "120")).name(name).collect(false).build());

      Result freeze = confine("freeze", "--json", name);
      assertEquals(0, freeze.status(), freeze::toString);
      assertEquals("{\"unit\":\"" + unit + "\",\"freezerState\":\"frozen\"}\n", freeze.out());
      assertEquals("frozen", Guest.systemctl("show", "-P", "FreezerState", unit));
      assertTrue(cgroupFile(unit, "cgroup.events").contains("frozen 1"));

      Result thaw = confineInProcess("thaw", name);
      assertEquals(0, thaw.status(), thaw::toString);
      assertEquals("", thaw.out() + thaw.err());
      assertEquals("running", Guest.systemctl("show", "-P", "FreezerState", unit));

      Result kill = confine("kill", "--whom", "main", "--signal", "KILL", "--json", unit);
      assertEquals(0, kill.status(), kill::toString);
      assertEquals("{\"unit\":\"" + unit + "\",\"signal\":\"KILL\",\"whom\":\"main\"}\n", kill.out());
      awaitState(unit, "failed");
      assertEquals("signal", Guest.systemctl("show", "-P", "Result", unit));

      Result reset = confine("reset-failed", "--json", name);
      assertEquals(0, reset.status(), reset::toString);
      assertEquals("{\"units\":[\"" + unit + "\"]}\n", reset.out());
      // No longer failed; still loaded while this connection pins it (AddRef).
      assertEquals("inactive", Guest.systemctl("show", "-P", "ActiveState", unit));
      // The watchers print what systemd announced, at their pace: wait for the failure to show.
      awaitLine(eventsJson, line -> line.contains("\"ActiveState\":\"failed\""));
      awaitLine(eventsText, line -> line.contains("ActiveState=failed"));
    } finally {
      json.destroy();
      text.destroy();
      json.waitFor(10, TimeUnit.SECONDS);
      text.waitFor(10, TimeUnit.SECONDS);
    }
    awaitProperty(unit, "LoadState", "not-found");
    String jsonLines = Files.readString(eventsJson);
    String textLines = Files.readString(eventsText);
    Files.delete(eventsJson);
    Files.delete(eventsText);
    Files.delete(jsonErr);
    Files.delete(textErr);
    assertTrue(Pattern.compile("(?m)^\\{\"time\":\"[^\"]+\",\"unit\":\"" + Pattern.quote(unit)
        + "\",\"iface\":\"Unit\",\"changed\":\\{[^\n]*\"ActiveState\":\"active\"").matcher(jsonLines).find(), jsonLines);
    if (systemdVersion >= 253) {
      // Measured: systemd 252 announces no change of FreezerState by itself, only with the next state change.
      assertTrue(jsonLines.contains("\"FreezerState\":\"frozen\""), jsonLines);
    }
    assertTrue(jsonLines.contains("\"ActiveState\":\"failed\""), jsonLines);
    assertTrue(jsonLines.lines().allMatch(line -> line.contains("\"unit\":\"" + unit + "\"")), jsonLines);
    assertTrue(Pattern.compile("(?m)^\\S+Z " + Pattern.quote(unit) + " Unit: .*ActiveState=failed").matcher(textLines)
        .find(), textLines);
  }

  @Test
  void attachMovesAForeignProcessOfTheSameUserIntoADelegatedUnit() throws Exception {
    Process foreign = new ProcessBuilder("sleep", "120").start();
    Process second = new ProcessBuilder("sleep", "120").start();
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      ScopedProcess delegated = systemd.launch(ScopeSpec.builder().property("Delegate", "yes").build(),
          new ProcessBuilder("sleep", "120"));
      ScopedProcess plain = systemd.launch(ScopeSpec.builder().build(), new ProcessBuilder("sleep", "120"));
      try {
        Result attach = confine("attach", delegated.unit(), Long.toString(foreign.pid()));
        assertEquals(0, attach.status(), attach::toString);
        assertEquals("", attach.out() + attach.err());
        assertTrue(cgroupOf(foreign).endsWith("/" + delegated.unit()), cgroupOf(foreign));

        Result attachJson = confineInProcess("attach", "--json", delegated.unit(), Long.toString(second.pid()));
        assertEquals(0, attachJson.status(), attachJson::toString);
        assertEquals("{\"unit\":\"" + delegated.unit() + "\",\"pids\":[" + second.pid() + "]}\n", attachJson.out());
        assertTrue(cgroupOf(second).endsWith("/" + delegated.unit()), cgroupOf(second));

        Result refused = confineInProcess("attach", plain.unit(), Long.toString(second.pid()));
        assertEquals(1, refused.status(), refused::toString);
        assertTrue(refused.err().startsWith("confine: systemd rejected AttachProcessesToUnit: Process migration not"
            + " available on non-delegated units. systemd moves processes only into an active unit that was"
            + " started with Delegate=yes"), refused::toString);
      } finally {
        systemd.stop(delegated.unit());
        systemd.stop(plain.unit());
      }
    } finally {
      foreign.destroy();
      second.destroy();
    }
  }

  @Test
  void waitOnAScopeAndExitExplanations() throws Exception {
    Result serviceOom = confine("run", "--wait", "-p", "MemoryMax=20M", "-p", "MemorySwapMax=0", "--", "tail", "/dev/zero");
    assertEquals(1, serviceOom.status(), serviceOom::toString);
    String service = Guest.unitFrom(serviceOom);
    assertTrue(serviceOom.err().contains("Finished with result: oom-kill\n"), serviceOom::toString);
    assertTrue(serviceOom.err().endsWith("confine: " + service
        + ": killed by the OOM killer: memory use reached MemoryMax=20M\n"), serviceOom::toString);

    Result scopeOom = confine("run", "--scope", "-p", "MemoryMax=20M", "-p", "MemorySwapMax=0", "--", "tail", "/dev/zero");
    assertEquals(137, scopeOom.status(), scopeOom::toString);
    assertTrue(Pattern.compile("(?m)^confine: confine-\\w+\\.scope: killed by the OOM killer: memory use reached"
        + " MemoryMax=20M$").matcher(scopeOom.err()).find(), scopeOom::toString);

    Result runtime = confineInProcess("run", "--wait", "-p", "RuntimeMaxSec=1", "--", "sleep", "60");
    assertEquals(1, runtime.status(), runtime::toString);
    assertTrue(runtime.err().endsWith(": stopped by its runtime limit: RuntimeMaxSec=1s\n"), runtime::toString);

    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      ScopedProcess scope = systemd.launch(ScopeSpec.builder().build(), new ProcessBuilder("sleep", "5"));
      Result waited = confineInProcess("wait", "--json", scope.unit());
      assertEquals(0, waited.status(), waited::toString);
      assertEquals("{\"unit\":\"" + scope.unit() + "\",\"result\":\"success\",\"code\":\"none\",\"status\":0,"
          + "\"explanation\":null}\n", waited.out());
    }
  }

  private static void awaitLine(Path file, java.util.function.Predicate<String> line) throws Exception {
    for (int i = 0; i < 600; i++) {
      if (Files.readString(file).lines().anyMatch(line)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not the line expected in " + file + ":\n" + Files.readString(file));
  }

  private static void awaitState(String unit, String state) throws Exception {
    awaitProperty(unit, "ActiveState", state);
  }

  private static void awaitProperty(String unit, String property, String value) throws Exception {
    Guest.awaitProperty(unit, property, value, Duration.ofSeconds(30));
  }

  private static String cgroupOf(Process process) throws Exception {
    return Files.readString(Path.of("/proc/" + process.pid() + "/cgroup")).trim();
  }

  private static String cgroupFile(String unit, String file) throws Exception {
    return Files.readString(Path.of("/sys/fs/cgroup" + Guest.systemctl("show", "-P", "ControlGroup", unit), file));
  }
}
