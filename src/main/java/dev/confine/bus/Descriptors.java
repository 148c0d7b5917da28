package dev.confine.bus;

import java.io.FileDescriptor;
import java.io.IOException;
import org.freedesktop.dbus.connections.BusAddress;
import org.freedesktop.dbus.connections.config.TransportConfig;
import org.freedesktop.dbus.connections.transports.AbstractTransport;
import org.freedesktop.dbus.exceptions.TransportConfigurationException;
import org.freedesktop.dbus.spi.message.ISocketProvider;
import org.freedesktop.dbus.transport.junixsocket.JUnixSocketSocketProvider;
import org.freedesktop.dbus.transport.junixsocket.JUnixSocketTransportProvider;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Everything that touches junixsocket, the only way here to pass file descriptors over a unix
 * socket. Nothing else names a junixsocket class, so that a JVM that passes none never loads one.
 */
public final class Descriptors {
  private static final String JUNIXSOCKET = "org.newsclub.net.unix.AFUNIXSocketChannel";

  private Descriptors() {}

  /** Whether junixsocket is on the class path: the library declares it optional. */
  public static boolean available() {
    try {
      Class.forName(JUNIXSOCKET, false, Descriptors.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * The number of an open descriptor, for D-Bus's {@code h}. The standard three are known by
   * identity; any other is read through junixsocket.
   */
  public static int number(FileDescriptor descriptor) throws IOException {
    if (descriptor == FileDescriptor.in) {
      return 0;
    } else if (descriptor == FileDescriptor.out) {
      return 1;
    } else if (descriptor == FileDescriptor.err) {
      return 2;
    }
    if (!descriptor.valid()) {
      throw new IOException("the file descriptor is closed");
    }
    if (!available()) {
      throw new IOException("only junixsocket can read the number of a descriptor other than 0, 1 and 2");
    }
    return FileDescriptorCast.using(descriptor).as(Integer.class);
  }

  /** An open descriptor by its number, as a C call returns it. */
  public static FileDescriptor of(int number) throws IOException {
    return FileDescriptorCast.unsafeUsing(number).getFileDescriptor();
  }

  static AbstractTransport transport(BusAddress address, TransportConfig config)
      throws TransportConfigurationException {
    AbstractTransport transport = new JUnixSocketTransportProvider().createTransport(address, config);
    if (transport == null) {
      throw new TransportConfigurationException("junixsocket has no unix sockets on this machine");
    }
    return transport;
  }

  static ISocketProvider socketProvider() {
    return new JUnixSocketSocketProvider();
  }
}
