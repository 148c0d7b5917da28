package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.PropertyTable.Assignment;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code -p NAME=VALUE} grammar: each row is what {@code systemd-run -p NAME=VALUE} would put
 * on the wire for the same input (from systemd's bus-unit-util.c), or an input it rejects.
 */
class PropertyGrammarTest {

  /*
   * Expected wire values are written as systemd shows them: "infinity" is UINT64_MAX and "u"
   * values are unsigned; wireValue() turns them into the Java values PropertyTable uses.
   */
  @ParameterizedTest(name = "{0}={1} -> {2} {3} {4}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      # property     | value             | wire name          | sig | wire value
      MemoryMax      | 512               | MemoryMax          | t   | 512
      MemoryMax      | 64M               | MemoryMax          | t   | 67108864
      MemoryMax      | 1.5G              | MemoryMax          | t   | 1610612736
      MemoryMax      | 1T                | MemoryMax          | t   | 1099511627776
      MemoryMax      | infinity          | MemoryMax          | t   | infinity
      MemoryMax      | ""                | MemoryMax          | t   | infinity
      MemoryHigh     | ""                | MemoryHigh         | t   | infinity
      # An empty protection resets it to none (CGROUP_LIMIT_MIN), not to infinity.
      MemoryLow      | ""                | MemoryLow          | t   | 0
      MemoryMin      | ""                | MemoryMin          | t   | 0
      # Percentages go out as ...Scale, UINT32_SCALE_FROM_PERMYRIAD: rounded to the closest.
      MemoryMax      | 50%               | MemoryMaxScale     | u   | 2147483648
      MemoryMax      | 100%              | MemoryMaxScale     | u   | 4294967295
      CPUQuota       | 50%               | CPUQuotaPerSecUSec | t   | 500000
      CPUQuota       | 200%              | CPUQuotaPerSecUSec | t   | 2000000
      CPUQuota       | 0.5%              | CPUQuotaPerSecUSec | t   | 5000
      CPUQuota       | ""                | CPUQuotaPerSecUSec | t   | infinity
      CPUWeight      | 1                 | CPUWeight          | t   | 1
      CPUWeight      | 10000             | CPUWeight          | t   | 10000
      CPUWeight      | idle              | CPUWeight          | t   | 0
      CPUWeight      | ""                | CPUWeight          | t   | infinity
      TasksMax       | 42                | TasksMax           | t   | 42
      TasksMax       | infinity          | TasksMax           | t   | infinity
      TasksMax       | 10%               | TasksMaxScale      | u   | 429496730
      Delegate       | yes               | Delegate           | b   | true
      Delegate       | no                | Delegate           | b   | false
      Delegate       | true              | Delegate           | b   | true
      Delegate       | off               | Delegate           | b   | false
      Delegate       | cpu memory pids   | DelegateControllers| as  | [cpu, memory, pids]
      Slice          | batch             | Slice              | s   | batch.slice
      Slice          | a-b.slice         | Slice              | s   | a-b.slice
      KillSignal     | SIGTERM           | KillSignal         | i   | 15
      KillSignal     | TERM              | KillSignal         | i   | 15
      KillSignal     | 15                | KillSignal         | i   | 15
      KillSignal     | SIGKILL           | KillSignal         | i   | 9
      RuntimeMaxSec  | 90                | RuntimeMaxUSec     | t   | 90000000
      RuntimeMaxSec  | 1h 30min          | RuntimeMaxUSec     | t   | 5400000000
      RuntimeMaxSec  | 500ms             | RuntimeMaxUSec     | t   | 500000
      RuntimeMaxSec  | infinity          | RuntimeMaxUSec     | t   | infinity
      Environment    | A=1 B='two words' | Environment        | as  | [A=1, B=two words]
      Nice           | -5                | Nice               | i   | -5
      Type           | exec              | Type               | s   | exec
      Restart        | on-failure        | Restart            | s   | on-failure
      RestartSec     | 5s                | RestartUSec        | t   | 5000000
      StartLimitIntervalSec | 0          | StartLimitIntervalUSec | t | 0
      # parse_time's Greek mu, beside the micro sign (the VM's test user has no UTF-8 locale to
      # pass it to systemd-run in SystemdRefusalsTest).
      TimeoutStartSec | 3\u03bcs           | TimeoutStartUSec   | t   | 3
      StartLimitBurst | 3                | StartLimitBurst    | u   | 3
      CPUAccounting  | yes               | CPUAccounting      | b   | true
      CPUQuotaPeriodSec | 10ms           | CPUQuotaPeriodUSec | t   | 10000
      CPUQuotaPeriodSec | ""             | CPUQuotaPeriodUSec | t   | infinity
      StartupCPUWeight | 50              | StartupCPUWeight   | t   | 50
      IOAccounting   | no                | IOAccounting       | b   | false
      IOWeight       | 500               | IOWeight           | t   | 500
      IOWeight       | ""                | IOWeight           | t   | infinity
      StartupIOWeight | 10000            | StartupIOWeight    | t   | 10000
      DevicePolicy   | closed            | DevicePolicy       | s   | closed
      ManagedOOMSwap | kill              | ManagedOOMSwap     | s   | kill
      ManagedOOMMemoryPressure | auto    | ManagedOOMMemoryPressure | s | auto
      ManagedOOMMemoryPressureLimit | 50% | ManagedOOMMemoryPressureLimit | u | 2147483648
      ManagedOOMPreference | avoid       | ManagedOOMPreference | s | avoid
      UMask          | 0027              | UMask              | u   | 23
      UMask          | 77                | UMask              | u   | 63
      NoNewPrivileges | yes              | NoNewPrivileges    | b   | true
      RootImagePolicy | ""               | RootImagePolicy    | s   | ""
      """)
  void valueBecomesWhatSystemdRunSends(
      String property, String value, String wireName, String signature, String wireValue) {
    // Every property applies to services; which ones scopes refuse is tested below.
    assertEquals(
        List.of(new Assignment(wireName, signature, wireValue(signature, wireValue))),
        PropertyTable.parseAssignment(property, value, UnitType.SERVICE));
  }

  /**
   * Values with arrays and structs, compared in the text form of {@link WireValues#text}: unsigned
   * numbers, byte arrays in hex (without trailing zero bytes), lists and structs as [a, b].
   */
  @ParameterizedTest(name = "{0}={1} -> {2} {3} {4}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      # property            | value            | wire name            | sig     | wire value
      # CPU sets: bit j of byte i is CPU 8i+j.
      AllowedCPUs           | 0-3,6            | AllowedCPUs          | ay      | 0x4f
      AllowedCPUs           | 0 2              | AllowedCPUs          | ay      | 0x05
      AllowedCPUs           | 8                | AllowedCPUs          | ay      | 0x0001
      AllowedCPUs           | ""               | AllowedCPUs          | ay      | 0x
      AllowedMemoryNodes    | 0                | AllowedMemoryNodes   | ay      | 0x01
      StartupAllowedCPUs    | 1                | StartupAllowedCPUs   | ay      | 0x02
      # IO sizes are base 1000.
      IOReadBandwidthMax    | /dev/vda 10M     | IOReadBandwidthMax   | a(st)   | [[/dev/vda, 10000000]]
      IOWriteBandwidthMax   | /dev/vda 1.5K    | IOWriteBandwidthMax  | a(st)   | [[/dev/vda, 1500]]
      IOReadBandwidthMax    | /dev/vda infinity | IOReadBandwidthMax  | a(st)   | [[/dev/vda, 18446744073709551615]]
      IOReadBandwidthMax    | ""               | IOReadBandwidthMax   | a(st)   | []
      IOWriteIOPSMax        | /dev/vda 2K      | IOWriteIOPSMax       | a(st)   | [[/dev/vda, 2000]]
      IOReadIOPSMax         | /dev/vda 100     | IOReadIOPSMax        | a(st)   | [[/dev/vda, 100]]
      IODeviceWeight        | /dev/vda 200     | IODeviceWeight       | a(st)   | [[/dev/vda, 200]]
      IODeviceLatencyTargetSec | /dev/vda 25ms | IODeviceLatencyTargetUSec | a(st) | [[/dev/vda, 25000]]
      DeviceAllow           | /dev/null rw     | DeviceAllow          | a(ss)   | [[/dev/null, rw]]
      DeviceAllow           | /dev/null        | DeviceAllow          | a(ss)   | [[/dev/null, rwm]]
      DeviceAllow           | char-pts r       | DeviceAllow          | a(ss)   | [[char-pts, r]]
      DeviceAllow           | ""               | DeviceAllow          | a(ss)   | []
      # Address prefixes: (AF_INET 2 | AF_INET6 10, address bytes, prefix length).
      IPAddressAllow        | 10.0.0.0/8       | IPAddressAllow       | a(iayu) | [[2, 0x0a, 8]]
      IPAddressAllow        | 192.168.1.7      | IPAddressAllow       | a(iayu) | [[2, 0xc0a80107, 32]]
      IPAddressAllow        | fe80::1/64       | IPAddressAllow       | a(iayu) | [[10, 0xfe800000000000000000000000000001, 64]]
      IPAddressAllow        | localhost        | IPAddressAllow       | a(iayu) | [[2, 0x7f, 8], [10, 0x00000000000000000000000000000001, 128]]
      IPAddressDeny         | any              | IPAddressDeny        | a(iayu) | [[2, 0x, 0], [10, 0x, 0]]
      IPAddressDeny         | multicast 10.1.2.3/32 | IPAddressDeny   | a(iayu) | [[2, 0xe0, 4], [10, 0xff, 8], [2, 0x0a010203, 32]]
      IPAddressDeny         | ""               | IPAddressDeny        | a(iayu) | []
      DelegateSubgroup      | init             | DelegateSubgroup     | s       | init
      DelegateSubgroup      | memoryhog.d      | DelegateSubgroup     | s       | memoryhog.d
      DelegateSubgroup      | worker_1         | DelegateSubgroup     | s       | worker_1
      OOMPolicy             | kill             | OOMPolicy            | s       | kill
      MemoryZSwapMax        | 1G               | MemoryZSwapMax       | t       | 1073741824
      StartupMemoryMax      | 512M             | StartupMemoryMax     | t       | 536870912
      StartupMemoryLow      | ""               | StartupMemoryLow     | t       | 0
      StartupMemoryHigh     | ""               | StartupMemoryHigh    | t       | 18446744073709551615
      MemoryZSwapWriteback  | no               | MemoryZSwapWriteback | b       | false
      PrivateTmp            | yes              | PrivateTmp           | b       | true
      ProtectKernelLogs     | on               | ProtectKernelLogs    | b       | true
      ProtectSystem         | strict           | ProtectSystem        | s       | strict
      ProtectSystem         | true             | ProtectSystem        | s       | yes
      ProtectSystem         | 0                | ProtectSystem        | s       | no
      ProtectHome           | read-only        | ProtectHome          | s       | read-only
      ReadOnlyPaths         | /etc -/opt/x     | ReadOnlyPaths        | as      | [/etc, -/opt/x]
      InaccessiblePaths     | ""               | InaccessiblePaths    | as      | []
      User                  | tester           | User                 | s       | tester
      After                 | a.service b.target | After              | as      | [a.service, b.target]
      Documentation         | man:confine(1)   | Documentation        | as      | [man:confine(1)]
      StandardOutput        | journal          | StandardOutput       | s       | journal
      StandardOutput        | file:/var/log/x  | StandardOutputFile   | s       | /var/log/x
      StandardError         | append:/tmp/e    | StandardErrorFileToAppend | s  | /tmp/e
      StandardOutput        | truncate:/tmp/o  | StandardOutputFileToTruncate | s | /tmp/o
      StandardInput         | fd:input         | StandardInputFileDescriptorName | s | input
      SyslogLevel           | warning          | SyslogLevel          | i       | 4
      SyslogFacility        | local3           | SyslogFacility       | i       | 19
      CPUSchedulingPolicy   | batch            | CPUSchedulingPolicy  | i       | 3
      IOSchedulingClass     | idle             | IOSchedulingClass    | i       | 3
      IOSchedulingClass     | 2                | IOSchedulingClass    | i       | 2
      CPUAffinity           | 0-1              | CPUAffinity          | ay      | 0x03
      CPUAffinity           | numa             | CPUAffinityFromNUMA  | b       | true
      EnvironmentFile       | -/etc/default/x  | EnvironmentFiles     | a(sb)   | [[/etc/default/x, true]]
      RuntimeDirectory      | app app/sub      | RuntimeDirectory     | as      | [app, app/sub]
      RuntimeDirectoryMode  | 0700             | RuntimeDirectoryMode | u       | 448
      RestartSteps          | 5                | RestartSteps         | u       | 5
      RestrictNamespaces    | yes              | RestrictNamespaces   | t       | 0
      RestrictNamespaces    | net ipc          | RestrictNamespaces   | t       | 1207959552
      RestrictNamespaces    | ~user            | RestrictNamespaces   | t       | 1845624960
      CapabilityBoundingSet | CAP_NET_ADMIN cap_kill | CapabilityBoundingSet | t | 4128
      CapabilityBoundingSet | ~CAP_SYS_ADMIN   | CapabilityBoundingSet | t      | 18446744073707454463
      BindReadOnlyPaths     | /a:/b:norbind -/c | BindReadOnlyPaths   | a(ssbt) | [[/a, /b, false, 0], [/c, /c, true, 16384]]
      TemporaryFileSystem   | /mnt:ro          | TemporaryFileSystem  | a(ss)   | [[/mnt, ro]]
      SetCredential         | id:hi            | SetCredential        | a(say)  | [[id, 0x6869]]
      LoadCredential        | id:/etc/x        | LoadCredential       | a(ss)   | [[id, /etc/x]]
      LoadCredential        | id               | LoadCredential       | a(ss)   | [[id, id]]
      IPIngressFilterPath   | /sys/fs/bpf/x    | IPIngressFilterPath  | as      | [/sys/fs/bpf/x]
      LoadCredentialEncrypted | id:/etc/x      | LoadCredentialEncrypted | a(ss) | [[id, /etc/x]]
      SetCredentialEncrypted | id:aGk=         | SetCredentialEncrypted | a(say) | [[id, 0x6869]]
      StandardInputText     | hi               | StandardInputData    | ay      | 0x68690a
      StandardInputText     | a\\tb\\u00e9      | StandardInputData    | ay      | 0x610962c3a90a
      StandardInputText     | \\xff\\101        | StandardInputData    | ay      | 0xff410a
      StandardInputText     | ""               | StandardInputData    | ay      | 0x0a
      CoredumpFilter        | default          | CoredumpFilter       | t       | 51
      PrivatePIDs           | on               | PrivatePIDs          | s       | yes
      MemoryPressureWatch   | off              | MemoryPressureWatch  | s       | no
      FailureActionExitStatus | 3              | FailureActionExitStatus | i    | 3
      FailureActionExitStatus | ""             | FailureActionExitStatus | i    | -1
      OnFailureJobMode      | isolate          | OnFailureJobMode     | s       | isolate
      RequiresMountsFor     | /var /srv/data   | RequiresMountsFor    | as      | [/var, /srv/data]
      MountFlags            | slave            | MountFlags           | t       | 524288
      SystemCallArchitectures | native x86     | SystemCallArchitectures | as   | [native, x86]
      BusName               | org.example.A    | BusName              | s       | org.example.A
      NUMAPolicy            | interleave       | NUMAPolicy           | i       | 3
      NUMAMask              | 0-1              | NUMAMask             | ay      | 0x03
      LogExtraFields        | A_B=x            | LogExtraFields       | aay     | [0x415f423d78]
      Personality           | x86              | Personality          | s       | x86
      # Accepted by the manager, but the start needs a program pinned at the path.
      BPFProgram            | egress:/sys/fs/bpf/x | BPFProgram     | a(ss)   | [[egress, /sys/fs/bpf/x]]
      BPFProgram            | ::ingress::/fs/a:b | BPFProgram       | a(ss)   | [[ingress, /fs/a:b]]
      BPFProgram            | sock\\_create:/fs/x | BPFProgram      | a(ss)   | [[sock_create, /fs/x]]
      # Images, whose start fails without an image there (the others: SystemdRefusalsTest).
      MountImages           | /confine.raw:/mnt | MountImages         | a(ssba(ss)) | [[/confine.raw, /mnt, false, []]]
      MountImages           | -/a.raw:/mnt:ro  | MountImages          | a(ssba(ss)) | [[/a.raw, /mnt, true, [[root, ro]]]]
      MountImages           | /a.raw:/mnt:root:ro:usr:noexec:nodev | MountImages | a(ssba(ss)) | [[/a.raw, /mnt, false, [[root, ro], [usr, noexec], [root, nodev]]]]
      MountImages           | /a\\:b.raw:/mnt | MountImages         | a(ssba(ss)) | [[/a:b.raw, /mnt, false, []]]
      MountImages           | "'/a b.raw':/mnt /b.raw::/srv:" | MountImages | a(ssba(ss)) | [[/a b.raw, /mnt, false, []], [/b.raw, /srv, false, []]]
      ExtensionImages       | /a.raw           | ExtensionImages      | a(sba(ss)) | [[/a.raw, false, []]]
      ExtensionImages       | -/a.raw:root:ro:nodev | ExtensionImages | a(sba(ss)) | [[/a.raw, true, [[root, ro], [root, nodev]]]]
      """)
  void compoundValueBecomesWhatSystemdRunSends(
      String property, String value, String wireName, String signature, String wireText) {
    List<Assignment> wire = PropertyTable.parseAssignment(property, value, UnitType.SERVICE);
    assertEquals(1, wire.size());
    assertEquals(wireName + " " + signature + " " + wireText,
        wire.get(0).name() + " " + wire.get(0).signature() + " "
            + WireValues.text(wire.get(0).value(), wire.get(0).signature()));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      MemoryMax        | lots
      MemoryMax        | -1
      MemoryMax        | 101%
      CPUQuota         | 0%
      CPUQuota         | 50
      # parse_permyriad takes at most two decimals, and at most INT_MAX permyriad.
      CPUQuota         | 0.005%
      CPUQuota         | 100000000000000000%
      CPUWeight        | 0
      CPUWeight        | 10001
      TasksMax         | 0
      Delegate         | maybe
      Delegate         | cpu bogus
      KillSignal       | SIGNOPE
      RuntimeMaxSec    | 5 fortnights
      # Beyond UINT64_MAX microseconds: systemd's parse_sec says ERANGE.
      RuntimeMaxSec    | 100000000w
      Nice             | 20
      Restart          | sometimes
      StartLimitBurst  | -1
      Environment      | NOEQUALS
      WorkingDirectory | relative/path
      IOWeight         | idle
      IOWeight         | 0
      DevicePolicy     | open
      ManagedOOMSwap   | yes
      ManagedOOMMemoryPressureLimit | 60
      UMask            | 0999
      LimitNOFILE      | lots
      LimitNOFILE      | 4096:1024
      LimitNOFILE      | 1:2:3
      LimitCORE        | 1X
      AllowedCPUs      | 3-1
      StartupMemoryMax | 50%
      AllowedCPUs      | a
      AllowedCPUs      | 9000
      IOReadBandwidthMax | vda 10M
      IOReadBandwidthMax | /dev/vda
      IOReadBandwidthMax | /dev/vda lots
      IODeviceWeight   | /dev/vda 0
      IODeviceLatencyTargetSec | /dev/vda soon
      DeviceAllow      | /dev/null x
      DeviceAllow      | null rw
      IPAddressAllow   | example.com
      IPAddressAllow   | 10.0.0.300
      IPAddressAllow   | 10.0.0.0/33
      IPAddressAllow   | fe80:::1
      IPAddressAllow   | ::ffff:10.0.0.1
      ProtectSystem    | maybe
      ProtectHome      | strict
      DelegateSubgroup | a/b
      DelegateSubgroup | cgroup.procs
      DelegateSubgroup | memory.x
      DelegateSubgroup | bpf-firewall.x
      DelegateSubgroup | _hidden
      DelegateSubgroup | tasks
      OOMPolicy        | die
      ReadOnlyPaths    | relative
      After            | nounitsuffix
      Documentation    | ftp://x
      StandardOutput   | file:relative
      StandardInput    | append:/tmp/x
      SyslogLevel      | loud
      CPUSchedulingPriority | 100
      OOMScoreAdjust   | 1001
      LimitNICE        | +20
      PassEnvironment  | 1A
      RuntimeDirectory | /abs
      RuntimeDirectory | a/../b
      RestrictNamespaces | bogus
      CapabilityBoundingSet | CAP_NOPE
      BindPaths        | relative
      CoredumpFilter   | nope
      FailureActionExitStatus | 256
      FailureAction    | explode
      RequiresMountsFor | var
      MountFlags       | rshared
      BusName          | nodots
      SystemCallArchitectures | amd64
      LogExtraFields   | _A=1
      LogExtraFields   | noequals
      Personality      | linux
      # The manager skips, with a warning, a name ifname_valid refuses: systemd-run lets it through.
      RestrictNetworkInterfaces | all
      RestrictNetworkInterfaces | 1
      RestrictNetworkInterfaces | 0x10
      RestrictNetworkInterfaces | eth0:1
      RestrictNetworkInterfaces | ~a/b
      RestrictNetworkInterfaces | ..
      # 257's systemd-run sends this as any (its port count wraps around); 252's refuses it.
      SocketBindAllow  | 0-65535
      """)
  void invalidValueIsRejectedNamingPropertyAndValue(String property, String value) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> PropertyTable.parseAssignment(property, value, UnitType.SERVICE));
    // A per-device value names the part after the device, the others the whole value.
    String named = value.startsWith("/dev/") ? value.substring(value.indexOf(' ') + 1) : value;
    assertTrue(e.getMessage().contains(property) && e.getMessage().contains(named), e.getMessage());
  }

  /** Resource limits go out as two properties, the hard limit and LimitXSoft, as systemd-run sends them. */
  @ParameterizedTest(name = "{0}={1} -> hard {2}, soft {3}")
  @CsvSource(delimiter = '|', textBlock = """
      LimitNOFILE  | 1024:4096         | 4096      | 1024
      LimitNOFILE  | 8192              | 8192      | 8192
      LimitNOFILE  | 1024:infinity     | infinity  | 1024
      LimitNPROC   | infinity          | infinity  | infinity
      LimitCORE    | 0:1G              | 1073741824 | 0
      LimitMEMLOCK | 64K               | 65536     | 65536
      # Whole seconds, rounded up; microseconds for LimitRTTIME; nice levels for LimitNICE.
      LimitCPU     | 90s:2min          | 120       | 90
      LimitCPU     | 1.5               | 2         | 2
      LimitRTTIME  | 1000:500ms        | 500000    | 1000
      LimitNICE    | +0:-5             | 25        | 20
      """)
  void resourceLimitIsHardAndSoft(String property, String value, String hard, String soft) {
    assertEquals(
        List.of(new Assignment(property, "t", wireValue("t", hard)),
            new Assignment(property + "Soft", "t", wireValue("t", soft))),
        PropertyTable.parseAssignment(property, value, UnitType.SERVICE));
  }

  /** systemd-run sends these; the manager refuses them: "may not be created transiently". */
  @ParameterizedTest
  @CsvSource({"BoundBy", "ConflictedBy", "OnFailureOf", "Triggers", "SliceOf"})
  void reverseDependencyIsRefusedWithTheReason(String name) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> PropertyTable.parseAssignment(name, "x.service", UnitType.SERVICE));
    assertTrue(e.getMessage().startsWith(name + "= is a dependency the manager derives"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"WantedBy", "Alias", "Sockets", "JobTimeoutSec"})
  void unitFileOnlySettingIsRefusedWithTheReason(String name) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> PropertyTable.parseAssignment(name, "x", UnitType.SERVICE));
    assertTrue(e.getMessage().startsWith(name + "= is a unit-file-only setting ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("transient units cannot take it"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "MemoryMaxx, MemoryMax",
    "memorymax, MemoryMax",
    "CPUQouta, CPUQuota",
    "Delgate, Delegate",
  })
  void misspelledNameSuggestsTheRealOne(String typo, String suggestion) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> PropertyTable.parseAssignment(typo, "1", UnitType.SCOPE));
    assertTrue(e.getMessage().contains("unknown property '" + typo + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean " + suggestion + "?"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"Frobnicate", "X"})
  void unrelatedUnknownNameGetsNoSuggestion(String name) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> PropertyTable.parseAssignment(name, "1", UnitType.SCOPE));
    assertTrue(e.getMessage().contains("unknown property '" + name + "'"), e.getMessage());
    assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      Type             | exec
      RemainAfterExit  | yes
      Nice             | 5
      WorkingDirectory | /tmp
      Environment      | A=1
      PrivateTmp       | yes
      ProtectSystem    | strict
      ReadOnlyPaths    | /etc
      UMask            | 0022
      NoNewPrivileges  | yes
      LimitNOFILE      | 1024
      Restart          | always
      ReloadSignal     | SIGUSR1
      MountImages      | /a.raw:/mnt
      RootImagePolicy  | *
      """)
  void serviceOnlyPropertyIsRefusedForScopes(String property, String value) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> PropertyTable.parseAssignment(property, value, UnitType.SCOPE));
    assertEquals(property + " is not supported for scope units; it is a setting of service units", e.getMessage());
  }

  /** A name of several unit types may mean different things: each type has at most one entry. */
  @Test
  void entriesOfOneNameTakeDifferentUnitTypes() {
    Map<String, Set<UnitType>> seen = new HashMap<>();
    for (PropertyTable.Property property : PropertyTable.ALL) {
      Set<UnitType> types = seen.computeIfAbsent(property.name(), name -> EnumSet.noneOf(UnitType.class));
      assertTrue(Collections.disjoint(types, property.types()), property.name() + " twice for one unit type");
      types.addAll(property.types());
    }
  }

  @Test
  void timeoutSecOfASocketIsItsOwn() {
    assertEquals(List.of(new Assignment("TimeoutUSec", "t", 30_000_000L)),
        PropertyTable.parseAssignment("TimeoutSec", "30s", UnitType.SOCKET));
    assertEquals(List.of(new Assignment("TimeoutStartUSec", "t", 30_000_000L),
            new Assignment("TimeoutStopUSec", "t", 30_000_000L)),
        PropertyTable.parseAssignment("TimeoutSec", "30s", UnitType.SERVICE));
  }

  /** A socket's commands have no Ex form on the manager, so none of the prefixes that need one. */
  @ParameterizedTest
  @CsvSource({"+/bin/true", ":/bin/true", "!/bin/true"})
  void socketCommandTakesNoPrefixThatNeedsExForm(String value) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> PropertyTable.parseAssignment("ExecStopPre", value, UnitType.SOCKET));
    assertTrue(e.getMessage().contains("socket units take no ExecStopPreEx"), e.getMessage());
    assertEquals(List.of(new Assignment("ExecStopPre", "a(sasb)",
            List.of(List.of("/bin/true", List.of("/bin/true"), true)))),
        PropertyTable.parseAssignment("ExecStopPre", "-/bin/true", UnitType.SOCKET));
  }

  /** ExecStopEx came in systemd 244, a year after ExecStop: the version check sees the form sent. */
  @Test
  void exFormNeedsTheSystemdThatHasIt() {
    PropertyTable.Property stop = PropertyTable.require("ExecStop", UnitType.SERVICE);
    assertEquals(236, stop.since(UnitType.SERVICE, stop.parse("/bin/true")));
    assertEquals(244, stop.since(UnitType.SERVICE, stop.parse("+/bin/true")));
    PropertyTable.Property start = PropertyTable.require("ExecStartPre", UnitType.SERVICE);
    assertEquals(243, start.since(UnitType.SERVICE, start.parse(":/bin/true")));
  }

  /** The Java value PropertyTable uses for a wire value as systemd prints it. */
  private static Object wireValue(String signature, String text) {
    switch (signature) {
      case "t":
        return text.equals("infinity") ? Values.INFINITY : Long.parseUnsignedLong(text);
      case "u":
        // The unsigned 32-bit value, kept in an int's bits.
        return (int) Long.parseLong(text);
      case "i":
        return Integer.parseInt(text);
      case "b":
        return Boolean.parseBoolean(text);
      case "as":
        return Arrays.asList(text.substring(1, text.length() - 1).split(", "));
      default:
        return text;
    }
  }
}
