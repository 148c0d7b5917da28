package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.PropertyTable.Assignment;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * confine's offline verdicts next to systemd 257's on the same {@code -p NAME=VALUE} inputs:
 * accepted rows give what goes on the wire ({@code NAME SIGNATURE VALUE}, several joined by
 * "; "), refused rows a part of confine's message. Each group names the systemd function whose
 * verdict it is. {@link SystemdRefusalsVmTest} runs every row through systemd-run in the test VM.
 */
class SystemdRefusalsTest {

  /** A row: the property, its value, and systemd's verdict as described above. */
  record Row(String property, String value, String verdict) {
    boolean accepted() {
      return !verdict.startsWith("refused");
    }

    @Override
    public String toString() {
      return property + "=" + value;
    }
  }

  /** Columns split by " | "; a value in double quotes keeps its spaces, C{N} is N times C. */
  static final String ROWS = """
      # parse_size (bus_append_parse_size), base 1024: terms with shrinking suffixes, whitespace
      # before a number or a suffix, none after the last; UINT64_MAX is infinity.
      MemoryMax | 64M | MemoryMax t 67108864
      MemoryMax | 64MB | refused: a size such as
      MemoryMax | 64m | refused: a size such as
      MemoryMax | 1G 512M | MemoryMax t 1610612736
      MemoryMax | 1G512M | MemoryMax t 1610612736
      MemoryMax | 512M 1G | refused: a size such as
      MemoryMax | 1.5G | MemoryMax t 1610612736
      MemoryMax | 10.M | MemoryMax t 10485760
      MemorySwapMax | 1K 1B | MemorySwapMax t 1025
      MemoryMax | " 64M" | MemoryMax t 67108864
      MemoryMax | "64M " | refused: a size such as
      MemoryMax | 1X | refused: a size such as
      MemoryMax | -1 | refused: a size such as
      MemoryMax | 18446744073709551615 | MemoryMax t 18446744073709551615
      MemoryMax | 18446744073709551616 | refused: a size such as
      MemoryMax | 16E | refused: a size such as
      MemoryMax | Infinity | refused: a size such as
      MemoryMax | infinity | MemoryMax t 18446744073709551615
      MemoryHigh | "" | MemoryHigh t 18446744073709551615
      MemorySwapMax | 1B | MemorySwapMax t 1
      MemoryLow | 18446744073709551615 | MemoryLow t 18446744073709551615
      IOReadBandwidthMax | /dev/vda 1M 500K | IOReadBandwidthMax a(st) [[/dev/vda, 1500000]]
      IOReadBandwidthMax | /dev/vda 10MB | refused: a base-1000 size
      IOWriteBandwidthMax | /dev/vda 18446744073709551615 | IOWriteBandwidthMax a(st) [[/dev/vda, 18446744073709551615]]
      # bus_cgroup_set_memory and its _scale (dbus-cgroup.c): MemoryMax and MemoryHigh at least 1.
      MemoryMax | 0 | refused: at least 1
      MemoryMax | 0% | refused: above 0%
      MemorySwapMax | 0 | MemorySwapMax t 0
      MemoryLow | 0% | MemoryLowScale u 0
      # safe_atou64 (bus_append_safe_atou64): base 0, so 0x hex and 0 octal; no suffixes.
      TasksMax | 0x10 | TasksMax t 16
      TasksMax | 010 | TasksMax t 8
      TasksMax | 1K | refused: an integer
      TasksMax | 18446744073709551615 | TasksMax t 18446744073709551615
      # bus_cgroup_set_tasks_max and _scale (dbus-cgroup.c): at least 1, a scale below 100%.
      TasksMax | 0 | refused: at least 1
      TasksMax | 100% | refused: below 100%
      # rlimit_parse (bus_append_execute_property): SOFT:HARD, each counted by safe_atou64 or
      # sized by parse_size, below RLIM_INFINITY unless spelled infinity.
      LimitNOFILE | : | refused: LIMIT or SOFT:HARD
      LimitNOFILE | 1024: | refused: LIMIT or SOFT:HARD
      LimitNOFILE | :1024 | refused: LIMIT or SOFT:HARD
      LimitNOFILE | 1:2:3 | refused: LIMIT or SOFT:HARD
      LimitNOFILE | 4096:1024 | refused: soft limit not above
      LimitNOFILE | 0x400 | LimitNOFILE t 1024; LimitNOFILESoft t 1024
      LimitNOFILE | 1024:infinity | LimitNOFILE t 18446744073709551615; LimitNOFILESoft t 1024
      LimitNOFILE | 18446744073709551615 | refused: LIMIT or SOFT:HARD
      LimitCORE | 1G 512M | LimitCORE t 1610612736; LimitCORESoft t 1610612736
      LimitCORE | 64MB | refused: LIMIT or SOFT:HARD
      # DeviceAllow (bus_cgroup_set_transient_property): valid_device_allow_pattern, no
      # whitespace in the path, access letters out of rwm; systemd-run splits at the first space.
      DeviceAllow | /dev/null rw | DeviceAllow a(ss) [[/dev/null, rw]]
      DeviceAllow | /dev/null | DeviceAllow a(ss) [[/dev/null, rwm]]
      DeviceAllow | char-pts rw | DeviceAllow a(ss) [[char-pts, rw]]
      DeviceAllow | block-loop r | DeviceAllow a(ss) [[block-loop, r]]
      DeviceAllow | /dev/../etc/passwd r | refused: normalized device node path
      DeviceAllow | /dev/./null r | refused: normalized device node path
      DeviceAllow | //dev/null r | refused: normalized device node path
      DeviceAllow | /dev/ r | refused: normalized device node path
      DeviceAllow | /etc/passwd r | refused: normalized device node path
      DeviceAllow | /dev/null x | refused: normalized device node path
      DeviceAllow | "/dev/null  rw" | refused: normalized device node path
      # DelegateSubgroup (bus_cgroup_set_transient_property): cg_needs_escape, filename_is_valid.
      DelegateSubgroup | init | DelegateSubgroup s init
      DelegateSubgroup | "a b" | DelegateSubgroup s a b
      DelegateSubgroup | a{256} | refused: at most 255 bytes
      DelegateSubgroup | .hidden | refused: a cgroup name
      DelegateSubgroup | cpu.x | refused: a cgroup name
      # Environment (bus_exec_context_set_transient_property): strv_env_is_valid, so
      # env_assignment_is_valid and no name twice.
      Environment | 1FOO=bar | refused: '1FOO=bar' is not one
      Environment | FOO-BAR=1 | refused: 'FOO-BAR=1' is not one
      Environment | =x | refused: '=x' is not one
      Environment | A=1 A=2 | refused: names one again
      Environment | "_A1='x y' B=" | Environment as [_A1=x y, B=]
      # rlimit_parse_sec, rlimit_parse_usec, rlimit_parse_nice: LimitCPU in whole seconds
      # (rounded up), LimitRTTIME in microseconds, LimitNICE as +N/-N nice levels or 0-40.
      LimitCPU | 1.5 | LimitCPU t 2; LimitCPUSoft t 2
      LimitCPU | 1K | refused: a time span
      LimitRTTIME | 1000 | LimitRTTIME t 1000; LimitRTTIMESoft t 1000
      LimitNICE | -5 | LimitNICE t 25; LimitNICESoft t 25
      LimitNICE | +20 | refused: a nice level
      LimitNICE | infinity | refused: a nice level
      # parse_sec (bus_append_parse_sec_rename): no size suffixes; months (M) and years; a
      # fraction may lack digits before its point, not after; a unit after spaces.
      TimeoutStartSec | 1K | refused: a time span
      TimeoutStartSec | 1M | TimeoutStartUSec t 2629800000000
      TimeoutStartSec | 1y 2months | TimeoutStartUSec t 36817200000000
      TimeoutStartSec | .5s | TimeoutStartUSec t 500000
      TimeoutStartSec | 5. min | refused: a time span
      TimeoutStartSec | 3.sec | refused: a time span
      TimeoutStartSec | "1.5 .5" | TimeoutStartUSec t 2000000
      TimeoutStartSec | 1m | TimeoutStartUSec t 60000000
      TimeoutStartSec | 1.2.3s | refused: a time span
      # Standard streams (bus_exec_context_set_transient_property): absolute, normalized file
      # paths; StandardInput has no append: form.
      StandardOutput | file:relative | refused: absolute, normalized path
      StandardInput | append:/tmp/x | refused: one of
      # Dependencies and Documentation (bus_unit_set_transient_property): unit_name_is_valid,
      # documentation_url_is_valid.
      After | nounitsuffix | refused: unit names
      Documentation | ftp://example.com | refused: URLs starting with
      # The manager's range checks (dbus-execute.c): sched_priority_is_valid, oom_score_adjust_is_valid.
      CPUSchedulingPriority | 100 | refused: an integer between 0 and 99
      OOMScoreAdjust | 1001 | refused: an integer between -1000 and 1000
      # RuntimeDirectory and friends: relative, normalized paths; PassEnvironment: variable names.
      RuntimeDirectory | /abs | refused: relative, normalized paths
      PassEnvironment | 1A | refused: variable names
      # bus_append_exec_command: the prefixes - @ : + ! !!, each once; then words as
      # extract_first_word splits them with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE; a flag beyond -
      # upgrades the property to its Ex form. No arguments sends no command, emptying the list.
      # The manager wants an absolute path or a file name (bus_set_transient_exec_command).
      ExecStartPre | /bin/true | ExecStartPre a(sasb) [[/bin/true, [/bin/true], false]]
      ExecStartPre | -/bin/false x | ExecStartPre a(sasb) [[/bin/false, [/bin/false, x], true]]
      ExecStartPre | "@/bin/true true-pre 'a b'" | ExecStartPre a(sasb) [[/bin/true, [true-pre, a b], false]]
      ExecStartPre | ":/bin/echo $HOME" | ExecStartPreEx a(sasas) [[/bin/echo, [/bin/echo, $HOME], [no-env-expand]]]
      ExecStartPre | -+/bin/true | ExecStartPreEx a(sasas) [[/bin/true, [/bin/true], [ignore-failure, privileged]]]
      ExecStartPre | !/bin/true | ExecStartPreEx a(sasas) [[/bin/true, [/bin/true], [no-setuid]]]
      ExecStartPre | !!/bin/true | ExecStartPreEx a(sasas) [[/bin/true, [/bin/true], [ambient]]]
      ExecStartPre | "/bin/echo a\\sb \\x41\\101 \\u00e9 \\"q\\"" | ExecStartPre a(sasb) [[/bin/echo, [/bin/echo, a b, AA, é, "q"], false]]
      ExecStartPre | true | ExecStartPre a(sasb) [[true, [true], false]]
      ExecStartPre | "" | ExecStartPre a(sasb) []
      ExecStartPre | - | ExecStartPre a(sasb) []
      ExecStartPre | @/bin/true | refused: after @ the executable and then its argv[0]
      ExecStart | "" | ExecStart a(sasb) []
      ExecStartPreEx | -/bin/true x | ExecStartPreEx a(sasas) [[/bin/true, [/bin/true, x], [ignore-failure]]]
      ExecStopPostEx | "" | ExecStopPostEx a(sasas) []
      ExecStartPre | +!/bin/true | refused: an absolute path or a file name
      ExecStartPre | "/bin/echo 'a" | refused: balanced quotes
      ExecStartPre | "/bin/echo \\q" | refused: C escapes
      ExecStartPre | "/bin/echo \\x00" | refused: C escapes
      ExecStartPre | "/bin/echo \\xff" | refused: UTF-8
      ExecStartPre | "/bin/echo a\\" | refused: no backslash at the end
      # SuccessExitStatus and friends (bus_append_service_property): exit_status_from_string
      # first (names, or safe_atou8 with 0x hex and 0 octal), else signal_from_string.
      SuccessExitStatus | 3 SIGUSR1 TEMPFAIL | SuccessExitStatus (aiai) [[3, 75], [10]]
      SuccessExitStatus | 0x10 64 | SuccessExitStatus (aiai) [[16, 64], []]
      SuccessExitStatus | "" | SuccessExitStatus (aiai) [[], []]
      RestartForceExitStatus | USR2 | RestartForceExitStatus (aiai) [[], [12]]
      SuccessExitStatus | 256 | refused: exit statuses 0-255
      RestartPreventExitStatus | SIGNOPE | refused: 'SIGNOPE' is none
      # SystemCallFilter, SystemCallLog, RestrictAddressFamilies (bus_append_execute_property): ~
      # first for a deny list; the manager checks errnos (parse_syscall_and_errno: none in an
      # allow list, at most 4095) and family names (af_from_name).
      SystemCallFilter | ~ptrace | SystemCallFilter (bas) [false, [ptrace]]
      SystemCallFilter | ~ptrace:EPERM mount:13 | SystemCallFilter (bas) [false, [ptrace:EPERM, mount:13]]
      SystemCallFilter | @system-service | SystemCallFilter (bas) [true, [@system-service]]
      SystemCallFilter | read:EPERM | refused: after ~ each with :ERRNO
      SystemCallFilter | ~ptrace:4096 | refused: after ~ each with :ERRNO
      SystemCallFilter | ~:EPERM | refused: after ~ each with :ERRNO
      SystemCallLog | ptrace | SystemCallLog (bas) [true, [ptrace]]
      RestrictAddressFamilies | AF_UNIX AF_INET | RestrictAddressFamilies (bas) [true, [AF_UNIX, AF_INET]]
      RestrictAddressFamilies | ~AF_PACKET | RestrictAddressFamilies (bas) [false, [AF_PACKET]]
      RestrictAddressFamilies | "" | RestrictAddressFamilies (bas) [true, []]
      RestrictAddressFamilies | none | refused: address family names
      RestrictAddressFamilies | af_unix | RestrictAddressFamilies (bas) [true, [af_unix]]
      # DisableControllers (bus_append_cgroup_property: words as they are); the manager wants
      # controller names (cgroup_controller_from_string). Empty resets.
      DisableControllers | cpu io | DisableControllers as [cpu, io]
      DisableControllers | "" | DisableControllers as []
      DisableControllers | cpu nope | refused: cgroup controller names
      DisableControllers | CPU | refused: cgroup controller names
      # ExecSearchPath (bus_append_execute_property: words); the manager wants absolute,
      # normalized paths without ':'.
      ExecSearchPath | /usr/bin /bin | ExecSearchPath as [/usr/bin, /bin]
      ExecSearchPath | bin | refused: absolute, normalized paths
      ExecSearchPath | /usr/bin:/bin | refused: absolute, normalized paths
      ExecSearchPath | /usr/../bin | refused: absolute, normalized paths
      # PrivateTmpEx, PrivateUsersEx, ProtectControlGroupsEx (257, strings): a boolean or a mode.
      PrivateTmpEx | disconnected | PrivateTmpEx s disconnected
      PrivateTmpEx | on | PrivateTmpEx s yes
      PrivateTmpEx | maybe | refused: yes, no
      PrivateUsersEx | identity | PrivateUsersEx s identity
      PrivateUsersEx | full | refused: yes, no
      ProtectControlGroupsEx | strict | ProtectControlGroupsEx s strict
      ProtectControlGroupsEx | read-only | refused: yes, no
      # AppArmorProfile, SmackProcessLabel (bus_append_execute_property): - first to go on when
      # it cannot be applied, sent as (bs).
      AppArmorProfile | -confine | AppArmorProfile (bs) [true, confine]
      AppArmorProfile | confine | AppArmorProfile (bs) [false, confine]
      SmackProcessLabel | -_ | SmackProcessLabel (bs) [true, _]
      # SecureBits (secure_bits_from_string): words ORed by bit.
      SecureBits | keep-caps noroot | SecureBits i 17
      SecureBits | "" | SecureBits i 0
      # LogNamespace (bus_append_string); the manager wants log_namespace_name_valid. (A good
      # name makes the unit need systemd-journald@NAME.socket, which a user manager lacks.)
      LogNamespace | a/b | refused: a namespace name
      LogNamespace | a*b | refused: a namespace name
      # NetworkNamespacePath, IPCNamespacePath, RootVerity, USBFunction* (bus_set_transient_path):
      # absolute paths; empty resets.
      NetworkNamespacePath | /proc/1/ns/net | NetworkNamespacePath s /proc/1/ns/net
      NetworkNamespacePath | proc/1/ns/net | refused: a normalized absolute path, or empty
      IPCNamespacePath | /proc/1/ns/ipc | IPCNamespacePath s /proc/1/ns/ipc
      USBFunctionStrings | strings | refused: a normalized absolute path, or empty
      # IPIngressFilterPath, IPEgressFilterPath (dbus-cgroup.c): normalized absolute paths. (An
      # accepted one fails the start without a program pinned there: PropertyGrammarTest.)
      IPEgressFilterPath | /sys/fs/bpf/../confine | refused: absolute, normalized paths
      # DefaultMemoryMin/Low: as MemoryMin/Low; empty is no protection (CGROUP_LIMIT_MIN).
      DefaultMemoryMin | "" | DefaultMemoryMin t 0
      DefaultMemoryLow | 10% | DefaultMemoryLowScale u 429496730
      # Conditions and asserts: bus_append_unit_property takes | (trigger) then ! (negate) and
      # skips nothing; bus_set_transient_conditions wants a parameter, absolute where the type
      # takes a path, and checks nothing else until the start. Empty clears the whole list.
      ConditionPathExists | / | Conditions a(sbbs) [[ConditionPathExists, false, false, /]]
      ConditionPathExists | |!/confine-no-such-file | Conditions a(sbbs) [[ConditionPathExists, true, true, /confine-no-such-file]]
      ConditionPathExists | !|/ | refused: [|][!]PATH with an absolute PATH
      ConditionPathExists | " /" | refused: [|][!]PATH with an absolute PATH
      ConditionNeedsUpdate | etc | refused: [|][!]PATH with an absolute PATH
      ConditionUser | |! | refused: [|][!]PARAMETER with a non-empty PARAMETER
      ConditionUser | !root | Conditions a(sbbs) [[ConditionUser, false, true, root]]
      ConditionMemory | >=1 | Conditions a(sbbs) [[ConditionMemory, false, false, >=1]]
      ConditionCPUPressure | 99% | Conditions a(sbbs) [[ConditionCPUPressure, false, false, 99%]]
      AssertPathIsDirectory | / | Asserts a(sbbs) [[AssertPathIsDirectory, false, false, /]]
      AssertCredential | |!confine-no-such-credential | Asserts a(sbbs) [[AssertCredential, true, true, confine-no-such-credential]]
      AssertPathExists | "" | Asserts a(sbbs) []
      # JobRunningTimeoutSec: the manager takes it (JobTimeoutSec it refuses: unit-file only).
      JobRunningTimeoutSec | 5min | JobRunningTimeoutUSec t 300000000
      # RootDirectory and RootImage (bus_set_transient_path): absolute; the manager answers a
      # path with .. "Access denied".
      RootDirectory | /srv | RootDirectory s /srv
      RootDirectory | /srv/../srv | refused: a normalized absolute path
      RootDirectory | srv | refused: a normalized absolute path
      RootImage | disk.raw | refused: a normalized absolute path
      # RootHash (bus_append_execute_property): path_is_absolute sends RootHashPath, anything else
      # goes through unhexmem (whitespace skipped, even inside a byte) and must give 16 bytes.
      # Without RootImage= the manager keeps it unused, so the start goes on. The path is only
      # checked to be absolute (bus_set_transient_path; no mount dependency refuses .. here).
      RootHash | 00112233445566778899aabbccddeeff | RootHash ay 0x00112233445566778899aabbccddeeff
      RootHash | "0011 2233 4455 6677 8899 AABB CCDD EEF F" | RootHash ay 0x00112233445566778899aabbccddeeff
      RootHash | /confine-no-such.roothash | RootHashPath s /confine-no-such.roothash
      RootHash | /srv/../confine.roothash | RootHashPath s /srv/../confine.roothash
      RootHash | 00112233445566778899aabbccddee | refused: it is too short
      RootHash | "" | refused: it is too short
      RootHash | 00112233445566778899aabbccddeeff0 | refused: it is not hex
      RootHash | confine.roothash | refused: it is not hex
      # RootHashSignature (bus_append_execute_property): path_is_absolute sends
      # RootHashSignaturePath, else base64: and unbase64mem; base64: alone sends no bytes (resets).
      RootHashSignature | /confine-no-such.p7s | RootHashSignaturePath s /confine-no-such.p7s
      RootHashSignature | base64:aGk= | RootHashSignature ay 0x6869
      RootHashSignature | base64: | RootHashSignature ay 0x
      RootHashSignature | aGk= | refused: or base64: and the signature
      RootHashSignature | "" | refused: or base64: and the signature
      RootHashSignature | base64:aGk | refused: base64 data
      # RootImageOptions (strv_split_colon_pairs): words as EXTRACT_UNQUOTE|EXTRACT_RETAIN_ESCAPE
      # splits them, each cut at runs of ':' into at most two parts, C escapes and \\: resolved;
      # a lone OPTIONS is root's. bus_read_mount_options: partition_designator_from_string, no
      # whitespace in the options. Without RootImage= the manager keeps them unused.
      RootImageOptions | ro | RootImageOptions a(ss) [[root, ro]]
      RootImageOptions | usr:ro,nosuid home:noexec | RootImageOptions a(ss) [[usr, ro,nosuid], [home, noexec]]
      RootImageOptions | root:ro\\:x | RootImageOptions a(ss) [[root, ro:x]]
      RootImageOptions | ::ro: | RootImageOptions a(ss) [[root, ro]]
      RootImageOptions | "" | RootImageOptions a(ss) []
      RootImageOptions | root:ro:nodev | refused: has more than two parts
      RootImageOptions | foo:ro | refused: 'foo' is not a partition
      RootImageOptions | ROOT:ro | refused: 'ROOT' is not a partition
      RootImageOptions | "'root:ro nodev'" | refused: mount options without whitespace
      RootImageOptions | root:\\q | refused: C escapes
      RootImageOptions | root:ro\\ | refused: C escapes
      # MountImages (bus_append_execute_property): words as above, each [-]SOURCE:DESTINATION then
      # PARTITION:OPTIONS pairs, runs of ':' separating; the manager wants absolute, normalized
      # paths and bus_read_mount_options. (Accepted images: PropertyGrammarTest.)
      MountImages | "" | MountImages a(ssba(ss)) []
      MountImages | :: | MountImages a(ssba(ss)) []
      MountImages | /confine.raw | refused: has no PATH after ':'
      MountImages | - | refused: has no PATH after ':'
      MountImages | confine.raw:/mnt | refused: absolute, normalized paths; 'confine.raw'
      MountImages | /confine.raw:mnt | refused: absolute, normalized paths; 'mnt'
      MountImages | /srv/../confine.raw:/mnt | refused: absolute, normalized paths
      MountImages | -/confine.raw:/mnt:foo:ro | refused: 'foo' is not a partition
      MountImages | "'/confine.raw:/mnt:root:ro nodev'" | refused: mount options without whitespace
      MountImages | /confine.raw:/mnt:\\q | refused: C escapes
      MountImages | "/confine\\ x.raw:/mnt" | refused: C escapes
      MountImages | "/confine.raw:/mnt 'x" | refused: balanced quotes
      # ExtensionImages (bus_append_execute_property): as MountImages, without a destination.
      ExtensionImages | "" | ExtensionImages a(sba(ss)) []
      ExtensionImages | confine.raw | refused: absolute, normalized paths
      ExtensionImages | - | refused: absolute, normalized paths
      ExtensionImages | /confine.raw:ro:usr:noexec | refused: 'ro' is not a partition
      # RootImagePolicy, MountImagePolicy, ExtensionImagePolicy (254; bus_append_string): the
      # manager's image_policy_from_string: -, *, ~ or PARTITION=FLAGS rules split at every ':',
      # then at the first '=', FLAGS at every '+', a backslash taking the next character at each
      # split, names stripped of whitespace; a partition and the default once each. Unused
      # without images.
      RootImagePolicy | * | RootImagePolicy s *
      MountImagePolicy | ~ | MountImagePolicy s ~
      ExtensionImagePolicy | - | ExtensionImagePolicy s -
      RootImagePolicy | root=verity+signed:usr=encrypted:=absent | RootImagePolicy s root=verity+signed:usr=encrypted:=absent
      RootImagePolicy | "root = verity + signed" | RootImagePolicy s root = verity + signed
      MountImagePolicy | root=-:root-verity=unprotected | MountImagePolicy s root=-:root-verity=unprotected
      ExtensionImagePolicy | ro\\ot=ver\\ity | ExtensionImagePolicy s ro\\ot=ver\\ity
      RootImagePolicy | root=bogus | refused: 'bogus' is not a flag
      RootImagePolicy | root=verity+ | refused: '' is not a flag
      RootImagePolicy | root-secondary=verity | refused: 'root-secondary' is not a partition
      MountImagePolicy | root=verity:root=signed | refused: 'root' has two rules
      MountImagePolicy | =open:=absent | refused: the default (no PARTITION) has two rules
      ExtensionImagePolicy | root | refused: 'root' has no '='
      ExtensionImagePolicy | root=verity: | refused: '' has no '='
      ExtensionImagePolicy | " *" | refused: ' *' has no '='
      ExtensionImagePolicy | root=verity\\ | refused: a backslash ends a part
      # OpenFile (open_file_parse, open_file_validate): up to three ':'-separated parts with C
      # escapes; the descriptor name defaults to the file name; one of read-only, append, truncate.
      OpenFile | /etc/hostname:host:read-only | OpenFile a(sst) [[/etc/hostname, host, 1]]
      OpenFile | /etc/hostname | OpenFile a(sst) [[/etc/hostname, hostname, 0]]
      OpenFile | /etc/hostname::graceful,read-only | OpenFile a(sst) [[/etc/hostname, hostname, 9]]
      OpenFile | /etc/hostname:host:read-only,append | refused: PATH[:FDNAME[:FLAGS]]
      OpenFile | /etc/hostname:host:rw | refused: PATH[:FDNAME[:FLAGS]]
      OpenFile | /etc/hostname:a:b:c | refused: PATH[:FDNAME[:FLAGS]]
      OpenFile | /etc/hostname:a\\x3ab | refused: PATH[:FDNAME[:FLAGS]]
      OpenFile | etc/hostname | refused: PATH[:FDNAME[:FLAGS]]
      OpenFile | / | refused: PATH[:FDNAME[:FLAGS]]
      OpenFile | "" | refused: PATH[:FDNAME[:FLAGS]]
      # ImportCredential (credential_glob_valid): a name or PREFIX*; 257's manager refuses 258's
      # GLOB:NEWNAME.
      ImportCredential | confine* | ImportCredential as [confine*]
      ImportCredential | con*fine | refused: a credential name, PREFIX* or *
      ImportCredential | confine*:renamed | refused: a credential name, PREFIX* or *
      ImportCredential | confine:a:b | refused: a credential name, PREFIX* or *
      # SetCredential (cunescape with NUL) and SetCredentialEncrypted (unbase64mem); the manager
      # wants credential_name_valid IDs.
      SetCredential | id:a\\x00b\\n | SetCredential a(say) [[id, 0x6100620a]]
      SetCredential | id: | SetCredential a(say) [[id, 0x]]
      SetCredential | id:\\q | refused: C escapes
      SetCredential | id | refused: ID:DATA
      SetCredential | a/b:x | refused: ID:DATA
      SetCredentialEncrypted | id:aGk | refused: base64 data
      # LoadCredential: the source is a normalized absolute path or a name. (Accepted values whose
      # start fails without such a credential, ID alone and the encrypted ones: PropertyGrammarTest.)
      LoadCredential | id: | refused: ID:PATH with a credential name ID
      LoadCredential | id:/etc/../etc/hostname | refused: ID:PATH with a credential name ID
      LoadCredential | "" | LoadCredential a(ss) []
      # StandardInputData (unbase64mem): whitespace skipped, padding required, no stray bits.
      StandardInputData | "aGkK" | StandardInputData ay 0x68690a
      StandardInputData | "aG kK" | StandardInputData ay 0x68690a
      StandardInputData | aGk | refused: base64 data
      StandardInputData | aGl= | refused: base64 data
      # StandardInputText (cunescape without NUL); systemd-run refuses every value up to 258, the
      # good ones by the manager (no such property): PropertyGrammarTest has what confine sends.
      StandardInputText | a\\q | refused: C escapes
      StandardInputText | a\\x00 | refused: but no NUL
      StandardInputText | a\\ | refused: C escapes
      # cgroup v1 names (bus_append_cgroup_property): cg_cpu_shares_parse 2-262144 and
      # cg_blkio_weight_parse 10-1000, empty for the default; MemoryLimit as MemoryMax, at least
      # 1; the BlockIO device settings as their IO twins, the weight checked by the manager.
      CPUShares | 512 | CPUShares t 512
      CPUShares | 1 | refused: an integer between 2 and 262144
      CPUShares | 262145 | refused: an integer between 2 and 262144
      StartupCPUShares | "" | StartupCPUShares t 18446744073709551615
      BlockIOWeight | 1000 | BlockIOWeight t 1000
      BlockIOWeight | 5 | refused: an integer between 10 and 1000
      StartupBlockIOWeight | 10 | StartupBlockIOWeight t 10
      BlockIODeviceWeight | /dev/vda 500 | BlockIODeviceWeight a(st) [[/dev/vda, 500]]
      BlockIODeviceWeight | /dev/vda 5 | refused: a weight from 10 to 1000
      BlockIOReadBandwidth | /dev/vda 1M | BlockIOReadBandwidth a(st) [[/dev/vda, 1000000]]
      BlockIOWriteBandwidth | /dev/vda | refused: an absolute device path
      BlockIOAccounting | yes | BlockIOAccounting b true
      MemoryLimit | 100M | MemoryLimit t 104857600
      MemoryLimit | 0 | refused: at least 1
      MemoryLimit | 10% | MemoryLimitScale u 429496730
      # Markers (bus_unit_set_live_property): unit_marker_from_string; + and - not mixed with
      # plain marks ("Bad marker syntax.").
      Markers | needs-restart | Markers as [needs-restart]
      Markers | +needs-reload -needs-restart | Markers as [+needs-reload, -needs-restart]
      Markers | needs-restart +needs-reload | refused: marks all with + or -
      Markers | needs-nothing | refused: needs-reload or needs-restart
      # StartLimitBurst and StartLimitIntervalSec: [Unit] settings, scopes take them too.
      StartLimitBurst | 7 | StartLimitBurst u 7
      StartLimitIntervalSec | 20s | StartLimitIntervalUSec t 20000000
      # BPFProgram (bus_append_cgroup_property): extract_first_word with ':' and no flags, so
      # leading and repeated ':' skipped and a backslash taking the next character; the manager
      # wants bpf_cgroup_attach_type_from_string's names and a normalized absolute path. (An
      # accepted one needs a program pinned there: PropertyGrammarTest.)
      BPFProgram | "" | BPFProgram a(ss) []
      BPFProgram | egres:/sys/fs/bpf/confine | refused: TYPE:PATH with TYPE one of
      BPFProgram | Egress:/sys/fs/bpf/confine | refused: TYPE:PATH with TYPE one of
      BPFProgram | egress | refused: TYPE:PATH with TYPE one of
      BPFProgram | egress: | refused: TYPE:PATH with TYPE one of
      BPFProgram | egress:sys/fs/bpf/confine | refused: TYPE:PATH with TYPE one of
      BPFProgram | egress:/sys/fs/bpf/../confine | refused: TYPE:PATH with TYPE one of
      BPFProgram | :: | refused: TYPE:PATH with TYPE one of
      BPFProgram | egress\\ | refused: TYPE:PATH with TYPE one of
      # SocketBindAllow, SocketBindDeny (parse_socket_bind_item): ':'-separated tokens tried as
      # family, protocol, ports in turn, each at most once; a backslash takes the next character.
      # Ports as parse_range and safe_atou read them. The manager refuses ranges from port 0 (252's
      # systemd-run already refuses port 0).
      SocketBindAllow | 80 | SocketBindAllow a(iiqq) [[0, 0, 1, 80]]
      SocketBindDeny | ipv6:tcp:1-1023 | SocketBindDeny a(iiqq) [[10, 6, 1023, 1]]
      SocketBindDeny | any | SocketBindDeny a(iiqq) [[0, 0, 0, 0]]
      SocketBindAllow | ipv4 | SocketBindAllow a(iiqq) [[2, 0, 0, 0]]
      SocketBindAllow | ipv4:udp | SocketBindAllow a(iiqq) [[2, 17, 0, 0]]
      SocketBindAllow | udp:53 | SocketBindAllow a(iiqq) [[0, 17, 1, 53]]
      SocketBindAllow | 0x50 | SocketBindAllow a(iiqq) [[0, 0, 1, 80]]
      SocketBindDeny | 1-65535 | SocketBindDeny a(iiqq) [[0, 0, 65535, 1]]
      SocketBindAllow | ipv\\4:80 | SocketBindAllow a(iiqq) [[2, 0, 1, 80]]
      SocketBindAllow | "" | SocketBindAllow a(iiqq) []
      SocketBindAllow | 0 | refused: ports from 1 to 65535
      SocketBindAllow | 65536 | refused: ports from 1 to 65535
      SocketBindAllow | 90-80 | refused: ports from 1 to 65535
      SocketBindAllow | 80- | refused: ports from 1 to 65535
      SocketBindAllow | tcp:ipv4 | refused: [ipv4|ipv6:][tcp|udp:]
      SocketBindAllow | 80:tcp | refused: [ipv4|ipv6:][tcp|udp:]
      SocketBindAllow | ipv4:ipv6 | refused: [ipv4|ipv6:][tcp|udp:]
      SocketBindAllow | ipv4:tcp:80:81 | refused: [ipv4|ipv6:][tcp|udp:]
      SocketBindAllow | ipv4: | refused: [ipv4|ipv6:][tcp|udp:]
      SocketBindAllow | :80 | refused: [ipv4|ipv6:][tcp|udp:]
      SocketBindAllow | TCP:80 | SocketBindAllow a(iiqq) [[0, 6, 1, 80]]
      SocketBindAllow | IPv4:80 | refused: [ipv4|ipv6:][tcp|udp:]
      SocketBindAllow | "80 443" | refused: [ipv4|ipv6:][tcp|udp:]
      # NFTSet (bus_append_nft_set, 255): words with quotes removed and backslashes kept, each
      # SOURCE:FAMILY:TABLE:SET (runs of ':' count as one) with C escapes; sources cgroup, user,
      # group; nfproto names; nft_identifier_valid names. The manager goes on when a set is
      # missing (it warns), and a user manager does not touch nftables.
      NFTSet | cgroup:inet:filter:confine | NFTSet a(iiss) [[3, 1, filter, confine]]
      NFTSet | "user:ip6:t1:s_1 group:bridge:T/x:a.b" | NFTSet a(iiss) [[4, 10, t1, s_1], [5, 7, T/x, a.b]]
      NFTSet | ::cgroup::netdev:t:s: | NFTSet a(iiss) [[3, 5, t, s]]
      NFTSet | "'cgroup:arp:t:s'" | NFTSet a(iiss) [[3, 3, t, s]]
      NFTSet | cgroup:ip:\\x74:s | NFTSet a(iiss) [[3, 2, t, s]]
      NFTSet | "" | NFTSet a(iiss) []
      NFTSet | address:inet:t:s | refused: SOURCE:FAMILY:TABLE:SET words
      NFTSet | CGROUP:inet:t:s | refused: SOURCE:FAMILY:TABLE:SET words
      NFTSet | cgroup:ipv4:t:s | refused: SOURCE:FAMILY:TABLE:SET words
      NFTSet | cgroup:inet:t | refused: SOURCE:FAMILY:TABLE:SET words
      NFTSet | cgroup:inet:t:s:x | refused: SOURCE:FAMILY:TABLE:SET words
      NFTSet | cgroup:inet:1t:s | refused: SOURCE:FAMILY:TABLE:SET words
      NFTSet | cgroup:inet:t:s-1 | refused: SOURCE:FAMILY:TABLE:SET words
      NFTSet | cgroup:inet:t:abcdefghijklmnopqrstuvwxyzABCDEF | refused: SOURCE:FAMILY:TABLE:SET words
      NFTSet | cgroup:inet:t:s\\q | refused: C escapes
      # RestrictNetworkInterfaces (bus_append_execute_property, so systemd-run takes it for
      # services only; the manager takes it for scopes too): words, ~ first for a deny list. The
      # manager skips a name that ifname_valid refuses, with a warning (confine refuses it:
      # PropertyGrammarTest); 252's takes at most 15 bytes, 257's alternative names too.
      RestrictNetworkInterfaces | lo | RestrictNetworkInterfaces (bas) [true, [lo]]
      RestrictNetworkInterfaces | ~eth0 wlan0 | RestrictNetworkInterfaces (bas) [false, [eth0, wlan0]]
      RestrictNetworkInterfaces | enp0s31f6-altname | RestrictNetworkInterfaces (bas) [true, [enp0s31f6-altname]]
      RestrictNetworkInterfaces | -1 | RestrictNetworkInterfaces (bas) [true, [-1]]
      RestrictNetworkInterfaces | "" | RestrictNetworkInterfaces (bas) [true, []]
      RestrictNetworkInterfaces | ~ | RestrictNetworkInterfaces (bas) [false, []]
      RestrictNetworkInterfaces | "'lo" | refused: balanced quotes
      # RestrictFileSystems (bus_append_execute_property): words, ~ first for a deny list; the
      # manager takes any name and skips unknown ones, groups at once, names at the start.
      RestrictFileSystems | ~xfs @network | RestrictFileSystems (bas) [false, [xfs, @network]]
      RestrictFileSystems | ~confinefs @confine | RestrictFileSystems (bas) [false, [confinefs, @confine]]
      RestrictFileSystems | "" | RestrictFileSystems (bas) [true, []]
      RestrictFileSystems | "'xfs" | refused: balanced quotes
      # SystemCallErrorNumber (seccomp_parse_errno_or_action): kill, errno_from_name (exact
      # spelling, aliases too), else safe_atoi; the manager takes 1-4095 and kill only, not the 0
      # systemd-run lets through. 257 has no log action.
      SystemCallErrorNumber | EPERM | SystemCallErrorNumber i 1
      SystemCallErrorNumber | EWOULDBLOCK | SystemCallErrorNumber i 11
      SystemCallErrorNumber | ENOTSUP | SystemCallErrorNumber i 95
      SystemCallErrorNumber | 4095 | SystemCallErrorNumber i 4095
      SystemCallErrorNumber | 0x10 | SystemCallErrorNumber i 16
      SystemCallErrorNumber | kill | SystemCallErrorNumber i 2147483646
      SystemCallErrorNumber | 0 | refused: an errno name such as EPERM
      SystemCallErrorNumber | 4096 | refused: an errno name such as EPERM
      SystemCallErrorNumber | -1 | refused: an errno name such as EPERM
      SystemCallErrorNumber | eperm | SystemCallErrorNumber i 1
      SystemCallErrorNumber | KILL | refused: an errno name such as EPERM
      SystemCallErrorNumber | EFOO | refused: an errno name such as EPERM
      SystemCallErrorNumber | log | refused: an errno name such as EPERM
      SystemCallErrorNumber | "" | refused: an errno name such as EPERM
      # TimerSlackNSec (bus_append_parse_nsec): parse_nsec, a bare number in nanoseconds;
      # infinity leaves the inherited slack. No empty value.
      TimerSlackNSec | 50us | TimerSlackNSec t 50000
      TimerSlackNSec | "50 us" | TimerSlackNSec t 50000
      TimerSlackNSec | 500 | TimerSlackNSec t 500
      TimerSlackNSec | 1.5us | TimerSlackNSec t 1500
      TimerSlackNSec | 1ms 20ns | TimerSlackNSec t 1000020
      TimerSlackNSec | 0 | TimerSlackNSec t 0
      TimerSlackNSec | infinity | TimerSlackNSec t 18446744073709551615
      TimerSlackNSec | "" | refused: a time span such as 50us
      TimerSlackNSec | 1x | refused: a time span such as 50us
      TimerSlackNSec | -1 | refused: a time span such as 50us
      # LogFilterPatterns (253, bus_append_execute_property): the whole value, ~ first for a deny
      # pattern. The manager skips an empty pattern, and resets the lists when a call leaves
      # them empty: confine sends that as no pattern at all. The manager refuses a pattern
      # PCRE2 does not compile; confine refuses the plain mistakes (FilterValues.regexMistake).
      LogFilterPatterns | foo | LogFilterPatterns a(bs) [[true, foo]]
      LogFilterPatterns | ~foo | LogFilterPatterns a(bs) [[false, foo]]
      LogFilterPatterns | "^a.* b$" | LogFilterPatterns a(bs) [[true, ^a.* b$]]
      LogFilterPatterns | ~~x | LogFilterPatterns a(bs) [[false, ~x]]
      LogFilterPatterns | "" | LogFilterPatterns a(bs) []
      LogFilterPatterns | ~ | LogFilterPatterns a(bs) []
      LogFilterPatterns | [a | refused: a regular expression (a [ without its ]
      LogFilterPatterns | ~(a | refused: a regular expression (a ( without its )
      LogFilterPatterns | a) | refused: a regular expression (a ) without its (
      LogFilterPatterns | *a | refused: a regular expression (a * with nothing before it to repeat
      LogFilterPatterns | {x[y | refused: a regular expression (a [ without its ]
      LogFilterPatterns | []a] | LogFilterPatterns a(bs) [[true, []a]]]
      LogFilterPatterns | [[:alpha:]]+ | LogFilterPatterns a(bs) [[true, [[:alpha:]]+]]
      LogFilterPatterns | (?i)a*?b++ | LogFilterPatterns a(bs) [[true, (?i)a*?b++]]
      LogFilterPatterns | \\Q(\\E | LogFilterPatterns a(bs) [[true, \\Q(\\E]]
      """;

