package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static dev.confine.vm.Guest.DISK;
import static dev.confine.vm.Guest.ROOT;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.PropertyTable.Assignment;
import dev.confine.vm.Guest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every property of the table, set on a real unit and read back: from systemd over D-Bus (what it
 * stored must be exactly what the table sent) and, for resource settings, from cgroupfs through
 * {@link Systemd#verify}. Properties newer than the VM's systemd must be refused before anything
 * is sent, but DelegateSubgroup, which confine emulates before 254. Runs in the test VM on each
 * systemd version, as root, as tester with systemd's default delegation and as tester with io and
 * cpuset delegated too.
 */
@Tag("vm")
@Tag("vm-delegated")
class PropertyReadbackVmTest {

  /** NAME=VALUE for scopes and services alike; each differs from systemd's default. */
  private static final List<String> COMMON = List.of(
      "Description=confine readback test", "Slice=confinetest.slice",
      "CollectMode=inactive-or-failed", "SourcePath=/etc/confine-readback",
      // The defaults where anything else would stop the unit, the manager or the test.
      "StopWhenUnneeded=no", "RefuseManualStart=no", "RefuseManualStop=no",
      "FailureAction=none", "SuccessAction=none", "StartLimitAction=none",
      "StartLimitIntervalSec=30s", "StartLimitBurst=3", "Markers=needs-restart",
      "AllowIsolate=yes", "IgnoreOnIsolate=yes", "SurviveFinalKillSignal=yes",
      "OnFailureJobMode=fail", "OnSuccessJobMode=fail", "FailureActionExitStatus=3",
      "SuccessActionExitStatus=4", "RebootArgument=confine", "JobRunningTimeoutSec=5min", "RequiresMountsFor=/tmp",
      "WantsMountsFor=/var/tmp", "JobTimeoutAction=none", "JobTimeoutRebootArgument=confine",
      "After=confine-after.service", "Before=confine-before.service",
      "Wants=confine-wants.service", "Requires=sockets.target", "Requisite=sockets.target",
      "BindsTo=sockets.target", "PartOf=confine-partof.service", "Upholds=sockets.target",
      "Conflicts=confine-conflicts.service", "OnFailure=confine-onfailure.service",
      "OnSuccess=confine-onsuccess.service", "PropagatesReloadTo=confine-reloadto.service",
      "ReloadPropagatedFrom=confine-reloadfrom.service", "PropagatesStopTo=confine-stopto.service",
      "StopPropagatedFrom=confine-stopfrom.service", "JoinsNamespaceOf=confine-ns.service",
      "DefaultDependencies=no", "Documentation=https://example.com/confine man:confine(1)",
      "MemoryMax=64M", "MemoryHigh=48M", "MemoryLow=8M", "MemoryMin=4M", "MemorySwapMax=0",
      "MemoryZSwapMax=32M", "DefaultMemoryMin=1M", "DefaultMemoryLow=2M", "StartupMemoryMax=1G", "StartupMemoryHigh=900M",
      "StartupMemoryLow=1M", "StartupMemorySwapMax=0", "StartupMemoryZSwapMax=0",
      "MemoryZSwapWriteback=no", "MemoryAccounting=yes", "MemoryPressureWatch=yes",
      "MemoryPressureThresholdSec=100ms",
      "CPUQuota=50%", "CPUQuotaPeriodSec=50ms", "CPUWeight=200", "StartupCPUWeight=50",
      // cgroup v1 names: both managers store them beside their v2 twins set here.
      "CPUShares=512", "StartupCPUShares=256", "MemoryLimit=100M", "BlockIOAccounting=yes",
      "BlockIOWeight=1000", "StartupBlockIOWeight=10", "BlockIODeviceWeight=/dev/vda 700",
      "BlockIOReadBandwidth=/dev/vda 1M", "BlockIOWriteBandwidth=/dev/vda 2M",
      "CPUAccounting=yes", "AllowedCPUs=0", "StartupAllowedCPUs=0-1", "AllowedMemoryNodes=0",
      "StartupAllowedMemoryNodes=0",
      "TasksMax=42", "TasksAccounting=yes",
      "IOWeight=500", "StartupIOWeight=300", "IODeviceWeight=" + DISK + " 200",
      "IOReadBandwidthMax=" + DISK + " 10M", "IOWriteBandwidthMax=" + DISK + " 5M",
      "IOReadIOPSMax=" + DISK + " 1000", "IOWriteIOPSMax=" + DISK + " 500",
      "IODeviceLatencyTargetSec=" + DISK + " 25ms", "IOAccounting=yes",
      "Delegate=yes", "DelegateSubgroup=init", "DisableControllers=bpf-foreign",
      "CoredumpReceive=yes",
      "DevicePolicy=closed", "DeviceAllow=/dev/null rw", "DeviceAllow=/dev/zero r",
      "IPAddressAllow=10.0.0.0/8 ::1/128", "IPAddressDeny=any",
      "IPAccounting=yes",
      "KillMode=mixed", "KillSignal=SIGINT", "FinalKillSignal=SIGQUIT",
      "RestartKillSignal=SIGUSR1", "WatchdogSignal=SIGUSR2", "SendSIGHUP=yes", "SendSIGKILL=no",
      "RuntimeMaxSec=1h", "RuntimeRandomizedExtraSec=1s", "TimeoutStopSec=30s", "OOMPolicy=stop",
      "ManagedOOMSwap=kill", "ManagedOOMMemoryPressure=kill",
      "ManagedOOMMemoryPressureLimit=50%", "ManagedOOMMemoryPressureDurationSec=30s",
      "ManagedOOMPreference=avoid",
      // Neither manager fails the start when it cannot attach the socket-bind or interface BPF
      // programs, nor when the nftables set is missing (measured on 252 and 257).
      "SocketBindAllow=ipv4:udp:5353", "SocketBindDeny=ipv6:tcp:1-1023",
      "RestrictNetworkInterfaces=lo", "NFTSet=cgroup:inet:confine:readback");

  /**
   * Every Condition…= and Assert…= type once, each a trigger (|): with PathExists=|/ among them
   * the start goes on whichever of the others hold on the VM.
   */
  private static final List<String> CHECKS = Stream.of("Condition", "Assert").flatMap(prefix -> Stream.of(
      "Architecture=|native", "Firmware=|uefi", "Virtualization=|yes", "Host=|confine-readback",
      "KernelCommandLine=|confine.readback", "KernelVersion=|>=1", "Credential=|confine-readback",
      "Security=|selinux", "Capability=|CAP_CHOWN", "ACPower=|true", "NeedsUpdate=|/etc",
      "FirstBoot=|yes", "PathExists=|/", "PathExists=|!/confine-no-such-file",
      "PathExistsGlob=|/etc/*", "PathIsDirectory=|/etc", "PathIsSymbolicLink=|/confine-no-such-link",
      "PathIsMountPoint=|/", "PathIsReadWrite=|/tmp", "PathIsEncrypted=|/", "DirectoryNotEmpty=|/etc",
      "FileNotEmpty=|/etc/hostname", "FileIsExecutable=|/bin/sh", "User=|@system", "Group=|root",
      "ControlGroupController=|memory", "CPUs=|>=1", "Memory=|>=1M", "Environment=|PATH",
      "CPUFeature=|fpu", "OSRelease=|ID=debian", "MemoryPressure=|99%", "CPUPressure=|99%",
      "IOPressure=|99%").map(check -> prefix + check)).toList();

  /**
   * Properties read back nowhere, and why; their refusal rows in {@link SystemdRefusalsTest} are
   * what the VM proves of them.
   */
  private static final Map<String, String> NOT_READ_BACK = Map.ofEntries(
      Map.entry("RootDirectory", "no harmless value: / fails in the service's mount namespace (MS_MOVE of /)"),
      Map.entry("RootImage", "needs a disk image"),
      Map.entry("RootVerity", "belongs to RootImage=, which needs a disk image"),
      Map.entry("ExtensionDirectories", "needs a system extension directory (extension-release file)"),
      Map.entry("ExecStartEx", "a second ExecStart needs Type=oneshot; ExecStartPreEx= and the rest show the Ex form"),
      Map.entry("StandardInputText", "sent as StandardInputData, which appends: read back through that one"),
      Map.entry("SetCredentialEncrypted", "the start fails unless the VM's own key encrypted the data"),
      Map.entry("LoadCredentialEncrypted", "the start fails unless the VM's own key encrypted the file"),
      Map.entry("ReadWriteDirectories", "old name: the manager adds to ReadWritePaths, read back there"),
      Map.entry("ReadOnlyDirectories", "old name: the manager adds to ReadOnlyPaths, read back there"),
      Map.entry("InaccessibleDirectories", "old name: the manager adds to InaccessiblePaths, read back there"),
      Map.entry("NetworkNamespacePath", "joining a namespace conflicts with PrivateNetwork= of the readback service"),
      Map.entry("IPCNamespacePath", "joining a namespace conflicts with PrivateIPC= of the readback service"),
      Map.entry("LogNamespace", "starts systemd-journald@NAME, which the user manager cannot"),
      Map.entry("PermissionsStartOnly", "deprecated: the manager turns it into the + of the commands"
          + " and reads back nothing (measured on 252 and 257)"),
      Map.entry("IPIngressFilterPath", "needs a BPF program pinned in bpffs"),
      Map.entry("IPEgressFilterPath", "needs a BPF program pinned in bpffs"),
      Map.entry("BPFProgram", "needs a BPF program pinned in bpffs"),
      Map.entry("MountImages", "an optional missing image (-PATH) fails 252's sandbox of the"
          + " readback service at /run/systemd/unit-root/srv (226/NAMESPACE); 257 takes it"
          + " (measured)"),
      Map.entry("ExtensionImages", "even an optional missing image (-PATH) makes the sandbox of"
          + " the readback service fail: 252 at /run/systemd/unit-extensions (226/NAMESPACE),"
          + " 257 at the exec of its command (203/EXEC), measured"),
      Map.entry("SELinuxContext", "sent as s, read back as (bs); and the test VMs run no SELinux"));

  /** NAME=VALUE for services only. */
  private static final List<String> SERVICE_ONLY = List.of(
      "Type=exec", "RemainAfterExit=yes", "GuessMainPID=no", "PIDFile=/run/confine-readback.pid",
      "BusName=org.example.ConfineReadback", "FileDescriptorStoreMax=5",
      "FileDescriptorStorePreserve=yes", "IgnoreSIGPIPE=no", "MountFlags=private",
      "SystemCallArchitectures=native", "RootDirectoryStartOnly=yes",
      "USBFunctionDescriptors=/confine-no-such-file", "USBFunctionStrings=/confine-no-such-file",
      "ExecSearchPath=/usr/bin /bin",
      "Nice=5", "Personality=x86-64", "WorkingDirectory=/",
      "Environment=A=1 B=2", "LogExtraFields=CONFINE_READBACK=1", "NUMAPolicy=preferred",
      "NUMAMask=0",
      "EnvironmentFile=-/confine-no-such-file", "PassEnvironment=PATH",
      "UnsetEnvironment=CONFINE_UNSET",
      "UMask=0027", "Restart=on-failure", "RestartSec=2s", "RestartSteps=3",
      "RestartMaxDelaySec=10s", "RestartMode=direct", "ExitType=cgroup", "NotifyAccess=all",
      "ReloadSignal=SIGUSR1",
      // The same span as TimeoutStopSec, which TimeoutSec sets too.
      "TimeoutStartSec=30s", "TimeoutSec=30s", "TimeoutAbortSec=20s",
      "TimeoutStartFailureMode=abort", "TimeoutStopFailureMode=kill", "WatchdogSec=1h",
      "StandardInput=null", "StandardOutput=null", "StandardError=journal", "TTYPath=/dev/tty1",
      "TTYReset=yes", "TTYVHangup=yes", "TTYVTDisallocate=yes", "TTYRows=24", "TTYColumns=80",
      "UtmpIdentifier=cfrb", "UtmpMode=user",
      "SyslogIdentifier=confine-readback", "SyslogLevel=debug", "SyslogFacility=local3",
      "SyslogLevelPrefix=no", "LogLevelMax=notice", "LogRateLimitIntervalSec=10s",
      "LogRateLimitBurst=100",
      "CPUSchedulingPolicy=batch", "CPUSchedulingPriority=0", "CPUSchedulingResetOnFork=yes",
      "IOSchedulingClass=best-effort", "IOSchedulingPriority=6", "CPUAffinity=0",
      "OOMScoreAdjust=100",
      "LimitNOFILE=1024:4096", "LimitNPROC=500:600", "LimitCORE=0:1G", "LimitFSIZE=1G",
      "LimitMEMLOCK=64K:128K", "LimitSTACK=4M:8M", "LimitAS=4G", "LimitRSS=1G", "LimitDATA=2G",
      "LimitMSGQUEUE=100K", "LimitLOCKS=1000", "LimitSIGPENDING=100", "LimitRTPRIO=0",
      "LimitCPU=1h", "LimitRTTIME=500ms", "LimitNICE=0",
      "RuntimeDirectory=confine-readback", "StateDirectory=confine-readback",
      "CacheDirectory=confine-readback", "LogsDirectory=confine-readback",
      "ConfigurationDirectory=confine-readback", "RuntimeDirectoryMode=0700",
      "StateDirectoryMode=0700", "CacheDirectoryMode=0700", "LogsDirectoryMode=0700",
      "ConfigurationDirectoryMode=0700", "RuntimeDirectoryPreserve=restart",
      "NoNewPrivileges=yes", "PrivateTmp=yes", "PrivateDevices=yes", "PrivateNetwork=yes",
      "PrivateUsers=yes", "PrivateIPC=yes", "PrivateMounts=yes", "ProtectSystem=strict",
      "ProtectHome=read-only", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
      "ProtectKernelLogs=yes", "ProtectControlGroups=yes", "ProtectClock=yes",
      "ProtectHostname=yes", "RestrictSUIDSGID=yes", "RestrictRealtime=yes",
      "LockPersonality=yes", "MemoryDenyWriteExecute=yes", "ReadOnlyPaths=/etc",
      // The Ex forms set what PrivateTmp=, PrivateUsers= and ProtectControlGroups= set above,
      // in the words the manager reads back (yes is connected and self there).
      "PrivateTmpEx=connected", "PrivateUsersEx=self", "ProtectControlGroupsEx=yes",
      // MemoryKSM=yes needs PR_SET_MEMORY_MERGE (Linux 6.4); RootEphemeral=yes a root directory.
      "MemoryKSM=no", "RootEphemeral=no", "BindLogSockets=yes", "SetLoginEnvironment=no",
      "SecureBits=keep-caps", "AppArmorProfile=-confine-no-such-profile",
      "SmackProcessLabel=-confine",
      "ReadWritePaths=/tmp", "InaccessiblePaths=-/confine-no-such-dir",
      // PrivatePIDs=yes fails as root here: no user namespace for PrivateUsers= inside the PID one.
      "PrivatePIDs=no",
      "RemoveIPC=yes", "MountAPIVFS=yes", "ProtectProc=invisible", "ProcSubset=pid",
      "KeyringMode=shared", "RestrictNamespaces=~cgroup", "ExecPaths=/usr", "NoExecPaths=/",
      "BindPaths=-/confine-no-such-dir", "BindReadOnlyPaths=/usr/share",
      "TemporaryFileSystem=/mnt", "LoadCredential=confine:/etc/hostname",
      "SetCredential=confine2:sec\\x00ret", "ImportCredential=confine-readback*",
      "OpenFile=/etc/hostname:confine:read-only",
      // Only capabilities that PrivateDevices=, ProtectClock= and friends leave in the stored set.
      "CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE CAP_KILL CAP_SETUID CAP_SETGID",
      "CoredumpFilter=private-anonymous shared-anonymous",
      "SuccessExitStatus=3 SIGUSR1", "RestartPreventExitStatus=TEMPFAIL",
      "RestartForceExitStatus=4 SIGUSR2", "SystemCallFilter=~ptrace", "SystemCallLog=ptrace",
      "RestrictAddressFamilies=AF_UNIX AF_INET",
      // xfs, which the VM's disk is not formatted with: with the BPF LSM on, denying the root's
      // file system would keep sleep from starting. TimerSlackNSec=infinity would read back as
      // the manager's own slack.
      "RestrictFileSystems=~xfs", "SystemCallErrorNumber=EPERM", "TimerSlackNSec=50us",
      "LogFilterPatterns=~foo",
      // The root image settings are unused without RootImage=, the policies without images
      // (measured on 252 and 257); the policies read back simplified, which these values are.
      "RootHash=00112233445566778899aabbccddeeff", "RootHashSignature=base64:aGk=",
      "RootImageOptions=usr:ro,nosuid home:noexec",
      "RootImagePolicy=root=verity+signed:usr=encrypted",
      "MountImagePolicy=*",
      "ExtensionImagePolicy=~");

  /**
   * Commands, each prefix once so that both wire forms show, on a service of their own (and
   * StandardInputData=, which would change the StandardInput= set above): the user
   * manager cannot set up the sandbox above for a control process (measured on 252 and 257:
   * "Failed to set up mount namespacing: /run/systemd/unit-root/dev/mqueue", status 226).
   * ExecStart= only empties the -p list: a second ExecStart needs Type=oneshot.
   */
  private static final List<String> COMMANDS = List.of(
      "ExecCondition=/usr/bin/true", "ExecStartPre=-/usr/bin/false", "ExecStart=",
      "ExecStartPost=:/usr/bin/true $HOME", "ExecReload=!/usr/bin/true",
      "ExecStop=@/usr/bin/true confine-stop", "ExecStopPost=+/usr/bin/true",
      "ExecConditionEx=/usr/bin/true ex", "ExecStartPreEx=/usr/bin/true ex",
      "ExecStartPostEx=/usr/bin/true ex", "ExecReloadEx=/usr/bin/true ex",
      "ExecStopEx=/usr/bin/true ex", "ExecStopPostEx=/usr/bin/true ex",
      // Here, not with StandardInput=null above: the manager makes it StandardInput=data.
      "StandardInputData=Y29uZmluZQo=");

  /**
   * A PAM session for another user, from the system manager: what systemd-run -M tester@.host
   * asks for too (PAMName=systemd-user with DynamicUser= and the sandbox timed out the start).
   */
  private static final List<String> SYSTEM_SESSION = List.of("User=tester", "PAMName=login");

  /**
   * Only the system manager can run a service as another user; the user manager's own user is
   * proven by the scope ownership test, and User=root from a user is refused there too.
   */
  private static final List<String> SYSTEM_ONLY = List.of("User=tester", "Group=tester",
      "SupplementaryGroups=tester", "DynamicUser=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE");

  /** The settings the guest kernel cannot enforce even with the controller (no iocost, no iolatency). */
  private static final Set<String> KERNEL_LACKS = Set.of("IODeviceWeight", "IODeviceLatencyTargetSec");

  private static final Set<String> IO_LIMITS = Set.of("IOWeight", "IODeviceWeight",
      "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax",
      "IODeviceLatencyTargetSec");
  private static final Set<String> CPUSET_LIMITS = Set.of("AllowedCPUs", "AllowedMemoryNodes");
  /**
   * Kept only by a systemd built with its BPF framework: bookworm's 252 (-BPF_FRAMEWORK) takes
   * the setting and stores nothing (measured), which verify must report.
   */
  private static final Set<String> BPF_FRAMEWORK_KEEPS = Set.of("RestrictFileSystems");

  @Test
  void everyPropertyOfTheTableIsCoveredHere() {
    Set<String> tested = Stream.of(COMMON, CHECKS, SERVICE_ONLY, SYSTEM_ONLY, COMMANDS, SYSTEM_SESSION)
        .flatMap(List::stream)
        .map(a -> a.substring(0, a.indexOf('='))).collect(Collectors.toCollection(TreeSet::new));
    tested.addAll(NOT_READ_BACK.keySet());
    // Timer and path units' own properties: TriggerVmTest.
    Set<String> table = PropertyTable.ALL.stream()
        .filter(p -> p.types().contains(UnitType.SCOPE) || p.types().contains(UnitType.SERVICE))
        .map(PropertyTable.Property::name).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(table, tested);
  }

  @Test
  void scopePropertiesReadBackAsSent() throws Exception {
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      List<String> properties = new ArrayList<>(COMMON);
      properties.addAll(CHECKS);
      ScopeSpec spec = supported(ScopeSpec.builder(), properties, UnitType.SCOPE, systemd);
      ScopedProcess process = systemd.allowUndelegated(true).launch(spec, new ProcessBuilder("sleep", "60"));
      try {
        assertReadBack(systemd, process.unit(), spec);
      } finally {
        process.process().destroy();
        process.waitFor();
      }
    }
  }

  @Test
  void servicePropertiesReadBackAsSent() throws Exception {
    List<String> properties = new ArrayList<>(COMMON);
    properties.addAll(CHECKS);
    properties.addAll(SERVICE_ONLY);
    if (ROOT) {
      properties.addAll(SYSTEM_ONLY);
    }
    assertServiceReadBack(properties);
  }

  @Test
  void commandsReadBackAsSent() throws Exception {
    List<String> properties = new ArrayList<>(COMMANDS);
    if (ROOT) {
      properties.addAll(SYSTEM_SESSION);
    }
    assertServiceReadBack(properties);
  }

  /**
   * Starts {@code sleep 5} with these properties, reads them back, and stops it. Short: with the
   * commands and PAM session of commandsReadBackAsSent, systemd 252 finishes the start job only once
   * the main process has ended (measured: the whole sleep). The unit stays loaded for the reading
   * either way, pinned by AddRef.
   */
  private static void assertServiceReadBack(List<String> properties) throws Exception {
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser())) {
      ServiceSpec spec = supported(ServiceSpec.builder(List.of("sleep", "5")), properties,
          UnitType.SERVICE, systemd);
      String unit;
      try {
        unit = systemd.allowUndelegated(true).start(spec);
      } catch (JobFailedException e) {
        throw new AssertionError(e.getMessage() + "; its journal:\n" + journal(e.unit()), e);
      }
      try {
        assertReadBack(systemd, unit, spec);
      } finally {
        new ProcessBuilder("systemctl", ROOT ? "--system" : "--user", "stop", unit).start().waitFor();
        removeServiceDirectories();
      }
    }
  }

  private static String journal(String unit) throws Exception {
    List<String> command = new ArrayList<>(List.of("journalctl", "-b", "-o", "cat", "--no-pager"));
    if (!ROOT) {
      command.add("--user");
    }
    command.addAll(List.of("-u", unit));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    process.waitFor();
    return text;
  }

  /**
   * The Runtime/State/Cache/Logs/ConfigurationDirectory= that systemd made for the service and
   * keeps after it stopped (measured: the runtime one too, with RuntimeDirectoryPreserve=restart).
   */
  private static void removeServiceDirectories() throws Exception {
    String home = System.getProperty("user.home");
    List<String> directories = ROOT
        ? List.of("/run/", "/var/lib/", "/var/cache/", "/var/log/", "/etc/")
        : List.of(System.getenv("XDG_RUNTIME_DIR") + "/", home + "/.local/state/", home + "/.cache/",
            home + "/.local/state/log/", home + "/.config/");
    List<String> command = new ArrayList<>(List.of("rm", "-rf", "--"));
    directories.forEach(directory -> command.add(directory + "confine-readback"));
    new ProcessBuilder(command).start().waitFor();
  }

  /**
   * Adds the properties this systemd has to the builder; for each newer one, checks that
   * starting a unit with it is refused before anything is sent, naming the version it needs.
   */
  private static <S extends UnitSpec> S supported(UnitSpec.Builder<S, ?> builder,
      List<String> properties, UnitType type, Systemd systemd) {
    int version = systemd.majorVersion();
    for (String assignment : properties) {
      String name = assignment.substring(0, assignment.indexOf('='));
      int since = PropertyTable.require(name, type).since(type);
      if (since <= version) {
        builder.property(assignment);
        continue;
      }
      if (name.equals("DelegateSubgroup")) {
        continue; // confine emulates it before 254: DelegateeVmTest checks the payload's leaf there
      }
      UnitSpec alone = type == UnitType.SCOPE
          ? ScopeSpec.builder().property(assignment).build()
          : ServiceSpec.builder(List.of("true")).property(assignment).build();
      UnsupportedPropertyException e = assertThrows(UnsupportedPropertyException.class,
          () -> {
            if (alone instanceof ScopeSpec scope) {
              systemd.startScope(scope, ProcessHandle.current().pid());
            } else {
              systemd.start((ServiceSpec) alone);
            }
          });
      assertTrue(e.getMessage().startsWith(name + " needs systemd " + since + " or later"), e.getMessage());
      assertTrue(e.getMessage().contains("runs systemd " + version), e.getMessage());
    }
    return builder.build();
  }

  /**
   * What systemd stored must be what was sent, and cgroupfs must show every resource setting,
   * except those whose controller the manager lacks and those the guest kernel cannot enforce;
   * those must be reported by {@link Systemd#verify}, and nothing else.
   */
  private static void assertReadBack(Systemd systemd, String unit, UnitSpec spec)
      throws IOException, InterruptedException {
    Map<String, Object> stored = systemd.unitProperties(unit, spec.type().dbusInterface());
    boolean bpfFramework = Guest.systemdFeatures().contains("+BPF_FRAMEWORK");
    Map<String, String> expected = new TreeMap<>();
    Map<String, String> actual = new TreeMap<>();
    for (String property : spec.properties().keySet()) {
      if (!bpfFramework && BPF_FRAMEWORK_KEEPS.contains(property)) {
        continue;
      }
      for (Assignment assignment : spec.assignmentsOf(property)) {
        String name = assignment.name();
        // Description and CollectMode live on the Unit interface, the rest on the type's own.
        Object value = stored.containsKey(name) ? stored.get(name)
            : systemd.unitProperties(unit, "org.freedesktop.systemd1.Unit").get(name);
        List<Assignment> all = spec.assignmentsOf(property).stream().filter(a -> a.name().equals(name)).toList();
        // By property too: the Condition…= types all add to Conditions, each its own elements.
        expected.put(property + " " + name, sentText(all));
        actual.put(property + " " + name, storedText(value, all));
      }
    }
    assertEquals(expected, actual);

    Set<String> controllers = Guest.managerControllers();
    Set<String> notEnforced = new TreeSet<>();
    for (String property : spec.properties().keySet()) {
      if (KERNEL_LACKS.contains(property)
          || (!bpfFramework && BPF_FRAMEWORK_KEEPS.contains(property))
          || (IO_LIMITS.contains(property) && !controllers.contains("io"))
          || (CPUSET_LIMITS.contains(property) && !controllers.contains("cpuset"))) {
        notEnforced.add(property);
      }
    }
    List<NotEnforced> findings = systemd.verify(unit, spec);
    assertEquals(notEnforced, findings.stream().map(NotEnforced::property).collect(Collectors.toCollection(TreeSet::new)),
        findings.stream().map(NotEnforced::toString).collect(Collectors.joining("\n")));
  }

  /** Sent values as text; list values of several assignments add up, and compare as sets. */
  private static String sentText(List<Assignment> assignments) {
    return String.join(" ", lastMerge(assignments).expected(assignments));
  }

  /**
   * Stored values as text. Of a list, only the elements that were sent: systemd may add its own
   * (ProtectClock=yes adds DeviceAllow=char-rtc r), and a missing one still shows.
   */
  private static String storedText(Object value, List<Assignment> sent) {
    return String.join(" ", lastMerge(sent).stored(value, sent));
  }

  private static Merge lastMerge(List<Assignment> assignments) {
    return assignments.get(assignments.size() - 1).merge();
  }
}
