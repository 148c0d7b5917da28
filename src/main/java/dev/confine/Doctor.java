package dev.confine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.freedesktop.dbus.types.Variant;

/**
 * Whether confine can do its work with a manager on this machine, as {@code confine doctor}
 * reports it: cgroup v2, the manager's bus, the systemd version, the cgroup controllers the
 * manager can give its units, and on the system bus whether systemd lets this user start
 * confine's scopes. It runs when nothing else does, e.g. when the bus cannot be reached.
 *
 * <pre>{@code
 * for (Doctor.Check check : Doctor.check(Manager.USER)) {
 *   if (check.verdict() != Doctor.Verdict.PASS) {
 *     System.err.println(check.finding() + "; fix: " + check.fix().orElse("-"));
 *   }
 * }
 * }</pre>
 */
public final class Doctor {
  /** How a check came out: FAIL means confine cannot work, or some limits would not be enforced. */
  public enum Verdict {
    PASS,
    WARN,
    FAIL
  }

  /**
   * One check.
   *
   * @param name what was checked: {@code cgroup}, {@code bus}, {@code systemd}, {@code controllers},
   *     {@code authorization} or {@code polkit}
   * @param verdict how it came out
   * @param finding what was found
   * @param fix what to do; empty when the check passed
   */
  public record Check(String name, Verdict verdict, String finding, Optional<String> fix) {}

  private static final String POLKIT = "org.freedesktop.PolicyKit1";
  private static final String POLKIT_AUTHORITY_PATH = "/org/freedesktop/PolicyKit1/Authority";
  private static final String POLKIT_AUTHORITY = "org.freedesktop.PolicyKit1.Authority";
  private static final String DELEGATE_INSTEAD = "or run the work in a system service with Delegate=yes, which"
      + " manages its own subtree and needs no polkit (see units/README.md in confine's sources)";

  private Doctor() {}

  /** Runs every check that applies to {@code manager}; those that need its bus only when it answers. */
  public static List<Check> check(Manager manager) {
    List<Check> checks = new ArrayList<>();
    checks.add(cgroupV2(readOrEmpty(Path.of("/proc/self/mounts"))));
    List<BusDiagnosis.Cause> causes = BusDiagnosis.causes(manager);
    if (!causes.isEmpty()) {
      checks.add(fail("bus", "cannot reach the " + manager.description() + ": "
              + causes.stream().map(BusDiagnosis.Cause::finding).collect(Collectors.joining("; ")),
          causes.stream().map(BusDiagnosis.Cause::fix).collect(Collectors.joining("; "))));
      return checks;
    }
    Systemd systemd;
    String address;
    try {
      address = SystemdBus.defaultAddress(manager);
      systemd = Systemd.connect(manager, address);
    } catch (SystemdException e) {
      checks.add(fail("bus", e.getMessage(), BusDiagnosis.usualNeeds(manager)));
      return checks;
    }
    try (systemd) {
      String version;
      try {
        version = systemd.version();
      } catch (SystemdException e) {
        checks.add(fail("bus", e.getMessage(), BusDiagnosis.usualNeeds(manager)));
        return checks;
      }
      long uid = new com.sun.security.auth.module.UnixSystem().getUid();
      checks.add(pass("bus", "the " + manager.description() + " answers on " + address));
      checks.add(version(manager, systemd.majorVersion(), version));
      checks.add(controllers(manager, systemd));
      if (manager == Manager.SYSTEM) {
        checks.add(authorization(systemd, uid, System.getProperty("user.name")));
        checks.add(polkit(systemd, uid == 0));
      }
    }
    return checks;
  }

  /** cgroup v2 alone at /sys/fs/cgroup, from the lines of /proc/self/mounts. */
  static Check cgroupV2(List<String> mounts) {
    String root = null;
    boolean unified = false;
    for (String line : mounts) {
      String[] fields = line.split(" ");
      if (fields.length > 2 && fields[1].equals("/sys/fs/cgroup")) {
        root = fields[2];
      } else if (fields.length > 2 && fields[1].equals("/sys/fs/cgroup/unified") && fields[2].equals("cgroup2")) {
        unified = true;
      }
    }
    if ("cgroup2".equals(root)) {
      return pass("cgroup", "cgroup v2 (the unified hierarchy) is mounted at /sys/fs/cgroup");
    }
    String found = root == null ? "nothing is mounted at /sys/fs/cgroup"
        : unified ? "the hybrid hierarchy is mounted: cgroup v1 at /sys/fs/cgroup, v2 only at /sys/fs/cgroup/unified"
        : "cgroup v1 (the legacy hierarchy) is mounted at /sys/fs/cgroup";
    return fail("cgroup", found + "; confine needs cgroup v2",
        "boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line, or use a release where cgroup"
            + " v2 is the default (Debian 11, Ubuntu 21.10, Fedora 31, RHEL 9 and later)");
  }

