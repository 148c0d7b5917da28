package dev.confine.cli;

import dev.confine.Cgroup;
import dev.confine.InvalidPropertyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code confine cgroup …}: the delegatee's side. A program started in a unit with
 * {@code Delegate=yes} manages the cgroup tree below the unit itself; these commands do it from a
 * shell. GROUP is relative to the unit's cgroup (found from confine's own), or absolute.
 */
@Command(name = "cgroup", mixinStandardHelpOptions = true,
    description = {"Manage the cgroup tree systemd delegated to you (a unit started with Delegate=yes).",
      "GROUP is a path below the cgroup of the unit confine runs in (worker-1, workers/a), or absolute"
          + " (/sys/fs/cgroup/... or as ControlGroup shows it). Without GROUP: the unit's cgroup itself."},
    subcommands = {CgroupCommand.Show.class, CgroupCommand.Check.class, CgroupCommand.Create.class,
        CgroupCommand.Move.class, CgroupCommand.Enable.class, CgroupCommand.SetLimits.class,
        CgroupCommand.Remove.class})
final class CgroupCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a cgroup command is required: show, check, create, move, enable, set or remove");
  }

  /** GROUP as the commands take it. */
  static Cgroup resolve(String group) {
    if (group == null || group.isEmpty() || group.equals(".")) {
      return Cgroup.ofOwnUnit();
    }
    return group.startsWith("/") ? Cgroup.of(group) : Cgroup.ofOwnUnit().child(group);
  }

  /** What {@code show} prints, and its --json line. */
  record Shown(String path, boolean delegated, long ownerUid, Set<String> controllers,
      Set<String> enabledControllers, List<Long> processes, List<String> children) {
    static Shown of(Cgroup cgroup) {
      return new Shown(cgroup.controlGroup(), cgroup.isDelegated(), cgroup.ownerUid(), cgroup.controllers(),
          cgroup.enabledControllers(), cgroup.processes(),
          cgroup.children().stream().map(c -> c.path().getFileName().toString()).toList());
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show a group: delegation, controllers, processes, children.")
  static final class Show implements Callable<Integer> {
    @Mixin OutputOptions output;

    @Parameters(arity = "0..1", paramLabel = "GROUP", description = "Default: the unit's cgroup.")
    String group;

    @Override
    public Integer call() {
      Shown shown = Shown.of(resolve(group));
      if (output.json) {
        output.printJson(shown);
        return 0;
      }
      output.out().printf("%s%n", shown.path());
      output.out().printf("  delegated:   %s (owner uid %d)%n", shown.delegated() ? "yes" : "no", shown.ownerUid());
      output.out().printf("  controllers: %s%n", String.join(" ", shown.controllers()));
      output.out().printf("  for children: %s%n", String.join(" ", shown.enabledControllers()));
      output.out().printf("  processes:   %s%n",
          String.join(" ", shown.processes().stream().map(String::valueOf).toList()));
      output.out().printf("  children:    %s%n", String.join(" ", shown.children()));
      output.out().flush();
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Exit 0 if the group is delegated to you; otherwise say why and exit 1.",
        "Delegated: you may write the group, its cgroup.procs and its cgroup.subtree_control."})
  static final class Check implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "GROUP", description = "Default: the unit's cgroup.")
    String group;

    @Override
    public Integer call() {
      resolve(group).requireDelegated();
      return 0;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create groups (and the groups between); existing ones are fine.")
  static final class Create implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "GROUP")
    List<String> groups;

    @Override
    public Integer call() {
      for (String group : groups) {
        if (group.startsWith("/")) {
          int slash = group.lastIndexOf('/');
          Cgroup.of(group.substring(0, slash)).createChild(group.substring(slash + 1));
        } else {
          Cgroup.ofOwnUnit().createChild(group);
        }
      }
      return 0;
    }
  }

  @Command(name = "move", mixinStandardHelpOptions = true,
      description = {"Move processes into a group; without PID, the process that ran confine (your shell).",
        "The group must be a leaf: cgroup v2 keeps processes out of groups that enabled controllers for"
            + " their children."})
  static final class Move implements Callable<Integer> {
    @Option(names = "--all", description = "Move every process of the unit's cgroup itself into GROUP"
        + " (created if needed), so that the unit's cgroup may enable controllers.")
    boolean all;

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "PID")
    List<Long> pids = new ArrayList<>();

    @Override
    public Integer call() {
      if (all) {
        if (!pids.isEmpty() || group.startsWith("/")) {
          throw new InvalidPropertyException("--all moves the unit's own processes into a group below it;"
              + " give only the group's name");
        }
        Cgroup.ofOwnUnit().moveAllProcessesTo(group);
        return 0;
      }
      long[] moved = pids.isEmpty()
          ? new long[] {ProcessHandle.current().parent().map(ProcessHandle::pid)
              .orElseThrow(() -> new InvalidPropertyException("confine has no parent process to move; give a PID"))}
          : pids.stream().mapToLong(Long::longValue).toArray();
      resolve(group).moveProcesses(moved);
      return 0;
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = {"Enable controllers for the children of a group (cgroup.subtree_control).",
        "The group must have no processes of its own: see move --all."})
  static final class Enable implements Callable<Integer> {
    @Option(names = "--in", paramLabel = "GROUP", description = "Default: the unit's cgroup.")
    String group;

    @Parameters(arity = "1..*", paramLabel = "CONTROLLER", description = "e.g. memory pids cpu")
    List<String> controllers;

    @Override
    public Integer call() {
      resolve(group).enableControllers(controllers.toArray(String[]::new));
      return 0;
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Set limits on a group below the unit, with run -p's grammar: MemoryMax=100M, "
          + "CPUQuota=50%%, TasksMax=64, CPUWeight=, IOWeight=, AllowedCPUs= ... The controller "
          + "must be enabled in the group above. The unit's own limits belong to systemd: use "
          + "confine set UNIT.")
  static final class SetLimits implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "NAME=VALUE")
    List<String> assignments;

    @Override
    public Integer call() {
      Cgroup cgroup = resolve(group);
      assignments.forEach(cgroup::set);
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove groups and the groups below them; they must have no processes, unless --kill.")
  static final class Remove implements Callable<Integer> {
    @Option(names = "--kill", description = "Kill their processes first (SIGKILL to every process in the groups"
        + " and below, through cgroup.kill), and wait until they are gone.")
    boolean kill;

    @Parameters(arity = "1..*", paramLabel = "GROUP")
    List<String> groups;

    @Override
    public Integer call() {
      for (String group : groups) {
        if (group.isEmpty() || group.equals(".")) {
          throw new InvalidPropertyException("the unit's own cgroup belongs to systemd; remove groups below it");
        }
        Cgroup cgroup = resolve(group);
        if (kill) {
          cgroup.kill();
        }
        cgroup.remove();
      }
      return 0;
    }
  }
}
