package dev.confine.bus;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.freedesktop.dbus.spi.message.IMessageReader;
import org.freedesktop.dbus.spi.message.IMessageWriter;
import org.freedesktop.dbus.spi.message.ISocketProvider;

/**
 * junixsocket's message reader and writer, for junixsocket's channels only. dbus-java asks every
 * registered provider about every connection; junixsocket's own provider would load its native
 * library to answer even for the JDK's sockets, which costs every call's start-up.
 */
public final class LazySocketProvider implements ISocketProvider {
  private ISocketProvider junixsocket;
  private boolean descriptorSupport;

  @Override
  public IMessageReader createReader(SocketChannel socket) throws IOException {
    return isJunixsocket(socket) ? junixsocket().createReader(socket) : null;
  }

  @Override
  public IMessageWriter createWriter(SocketChannel socket) throws IOException {
    return isJunixsocket(socket) ? junixsocket().createWriter(socket) : null;
  }

  @Override
  public void setFileDescriptorSupport(boolean support) {
    descriptorSupport = support;
    if (junixsocket != null) {
      junixsocket.setFileDescriptorSupport(support);
    }
  }

  @Override
  public boolean isFileDescriptorPassingSupported() {
    return junixsocket != null && junixsocket.isFileDescriptorPassingSupported();
  }

  @Override
  public Optional<Integer> getFileDescriptorValue(FileDescriptor descriptor) {
    return junixsocket == null ? Optional.empty() : junixsocket.getFileDescriptorValue(descriptor);
  }

  @Override
  public Optional<FileDescriptor> createFileDescriptor(int descriptor) {
    return junixsocket == null ? Optional.empty() : junixsocket.createFileDescriptor(descriptor);
  }

  /** By name, so that a JDK socket never loads a junixsocket class. */
  private static boolean isJunixsocket(SocketChannel socket) {
    return socket.getClass().getName().startsWith("org.newsclub.net.unix.");
  }

  private ISocketProvider junixsocket() {
    if (junixsocket == null) {
      junixsocket = Descriptors.socketProvider();
      junixsocket.setFileDescriptorSupport(descriptorSupport);
    }
    return junixsocket;
  }
}
