package dev.confine.cli;

import dev.confine.Manager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --slice-inherit}: the slice confine itself runs in, as systemd-run finds it. */
final class Slices {
  private Slices() {}

  /**
   * The caller's own slice, or with {@code below} a slice below it: in slice {@code app.slice},
   * {@code --slice=batch} gives {@code app-batch.slice}. For the user manager the slice is the one
   * inside {@code user@UID.service}; the root slice adds nothing.
   */
  static String inherited(Manager manager, String below) {
    String own = ownSlice(manager, cgroupOfThisProcess());
    String child = below == null ? null : below.endsWith(".slice")
        ? below.substring(0, below.length() - ".slice".length()) : below;
    if (own.equals("-.slice")) {
      return child == null ? own : child + ".slice";
    }
    String prefix = own.substring(0, own.length() - ".slice".length());
    return child == null ? own : prefix + "-" + child + ".slice";
  }

  /** The last slice on a cgroup path, counted from the manager's own root; -.slice if none. */
  static String ownSlice(Manager manager, String cgroup) {
    String path = cgroup;
    if (manager == Manager.USER) {
      int userService = path.indexOf("/user@");
      int end = userService < 0 ? -1 : path.indexOf(".service", userService);
      path = end < 0 ? "" : path.substring(end + ".service".length());
    }
    String slice = "-.slice";
    for (String component : path.split("/")) {
      if (component.endsWith(".slice")) {
        slice = component;
      } else if (!component.isEmpty()) {
        break;
      }
    }
    return slice;
  }

  private static String cgroupOfThisProcess() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        if (line.startsWith("0::")) {
          return line.substring(3);
        }
      }
      throw new IllegalArgumentException("--slice-inherit: this process is in no cgroup v2 group");
    } catch (IOException e) {
      throw new IllegalArgumentException("--slice-inherit: cannot read /proc/self/cgroup: " + e.getMessage(), e);
    }
  }
}
