package dev.confine;

import java.io.FileDescriptor;

/**
 * A pseudo-terminal that systemd-machined opened inside a container ({@link
 * Systemd#openMachinePty}): the caller keeps the master, and a service in the container is given
 * the terminal at {@link #path}, a path in the container's own {@code /dev/pts}. The master is
 * open until {@link #close}: it arrived on a connection that closes the descriptors it received.
 */
public final class MachinePty implements AutoCloseable {
  private final FileDescriptor master;
  private final String path;
  private final SystemdBus connection;

  MachinePty(FileDescriptor master, String path, SystemdBus connection) {
    this.master = master;
    this.path = path;
    this.connection = connection;
  }

  public FileDescriptor master() {
    return master;
  }

  public String path() {
    return path;
  }

  /** Closes the master, and the connection to machined it came through. */
  @Override
  public void close() {
    connection.close();
  }
}