  static List<Row> rows() {
    return ROWS.lines().filter(line -> !line.isBlank() && !line.trim().startsWith("#"))
        .map(line -> line.trim().split(" \\| ", 3))
        .map(fields -> new Row(fields[0], unquoted(fields[1]), fields[2]))
        .toList();
  }

  private static String unquoted(String value) {
    Matcher repeated = Pattern.compile("(.)\\{(\\d+)\\}").matcher(value);
    if (repeated.matches()) {
      return repeated.group(1).repeat(Integer.parseInt(repeated.group(2)));
    }
    return value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
  }

  /** What confine sends for a value, in the rows' notation. */
  static String wire(List<Assignment> assignments) {
    return assignments.stream()
        .map(a -> a.name() + " " + a.signature() + " " + WireValues.text(a.value(), a.signature()))
        .collect(Collectors.joining("; "));
  }

  /**
   * Properties the manager takes on scopes that systemd-run parses for services only: it reads
   * them with the exec settings (bus_append_execute_property).
   */
  private static final Set<String> SYSTEMD_RUN_PARSES_FOR_SERVICES =
      Set.of("RestrictNetworkInterfaces");

  /**
   * The unit type a row is tried on: a scope when scopes take the property and systemd-run
   * parses it for them, else a service.
   */
  static UnitType typeFor(Row row) {
    return PropertyTable.require(row.property()).types().contains(UnitType.SCOPE)
        && !SYSTEMD_RUN_PARSES_FOR_SERVICES.contains(row.property())
        ? UnitType.SCOPE : UnitType.SERVICE;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void confineGivesSystemdsVerdict(Row row) {
    if (row.accepted()) {
      assertEquals(row.verdict(), wire(PropertyTable.parseAssignment(row.property(), row.value(), typeFor(row))));
      return;
    }
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
        () -> PropertyTable.parseAssignment(row.property(), row.value(), typeFor(row)));
    String expected = row.verdict().substring("refused: ".length());
    assertTrue(e.getMessage().startsWith("invalid value for " + row.property() + ": '" + row.value() + "' (expected "),
        e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