  /** The version, and what confine can do with it under {@code manager}. */
  static Check version(Manager manager, int major, String version) {
    List<String> notes = new ArrayList<>();
    notes.add(major >= 254 ? "DelegateSubgroup= works for scopes (254 and later)"
        : "no DelegateSubgroup= (it needs 254; confine moves the processes into the subgroup itself)");
    if (manager == Manager.SYSTEM) {
      notes.add(major >= 257 ? "polkit is told which unit a transient start creates (257 and later)"
          : "polkit is not told which unit a transient start creates (that needs 257), so polkit rules cannot"
              + " grant confine's scopes");
    }
    return pass("systemd", "systemd " + major + " (" + version + "): " + String.join("; ", notes));
  }

  private static Check controllers(Manager manager, Systemd systemd) {
    Path cgroup;
    Instant started;
    try {
      cgroup = systemd.managerCgroup();
      started = UserDelegation.instant(systemd.bus().property(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER,
          "UserspaceTimestamp"));
    } catch (SystemdException e) {
      return warn("controllers", "cannot ask the manager for its cgroup: " + e.getMessage(),
          "run confine doctor again; systemd may have been busy");
    }
    Optional<Set<String>> kernel = new CgroupFiles(CgroupFiles.ROOT).controllers();
    Optional<Set<String>> holder = new CgroupFiles(cgroup).controllers();
    if (kernel.isEmpty() || holder.isEmpty()) {
      return warn("controllers", "cannot read " + (kernel.isEmpty() ? CgroupFiles.ROOT : cgroup)
              + "/cgroup.controllers", "run confine doctor on the machine of the manager, with cgroup v2");
    }
    return controllers(manager, Enforcement.holder(cgroup), kernel.get(), holder.get(),
        manager == Manager.USER ? UserDelegation.installedAt() : Optional.empty(), started);
  }

  /**
   * The limit controllers the kernel offers against those {@code holder} (the manager's cgroup)
   * has: a missing one means systemd would accept its limits and enforce nothing. A manager knows
   * its controllers from its start on, so one that {@code started} before confine's drop-in was
   * installed ({@code dropIn}) lacks them too, even where its cgroup has them (systemd 252 adds them
   * to the cgroup on reload).
   */
  static Check controllers(Manager manager, String holder, Set<String> kernel, Set<String> available,
      Optional<Instant> dropIn, Instant started) {
    Set<String> missing = sorted(Enforcement.LIMIT_CONTROLLERS, c -> kernel.contains(c) && !available.contains(c));
    Set<String> kernelLacks = sorted(Enforcement.LIMIT_CONTROLLERS, c -> !kernel.contains(c));
    String lacks = kernelLacks.isEmpty() ? ""
        : "; the kernel offers no " + String.join(" ", kernelLacks) + ", so their limits cannot work here";
    String installed = UserDelegation.DROP_IN + " is installed; restart " + holder + " to give it the controllers: "
        + Enforcement.restartHint(holder);
    if (!missing.isEmpty()) {
      return fail("controllers", holder + " lacks " + String.join(" ", missing) + ", which the kernel offers (it has "
              + String.join(" ", new TreeSet<>(available)) + "): systemd would accept their limits for "
              + (manager == Manager.USER ? "--user" : "these") + " units and enforce nothing, so confine refuses"
              + " them" + lacks,
          dropIn.isPresent() ? installed : Enforcement.delegationHint(manager, holder));
    }
    if (dropIn.isPresent() && started.isBefore(dropIn.get())) {
      return fail("controllers", holder + " started at " + started.truncatedTo(ChronoUnit.SECONDS) + ", before "
          + UserDelegation.DROP_IN + " was installed at " + dropIn.get().truncatedTo(ChronoUnit.SECONDS)
          + ": it gives its units only the controllers it had when it started, so their limits may not be enforced",
          installed);
    }
    Set<String> has = sorted(Enforcement.LIMIT_CONTROLLERS, available::contains);
    if (!kernelLacks.isEmpty()) {
      return warn("controllers", holder + " has " + String.join(" ", has) + lacks,
          "a kernel with the missing controllers (CONFIG_CGROUP_* options)");
    }
    return pass("controllers", holder + " has every limit controller: " + String.join(" ", has));
  }

