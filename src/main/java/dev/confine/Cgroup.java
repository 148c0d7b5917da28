package dev.confine;

import dev.confine.CgroupLimits.FileWrite;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A cgroup v2 directory in a subtree that systemd delegated to this program: the cgroup of a unit
 * started with {@code Delegate=yes}, and the groups the program creates below it. Writing
 * cgroupfs is right here: systemd leaves a delegated subtree to its user.
 *
 * <pre>{@code
 * Cgroup unit = Cgroup.ofOwnUnit().requireDelegated();
 * unit.moveAllProcessesTo("supervisor");   // cgroup v2: no processes in an inner group
 * unit.enableControllers("memory", "pids");
 * Cgroup worker = unit.createChild("worker-1");
 * worker.set("MemoryMax", "100M");
 * worker.moveProcesses(pid);
 * }</pre>
 *
 * <p>Instances are paths; every method reads or writes the live tree.
 */
public final class Cgroup {
  /** Names the kernel would mix up with its interface files ({@code cgroup.procs}, {@code memory.max} …). */
  private static final Pattern INTERFACE_FILE =
      Pattern.compile("(cgroup|cpu|cpuset|io|memory|pids|hugetlb|rdma|misc|freezer)\\..*");
  private static final Pattern UNIT_NAME = Pattern.compile(".+\\.(service|scope)");
  /** Rounds of moving processes out of a group whose processes keep forking. */
  private static final int MOVE_ROUNDS = 10;
  private static final String KILL = "cgroup.kill";
  /** How long {@link #kill()} waits for the processes it killed to be gone. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final Path dir;

  private Cgroup(Path dir) {
    this.dir = dir;
  }

  /**
   * The cgroup at {@code path}: a directory below {@code /sys/fs/cgroup}, or a path as systemd's
   * {@code ControlGroup} property gives it ({@code /user.slice/…/x.scope}).
   */
  public static Cgroup of(String path) {
    // Normalized first, so that no ".." leads out of cgroupfs.
    Path given = Path.of("/").resolve(path).normalize();
    return new Cgroup(given.startsWith(CgroupFiles.ROOT) ? given : CgroupFiles.directory(given.toString()));
  }

