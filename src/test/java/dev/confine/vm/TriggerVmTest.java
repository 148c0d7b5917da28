package dev.confine.vm;

import static dev.confine.vm.Guest.confine;
import static dev.confine.vm.Guest.confineInProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.Manager;
import dev.confine.PropertyInfo;
import dev.confine.Systemd;
import dev.confine.vm.Guest.Result;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Timer and path units that start a service, as systemd-run's --on-..., --timer-property and
 * --path-property make them: the cases of systemd's own test (TEST-74-AUX-UTILS.run.sh), checked
 * in the transient unit files, and a timer and a path unit that really start their service.
 */
@Tag("vm")
class TriggerVmTest {

  /**
   * Every timer, path and socket property of the table, with a value that differs from the
   * default where there is one; DIR is a directory of the test's, USER and GROUP the caller's.
   */
  private static final Map<String, List<String>> TRIGGER_PROPERTIES = Map.of(
      "timer", List.of("OnActiveSec=1h", "OnBootSec=2h", "OnStartupSec=3h", "OnUnitActiveSec=4h",
          "OnUnitInactiveSec=5h", "OnCalendar=Mon *-*-* 09:00:00", "AccuracySec=1s",
          "RandomizedDelaySec=1min", "FixedRandomDelay=yes", "Persistent=yes", "WakeSystem=no",
          "RemainAfterElapse=yes", "OnClockChange=yes", "OnTimezoneChange=yes", "DeferReactivation=yes"),
      "path", List.of("PathExists=/run/confine-none-1", "PathExistsGlob=/run/confine-none-*",
          "PathChanged=/run/confine-none-2", "PathModified=/run/confine-none-3",
          "DirectoryNotEmpty=/run/confine-none-4", "MakeDirectory=no", "DirectoryMode=0700",
          "TriggerLimitBurst=10", "TriggerLimitIntervalSec=5s"),
      "socket", List.of("ListenStream=DIR/stream", "ListenDatagram=DIR/dgram", "ListenSequentialPacket=DIR/seq",
          "ListenFIFO=DIR/fifo", "ListenNetlink=route 0", "ListenMessageQueue=/MQ",
          "Accept=no", "FlushPending=yes", "Writable=yes", "KeepAlive=yes", "NoDelay=yes", "FreeBind=yes",
          "Transparent=yes", "Broadcast=yes", "PassCredentials=yes", "PassSecurity=yes", "PassPacketInfo=yes",
          "ReusePort=yes", "RemoveOnStop=yes", "SELinuxContextFromNet=no", "Priority=1", "IPTTL=64", "Mark=1",
          "IPTOS=low-delay", "Backlog=16", "MaxConnections=8", "MaxConnectionsPerSource=4", "KeepAliveProbes=3",
          "MessageQueueMaxMessages=5", "MessageQueueMessageSize=64", "SocketMode=0600", "KeepAliveTimeSec=30s",
          "KeepAliveIntervalSec=5s", "DeferAcceptSec=1s", "ReceiveBuffer=64K", "SendBuffer=64K", "PipeSize=64K",
          "SmackLabel=x", "SmackLabelIPOut=x", "TCPCongestion=cubic", "BindToDevice=lo",
          "BindIPv6Only=both", "FileDescriptorName=confine", "SocketUser=USER", "SocketGroup=GROUP",
          "Timestamping=us", "Symlinks=DIR/link", "DirectoryMode=0700", "TriggerLimitBurst=10",
          "TriggerLimitIntervalSec=5s", "PassFileDescriptorsToExec=yes", "PollLimitBurst=10",
          "PollLimitIntervalSec=5s", "ExecStartPre=/usr/bin/true", "ExecStartPost=-/usr/bin/false",
          "ExecStopPre=@/usr/bin/true confine-stop", "ExecStopPost=/usr/bin/true", "TimeoutSec=30s"));

  /**
   * Socket properties that systemd takes but that may make this VM's socket fail to start (no
   * FunctionFS, no such protocol for a unix socket, a special file it will not open as a user):
   * the start may fail, systemd must not refuse them.
   */
  private static final List<String> ACCEPTED_BUT_UNSTARTABLE = List.of("ListenUSBFunction=DIR/usb",
      "SocketProtocol=sctp", "ListenSpecial=/dev/null");

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

