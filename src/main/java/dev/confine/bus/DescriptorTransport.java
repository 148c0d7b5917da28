package dev.confine.bus;

import org.freedesktop.dbus.connections.BusAddress;
import org.freedesktop.dbus.connections.config.TransportConfig;
import org.freedesktop.dbus.connections.transports.AbstractTransport;
import org.freedesktop.dbus.exceptions.TransportConfigurationException;
import org.freedesktop.dbus.spi.transport.ITransportProvider;

/**
 * junixsocket's unix transport under an address type of its own, {@code confine-fd:}: dbus-java
 * takes one provider per address type, and {@code unix:} stays with the JDK's sockets, which are
 * cheaper to start but cannot pass file descriptors.
 */
public final class DescriptorTransport implements ITransportProvider {
  private static final String TYPE = "confine-fd";

  /** The address of the same socket, for a connection that passes file descriptors. */
  public static String addressFor(String unixAddress) {
    if (!unixAddress.startsWith("unix:")) {
      throw new IllegalArgumentException("file descriptors pass only over unix sockets, not " + unixAddress);
    }
    return TYPE + unixAddress.substring("unix".length());
  }

  @Override
  public String getTransportName() {
    return "confine-fd (junixsocket)";
  }

  @Override
  public String getSupportedBusType() {
    return TYPE;
  }

  @Override
  public AbstractTransport createTransport(BusAddress address, TransportConfig config)
      throws TransportConfigurationException {
    return Descriptors.transport(BusAddress.of("unix" + address.toString().substring(TYPE.length())), config);
  }

  @Override
  public String createDynamicSessionAddress(boolean listeningSocket) {
    throw new UnsupportedOperationException("confine does not listen on a bus address");
  }
}
