package dev.confine;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the OOM kills in a unit's cgroup while the unit runs. The count lives in the cgroup's
 * {@code memory.events}, which is gone as soon as systemd removes an empty cgroup: so it is read
 * whenever the kernel announces a change of that file (inotify), not only at the end.
 */
final class OomWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OomWatch.class);
  private static final String EVENTS = "memory.events";

  private final CgroupFiles cgroup;
  private final AtomicLong kills = new AtomicLong();
  private final WatchService watcher;

  private OomWatch(CgroupFiles cgroup, WatchService watcher) {
    this.cgroup = cgroup;
    this.watcher = watcher;
    sample();
  }

  /** Starts watching; without a visible cgroup (remote bus, no memory controller) it counts nothing. */
  static OomWatch start(CgroupFiles cgroup) {
    WatchService watcher = null;
    if (cgroup.exists()) {
      try {
        watcher = cgroup.dir().getFileSystem().newWatchService();
        cgroup.dir().register(watcher, StandardWatchEventKinds.ENTRY_MODIFY);
      } catch (IOException | UnsupportedOperationException e) {
        LOG.debug("cannot watch {}; OOM kills are read at the end only", cgroup.dir(), e);
      }
    }
    OomWatch watch = new OomWatch(cgroup, watcher);
    if (watcher != null) {
      Thread thread = new Thread(watch::follow, "confine-oom-watch");
      thread.setDaemon(true);
      thread.start();
    }
    return watch;
  }

  private void follow() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.context() instanceof Path file && file.toString().equals(EVENTS)) {
            sample();
          }
        }
        if (!key.reset()) {
          return;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed: the unit has ended
    }
  }

  private void sample() {
    cgroup.keyed(EVENTS, "oom_kill").ifPresent(n -> kills.accumulateAndGet(n, Math::max));
  }

  /** The OOM kills seen so far, after one more look at the cgroup if it is still there. */
  long kills() {
    sample();
    return kills.get();
  }

  @Override
  public void close() {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        LOG.debug("closing the watch of {} failed", cgroup.dir(), e);
      }
    }
  }
}