  /**
   * TEST-74-AUX-UTILS.run.sh, "Transient socket unit": a property given twice is sent twice, in
   * order, and systemd writes both lines (the last one wins). systemd 252 pads the mode to 40
   * digits ("%040o").
   */
  @Test
  void aPropertyGivenTwiceIsSentTwice() throws Exception {
    Path dir = Files.createTempDirectory("confine-twice");
    String unit = Guest.uniqueName("confine-twice");
    Result result = confineInProcess("run", "-q", "--unit=" + unit,
        "--socket-property=ListenStream=" + dir.resolve("socket"), "--socket-property=SocketMode=0666",
        "--socket-property=SocketMode=0644", "--", "true");
    try {
      assertEquals(0, result.status(), result::toString);
      List<String> socket = Guest.transientUnitFile(unit + ".socket").lines().toList();
      List<String> modes = socket.stream().filter(line -> line.startsWith("SocketMode="))
          .map(line -> line.replaceFirst("^SocketMode=0*", "")).toList();
      assertEquals(List.of("666", "644"), modes, socket::toString);
    } finally {
      Guest.systemctl("stop", unit + ".socket", unit + ".service");
      Guest.run(Map.of(), "", List.of("rm", "-rf", dir.toString()));
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

  /**
   * Each timer and path property reaches the unit, or is refused by name on a systemd too old.
   * Root's pass: both managers take these properties with the same code (as SystemdRefusalsVmTest).
   */
  @Test
  @Tag("vm-root")
  void everyTimerAndPathPropertyIsSetOnARealUnit() throws Exception {
    Set<String> table = PropertyInfo.all().stream()
        .filter(p -> Set.of("timer", "path", "socket").containsAll(p.unitTypes()))
        .map(PropertyInfo::name).collect(Collectors.toCollection(TreeSet::new));
    Set<String> tested = Stream.concat(TRIGGER_PROPERTIES.values().stream().flatMap(List::stream),
            ACCEPTED_BUT_UNSTARTABLE.stream())
        .map(a -> a.substring(0, a.indexOf('='))).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(table, tested);
    int version;
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      version = systemd.majorVersion();
    }
    Path dir = Files.createTempDirectory("confine-all");
    // One unit per property, so that every refusal shows, each with what the unit needs besides.
    Map<String, String> needs = Map.of("timer", "OnActiveSec=1h", "path", "PathExists=DIR/none",
        "socket", "ListenStream=DIR/UNIT");
    List<String> failures = new ArrayList<>();
    // Stopped together at the end: a systemctl process per unit costs a second under emulation.
    List<String> started = new ArrayList<>(List.of("stop"));
    try {
      startEachTriggerProperty(dir, needs, version, started, failures);
    } finally {
      Guest.systemctl(started.toArray(String[]::new));
    }
    for (String assignment : ACCEPTED_BUT_UNSTARTABLE) {
      String unit = Guest.uniqueName("confine-unstartable");
      Result result = confineInProcess("run", "-q", "--unit=" + unit, "--socket-property=ListenStream=" + dir.resolve(unit),
          "--socket-property=" + assignment.replace("DIR", dir.toString()), "--", "true");
      Guest.systemctl("stop", unit + ".socket", unit + ".service");
      Guest.systemctl("reset-failed", unit + ".socket", unit + ".service");
      if (result.status() != 0 && !result.err().contains("failed (job result")) {
        failures.add(assignment + ": " + result.err().trim());
      }
    }
    assertEquals(List.of(), failures);
    Guest.run(Map.of(), "", List.of("rm", "-rf", dir.toString()));
  }

  /** One unit per trigger property, each with what its unit needs besides; their names go to {@code started}. */
  private static void startEachTriggerProperty(Path dir, Map<String, String> needs, int version, List<String> started,
      List<String> failures) throws Exception {
    String user = System.getProperty("user.name");
    String group = Guest.run(Map.of(), "", List.of("id", "-gn")).out().trim();
    for (Map.Entry<String, List<String>> kind : TRIGGER_PROPERTIES.entrySet()) {
      for (String assignment : kind.getValue()) {
        String unit = Guest.uniqueName("confine-all");
        String name = assignment.substring(0, assignment.indexOf('='));
        String option = "--" + kind.getKey() + "-property=";
        Result result = confineInProcess("run", "-q", "-r", "--unit=" + unit,
            option + needs.get(kind.getKey()).replace("DIR", dir.toString()).replace("UNIT", unit),
            option + assignment.replace("DIR", dir.toString()).replace("/MQ", "/" + unit)
                .replace("USER", user).replace("GROUP", group), "--", "true");
        started.addAll(List.of(unit + "." + kind.getKey(), unit + ".service"));
        if (PropertyInfo.named(name).sinceSystemd() > version) {
          if (result.status() != 1 || !result.err().contains(name + " needs systemd")) {
            failures.add(name + " is newer than systemd " + version + " but was not refused: " + result);
          }
        } else if (result.status() != 0) {
          failures.add(name + ": " + result.err().trim());
        } else if (Guest.transientUnitFile(unit + "." + kind.getKey()).lines()
            .noneMatch(line -> line.startsWith(name + "="))) {
          failures.add(name + " missing from " + unit + "." + kind.getKey());
        }
      }
    }
  }

  /** TEST-74-AUX-UTILS.run.sh, "Transient socket unit"; and a connection starts the service. */
  @Test
  void aSocketUnitListensAndStartsItsServiceOnAConnection() throws Exception {
    Path dir = Files.createTempDirectory("confine-socket");
    String unit = Guest.uniqueName("confine-socket");
    Result result = confineInProcess("run", "--remain-after-exit", "--unit=" + unit,
        "--socket-property=ListenFIFO=" + dir.resolve("socket.fifo"), "--socket-property=SocketMode=0666",
        "--socket-property=SocketMode=0644", "--socket-property=ListenStream=" + dir.resolve("stream"),
        "--", "touch", dir.resolve("ran").toString());
    try {
      assertEquals(0, result.status(), result::toString);
      assertTrue(result.err().startsWith("Running socket as unit: " + unit + ".socket\n"), result::toString);
      List<String> socket = Guest.transientUnitFile(unit + ".socket").lines().toList();
      // systemd-run sends both SocketMode= and the file has both lines; confine sends the last, which wins.
      for (String line : List.of("ListenFIFO=" + dir.resolve("socket.fifo"), "SocketMode=0644")) {
        assertTrue(socket.contains(line), line + " missing from " + socket);
      }
      assertFalse(Files.exists(dir.resolve("ran")), "nothing connected yet");
      try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("stream")))) {
        Guest.awaitProperty(unit + ".service", "SubState", "exited", Duration.ofSeconds(30));
      }
      assertTrue(Files.exists(dir.resolve("ran")), "the connection started the service");
    } finally {
      Guest.systemctl("stop", unit + ".socket", unit + ".service");
      Guest.run(Map.of(), "", List.of("rm", "-rf", dir.toString()));
    }
  }
}