  /** The cgroup a process runs in, from {@code /proc/PID/cgroup}. */
  public static Cgroup ofProcess(long pid) {
    Path file = Path.of("/proc", Long.toString(pid), "cgroup");
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new CgroupException("cannot read " + file + ": " + reason(e) + " (no such process?)");
    }
    return lines.stream().filter(line -> line.startsWith("0::")).findFirst()
        .map(line -> of(line.substring(3)))
        .orElseThrow(() -> new CgroupException("process " + pid + " is in no cgroup v2 group ("
            + file + " has no 0:: line): confine needs the unified hierarchy"));
  }

  /** The cgroup this process runs in. */
  public static Cgroup ofSelf() {
    return ofProcess(ProcessHandle.current().pid());
  }

  /**
   * The cgroup of the service or scope this process runs in: its own group, or the nearest group
   * above it named like a unit ({@code *.service}, {@code *.scope}). That is the group systemd
   * delegated, even after the process moved itself into a leaf below it.
   */
  public static Cgroup ofOwnUnit() {
    Cgroup self = ofSelf();
    for (Path dir = self.dir; !dir.equals(CgroupFiles.ROOT); dir = dir.getParent()) {
      if (UNIT_NAME.matcher(dir.getFileName().toString()).matches()) {
        return new Cgroup(dir);
      }
    }
    throw new CgroupException("this process runs in " + self.controlGroup() + ", which is in no service or"
        + " scope; start the program in a delegated unit: confine run --scope -p Delegate=yes -- PROGRAM");
  }

  /** The directory, e.g. {@code /sys/fs/cgroup/user.slice/…/x.scope}. */
  public Path path() {
    return dir;
  }

  /** The path as systemd's {@code ControlGroup} property shows it: {@code /user.slice/…/x.scope}. */
  public String controlGroup() {
    return "/" + CgroupFiles.ROOT.relativize(dir);
  }

  /** The controllers this group can hand to its children ({@code cgroup.controllers}). */
  public Set<String> controllers() {
    return words(readRequired("cgroup.controllers"));
  }

  /** The controllers enabled for its children ({@code cgroup.subtree_control}). */
  public Set<String> enabledControllers() {
    return words(readRequired("cgroup.subtree_control"));
  }

  /** The processes in this group itself, not in its children. */
  public List<Long> processes() {
    return readRequired("cgroup.procs").lines().filter(l -> !l.isBlank()).map(Long::valueOf).toList();
  }

  /** The groups directly below this one. */
  public List<Cgroup> children() {
    try (Stream<Path> entries = Files.list(existing())) {
      return entries.filter(Files::isDirectory).sorted().map(Cgroup::new).toList();
    } catch (IOException e) {
      throw new CgroupException("cannot list " + dir + ": " + reason(e));
    }
  }

  /** The user the directory belongs to: the delegatee, for a delegated group. */
  public long ownerUid() {
    try {
      return ((Number) Files.getAttribute(existing(), "unix:uid")).longValue();
    } catch (IOException e) {
      throw new CgroupException("cannot stat " + dir + ": " + reason(e));
    }
  }

  /**
   * Whether this program may manage the group as the kernel defines delegation: write access to
   * the directory, its {@code cgroup.procs} and its {@code cgroup.subtree_control}.
   */
  public boolean isDelegated() {
    return Files.isDirectory(dir) && Stream.of(dir, dir.resolve("cgroup.procs"), dir.resolve("cgroup.subtree_control"))
        .allMatch(Files::isWritable);
  }

  /** This group, if {@link #isDelegated()}; otherwise a {@link CgroupException} that says why not. */
  public Cgroup requireDelegated() {
    existing();
    if (!isDelegated()) {
      long uid = new com.sun.security.auth.module.UnixSystem().getUid();
      throw new CgroupException(dir + " is not delegated to you: it belongs to uid " + ownerUid()
          + " and you are uid " + uid + ". systemd hands a unit's cgroup to its user only with Delegate=yes:"
          + " confine run --scope -p Delegate=yes -- PROGRAM (as root, add -p User=NAME)");
    }
    return this;
  }

  /** The group {@code name} below this one ({@code a/b} for deeper ones); it need not exist yet. */
  public Cgroup child(String name) {
    Path child = dir;
    for (String part : name.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || INTERFACE_FILE.matcher(part).matches()
          || part.chars().anyMatch(c -> c < 0x20)) {
        throw new InvalidPropertyException("'" + name + "' is not a cgroup name below " + controlGroup()
            + ": use names such as worker-1 or workers/batch (no '..', nothing like cgroup.* or memory.*)");
      }
      child = child.resolve(part);
    }
    return new Cgroup(child);
  }

  /** Creates the group {@code name} below this one, and the groups between (no error if it exists). */
  public Cgroup createChild(String name) {
    Cgroup child = child(name);
    existing();
    try {
      Files.createDirectories(child.dir);
    } catch (IOException e) {
      throw new CgroupException("cannot create " + child.dir + ": " + reason(e) + delegationHint(e));
    }
    return child;
  }

  /**
   * Moves processes into this group. The kernel allows it only into a group without controllers
   * enabled for children (a leaf), and only within a subtree you may write at the top.
   */
  public void moveProcesses(long... pids) {
    Path procs = existing().resolve("cgroup.procs");
    for (long pid : pids) {
      try {
        Files.writeString(procs, Long.toString(pid));
      } catch (IOException e) {
        String reason = reason(e);
        throw new CgroupException("cannot move process " + pid + " into " + controlGroup() + ": " + reason
            + (reason.contains("busy")
                ? ". It has controllers enabled for its children (" + String.join(" ", enabledControllers())
                    + "); cgroup v2 keeps processes in leaf groups only: move it into a group below"
                : reason.contains("No such process") ? "" : delegationHint(e)));
      }
    }
  }

  /**
   * Moves every process of this group into its child {@code leaf} (created if needed), so that
   * this group may enable controllers for its children: cgroup v2 lets only a group without
   * processes of its own do that. Processes forked meanwhile are moved too.
   *
   * @return the leaf
   */
  public Cgroup moveAllProcessesTo(String leaf) {
    Cgroup target = createChild(leaf);
    for (int round = 0; round < MOVE_ROUNDS; round++) {
      List<Long> left = processes();
      if (left.isEmpty()) {
        return target;
      }
      for (long pid : left) {
        try {
          target.moveProcesses(pid);
        } catch (CgroupException e) {
          if (ProcessHandle.of(pid).isPresent()) {
            throw e;
          }
          // It ended meanwhile: nothing to move.
        }
      }
    }
    throw new CgroupException("processes keep appearing in " + controlGroup() + " faster than they can be"
        + " moved into " + leaf + "; stop whatever forks there and try again");
  }

  /**
   * Enables controllers for the children of this group ({@code +memory} in
   * {@code cgroup.subtree_control}). Each must be in {@link #controllers()}, and the group must
   * have no processes of its own: see {@link #moveAllProcessesTo(String)}.
   */
  public void enableControllers(String... names) {
    Set<String> available = controllers();
    List<String> missing = Arrays.stream(names).filter(c -> !available.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new CgroupException("controller " + String.join(", ", missing) + " is not available in "
          + controlGroup() + " (it has: " + String.join(" ", available) + "): the group above does not pass it"
          + " on. For a user manager, see confine doctor; for a unit, start it with -p Delegate=yes or"
          + " -p Delegate=" + String.join(" ", names));
    }
    Path control = existing().resolve("cgroup.subtree_control");
    for (String name : names) {
      try {
        Files.writeString(control, "+" + name);
      } catch (IOException e) {
        String reason = reason(e);
        if (reason.contains("busy")) {
          List<Long> pids = processes();
          throw new CgroupException("cannot enable " + name + " for the children of " + controlGroup()
              + ": it still has processes of its own (" + spaced(pids) + "). cgroup v2 lets a group hand controllers"
              + " to its children only when all its processes are in children: move them into a leaf first"
              + " (Cgroup.moveAllProcessesTo, or confine cgroup move --all LEAF)");
        }
        throw new CgroupException("cannot enable " + name + " in " + control + ": " + reason + delegationHint(e));
      }
    }
  }

  /**
   * Sets a limit on this group with the grammar of {@code -p}: {@code MemoryMax=100M},
   * {@code CPUQuota=50%}, {@code TasksMax=64}, {@code AllowedCPUs=0-1} … Its controller must be
   * enabled in the parent ({@link #enableControllers}). Limits of the delegated group itself
   * belong to systemd: set those with {@code confine set UNIT}.
   */
  public void set(String property, String value) {
    for (FileWrite write : CgroupLimits.of(property, value)) {
      Path file = existing().resolve(write.file());
      if (!Files.exists(file)) {
        String controller = write.file().substring(0, write.file().indexOf('.'));
        throw new CgroupException(property + " needs the " + controller + " controller in " + controlGroup()
            + ", and " + file.getFileName() + " does not exist: enable it in the group above first"
            + " (confine cgroup enable " + controller + ")");
      }
      write(write.file(), write.value());
    }
  }

  /** {@link #set(String, String)} for {@code NAME=VALUE}. */
  public void set(String assignment) {
    String[] nameAndValue = UnitSpec.split(assignment);
    set(nameAndValue[0], nameAndValue[1]);
  }

  /** Writes one interface file of this group, e.g. {@code memory.oom.group}. */
  public void write(String file, String value) {
    Path path = existing().resolve(file);
    try {
      Files.writeString(path, value);
    } catch (IOException e) {
      throw new CgroupException("cannot write '" + value + "' to " + path + ": " + reason(e)
          + (path.getParent().equals(dir) && isTopOfDelegation()
              ? ". The delegated group's own limits belong to systemd: change them with confine set UNIT"
              : delegationHint(e)));
    }
  }

  /** One interface file of this group, without its final newline; empty if it does not exist. */
  public Optional<String> read(String file) {
    return new CgroupFiles(dir).text(file);
  }

  /**
   * Kills every process in this group and in the groups below it with SIGKILL, and returns once
   * they are gone, so that the groups can be removed. The kernel's {@code cgroup.kill} (Linux 5.14)
   * does it, and reaches processes forked meanwhile too. A group this program runs in is refused.
   */
  public void kill() {
    existing();
    Cgroup self = ofSelf();
    if (self.dir.startsWith(dir)) {
      throw new CgroupException("cannot kill the processes of " + controlGroup() + ": this program runs in "
          + self.controlGroup() + " and would kill itself");
    }
    if (isTopOfDelegation()) {
      throw new CgroupException("cannot kill the processes of " + controlGroup() + ": it is the delegated unit's"
          + " own cgroup, which systemd manages: confine kill UNIT");
    }
    if (!Files.exists(dir.resolve(KILL))) {
      throw new CgroupException("cannot kill the processes of " + controlGroup() + ": this kernel has no " + KILL
          + " (Linux 5.14 and later have it); end them yourself, or stop the whole unit");
    }
    write(KILL, "1");
    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
    CgroupFiles files = new CgroupFiles(dir);
    // A group removed meanwhile has no processes either.
    while (files.keyed("cgroup.events", "populated").orElse(0) != 0) {
      if (System.nanoTime() > deadline) {
        throw new CgroupException("processes of " + controlGroup() + " are still there " + KILL_WAIT.toSeconds()
            + " s after SIGKILL (in uninterruptible sleep?): " + spaced(processes()));
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CgroupException("interrupted while waiting for the processes of " + controlGroup() + " to end");
      }
    }
  }

  /**
   * Removes this group and the groups below it. Each must be empty: processes are not killed
   * or moved for you (see {@link #kill()}).
   */
  public void remove() {
    for (Cgroup child : children()) {
      child.remove();
    }
    try {
      Files.delete(dir);
    } catch (IOException e) {
      List<Long> pids = Files.isDirectory(dir) ? processes() : List.of();
      throw new CgroupException("cannot remove " + controlGroup() + ": " + reason(e)
          + (pids.isEmpty() ? delegationHint(e)
              : "; it still has processes (" + spaced(pids) + "): move them out, or kill them first"
                  + " (confine cgroup remove --kill, Cgroup.kill())"));
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cgroup cgroup && cgroup.dir.equals(dir);
  }

  @Override
  public int hashCode() {
    return dir.hashCode();
  }

  @Override
  public String toString() {
    return controlGroup();
  }

  private boolean isTopOfDelegation() {
    Path parent = dir.getParent();
    return parent != null && !Files.isWritable(parent.resolve("cgroup.procs"));
  }

  private Path existing() {
    if (!Files.isDirectory(dir)) {
      throw new CgroupException("no cgroup " + controlGroup() + " (" + dir + " does not exist)");
    }
    return dir;
  }

  private String readRequired(String file) {
    try {
      return Files.readString(existing().resolve(file)).strip();
    } catch (IOException e) {
      throw new CgroupException("cannot read " + dir.resolve(file) + ": " + reason(e));
    }
  }

  private static String spaced(List<Long> pids) {
    return String.join(" ", pids.stream().map(String::valueOf).toList());
  }

  private static Set<String> words(String text) {
    return text.isBlank() ? Set.of() : new LinkedHashSet<>(List.of(text.split("\\s+")));
  }

  /** The kernel's reason (strerror) for a failed file operation. */
  private static String reason(IOException e) {
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    return String.valueOf(e.getMessage());
  }

  private String delegationHint(IOException e) {
    String reason = reason(e);
    return reason.contains("Permission denied") || reason.contains("Operation not permitted")
        ? ". " + controlGroup() + " is not yours to change: only a unit started with Delegate=yes (for your user)"
            + " hands you its cgroup, and processes can be moved only within it"
        : "";
  }
}
