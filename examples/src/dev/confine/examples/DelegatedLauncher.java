package dev.confine.examples;

import dev.confine.Cgroup;
import dev.confine.PropertyInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A launcher that was given a delegated cgroup and puts each worker into a cgroup of its own,
 * with its own limits. It needs no polkit and no root: systemd hands the unit's cgroup to the
 * unit's user with Delegate=yes, and the tree below is the launcher's to manage.
 *
 * <pre>
 * confine run --scope --delegate-subgroup supervisor -- \
 *   java -cp confine.jar:EXAMPLES dev.confine.examples.DelegatedLauncher \
 *     -p MemoryMax=100M -p TasksMax=32 'make -C a' 'make -C b'
 * </pre>
 *
 * Each argument after the options is a worker: a shell command. Worker N runs in
 * {@code UNIT-CGROUP/worker-N} with every -p limit; the launcher prints how each ended and the
 * worker's peak memory and OOM kills, removes the worker groups, and exits 1 if a worker failed.
 * units/delegated-launcher.service runs it as a system service.
 */
public final class DelegatedLauncher {
  private DelegatedLauncher() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    List<String> limits = new ArrayList<>();
    List<String> workers = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-p") && i + 1 < args.length) {
        limits.add(args[++i]);
      } else {
        workers.add(args[i]);
      }
    }
    if (workers.isEmpty()) {
      System.err.println("usage: DelegatedLauncher [-p NAME=VALUE]... COMMAND...");
      System.exit(2);
    }

    // The cgroup systemd delegated to us; fails with the reason if it is not ours.
    Cgroup unit = Cgroup.ofOwnUnit().requireDelegated();
    // cgroup v2 keeps processes out of groups that hand controllers to their children, so the
    // launcher itself must live in a leaf. With DelegateSubgroup= systemd started it in one;
    // otherwise it moves there now.
    if (Cgroup.ofSelf().equals(unit)) {
      unit.moveAllProcessesTo("supervisor");
    }
    unit.enableControllers(controllersFor(limits, unit.controllers()).toArray(String[]::new));

    List<Process> processes = new ArrayList<>();
    List<Cgroup> groups = new ArrayList<>();
    for (int n = 1; n <= workers.size(); n++) {
      Cgroup group = unit.createChild("worker-" + n);
      limits.forEach(group::set);
      groups.add(group);
      // The worker enters its group before it runs anything, so even its first fork is inside.
      processes.add(new ProcessBuilder("/bin/sh", "-c", "echo $$ > \"$1/cgroup.procs\" && exec /bin/sh -c \"$2\"",
          "worker", group.path().toString(), workers.get(n - 1)).inheritIO().start());
    }

    boolean failed = false;
    for (int n = 0; n < processes.size(); n++) {
      int status = processes.get(n).waitFor();
      Cgroup group = groups.get(n);
      failed |= status != 0;
      System.out.printf("%s: exit %d, memory peak %s, oom kills %s%n", group.path().getFileName(), status,
          group.read("memory.peak").orElse("-"), oomKills(group));
      group.remove();
    }
    System.exit(failed ? 1 : 0);
  }

  /** The controllers the limits need, which the workers' parent must enable for them. */
  private static Set<String> controllersFor(List<String> limits, Set<String> available) {
    Set<String> needed = new LinkedHashSet<>();
    for (String limit : limits) {
      PropertyInfo.named(limit.split("=", 2)[0]).controller().ifPresent(needed::add);
    }
    needed.retainAll(available); // a missing one fails later, with the reason, when its limit is set
    return needed;
  }

  private static String oomKills(Cgroup group) {
    return group.read("memory.events").orElse("").lines().filter(l -> l.startsWith("oom_kill "))
        .map(l -> l.substring("oom_kill ".length())).findFirst().orElse("-");
  }
}