  /**
   * Whether systemd lets this user start confine's scopes on the system bus. polkit takes the
   * details systemd sends (unit, verb) only from root or the action's owner, so the question goes to
   * systemd itself: a start of a confine scope with a property no systemd knows. systemd asks polkit
   * first, as for any start, and refuses the property only once polkit said yes; nothing is created.
   */
  static Check authorization(Systemd systemd, long uid, String user) {
    if (uid == 0) {
      return pass("authorization", "running as root: systemd asks polkit nothing of root");
    }
    String who = user + " (uid " + uid + ")";
    String scope = UnitNames.generate(UnitType.SCOPE);
    try {
      systemd.bus().call(SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "StartTransientUnit", "ssa(sv)a(sa(sv))",
          scope, "fail", List.<Object[]>of(new Object[] {"ConfineDoctorProbe", new Variant<>(true)}), List.of());
      throw new IllegalStateException("systemd accepted the made-up property ConfineDoctorProbe");
    } catch (AccessDeniedException e) {
      boolean challenge = "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired".equals(e.dbusErrorName());
      int major = systemd.majorVersion();
      return fail("authorization", "polkit does not let " + who + " start " + scope + " on the system bus"
              + (challenge ? " without authentication (an administrator could authorize it interactively; confine"
                  + " does not ask)" : ""),
          "run confine as root, or use the user manager (--user); "
              + (major >= 257
                  ? "or let one dedicated account start confine's scopes with polkit/50-confine.rules (read"
                      + " polkit/README.md first: the grant is root-equivalent); "
                  : "polkit rules for confine's scopes (polkit/50-confine.rules) need systemd 257 or later, this is "
                      + major + "; ")
              + DELEGATE_INSTEAD);
    } catch (InvalidArgumentException refusedProperty) {
      return pass("authorization", "polkit lets " + who + " start confine's scopes on the system bus (systemd"
          + " authorized a start of " + scope + ", then refused its made-up property: nothing was started)");
    } catch (SystemdException e) {
      return warn("authorization", "cannot tell whether systemd lets " + who + " start scopes: " + e.getMessage(),
          "run confine doctor --system again; if it repeats, see: journalctl -u polkit");
    }
  }

  /** Whether polkit runs and reads JavaScript rules, which a per-unit grant needs. */
  static Check polkit(Systemd systemd, boolean root) {
    Map<String, Object> authority;
    try {
      authority = systemd.bus().propertiesOn(POLKIT, POLKIT_AUTHORITY_PATH, POLKIT_AUTHORITY);
    } catch (SystemdException e) {
      return root
          ? warn("polkit", "polkit does not answer on the system bus (" + e.getMessage() + "): root needs none, but"
              + " no other account can be allowed to manage units", "install polkitd to grant an account"
              + " (polkit/50-confine.rules)")
          : fail("polkit", "polkit does not answer on the system bus (" + e.getMessage() + "): systemd refuses"
              + " every caller but root", "install polkitd (sudo apt install polkitd), or run confine as root");
    }
    return polkit(String.valueOf(authority.get("BackendName")), String.valueOf(authority.get("BackendVersion")),
        root);
  }

  static Check polkit(String backend, String version, boolean root) {
    if (backend.equals("js")) {
      return pass("polkit", "polkit " + version + " reads JavaScript rules (/etc/polkit-1/rules.d), which can grant"
          + " a unit by name and verb");
    }
    String finding = "polkit " + version + " (backend " + backend + ") reads no JavaScript rules, only .pkla files:"
        + " it cannot grant some units only, and any grant of manage-units is root-equivalent";
    String fix = "use polkit 0.106 or later (Debian and Ubuntu: polkitd 121 or later) for polkit/50-confine.rules, "
        + DELEGATE_INSTEAD;
    return root ? warn("polkit", finding, fix) : fail("polkit", finding, fix);
  }

  private static Set<String> sorted(Set<String> controllers, java.util.function.Predicate<String> keep) {
    return controllers.stream().filter(keep).collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<String> readOrEmpty(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Check pass(String name, String finding) {
    return new Check(name, Verdict.PASS, finding, Optional.empty());
  }

  private static Check warn(String name, String finding, String fix) {
    return new Check(name, Verdict.WARN, finding, Optional.of(fix));
  }

  private static Check fail(String name, String finding, String fix) {
    return new Check(name, Verdict.FAIL, finding, Optional.of(fix));
  }
}
