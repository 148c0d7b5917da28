package dev.confine.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExecBridgeTest {

  @Test
  void readsTheCommandLineOfAnAddress() {
    assertEquals(List.of("ssh", "-xT", "--", "user@host", "systemd-stdio-bridge"),
        ExecBridge.commandLine("unixexec:path=ssh,argv1=-xT,argv2=--,argv3=user%40host,argv4=systemd-stdio-bridge"));
    // argv0 names the program for ps; a JVM cannot, and the path is what runs.
    assertEquals(List.of("/bin/cat"), ExecBridge.commandLine("unixexec:path=/bin/cat,argv0=kitty"));
  }

  @Test
  void refusesAddressesItCannotRun() {
    assertThrows(IllegalArgumentException.class, () -> ExecBridge.commandLine("unixexec:argv1=x"));
    assertThrows(IllegalArgumentException.class, () -> ExecBridge.commandLine("unixexec:path=x,argv2=y"));
    assertThrows(IllegalArgumentException.class, () -> ExecBridge.commandLine("unix:path=/run/bus"));
  }

  /** Through cat, all bytes come back in order, however large the message; nothing stays behind. */
  @Test
  void pumpsBothWaysUntilTheEnd() throws Exception {
    byte[] message = new byte[3 * 1024 * 1024 + 7];
    new Random(42).nextBytes(message);
    Path socket;
    ByteArrayOutputStream echoed = new ByteArrayOutputStream();
    try (ExecBridge bridge = ExecBridge.start("unixexec:path=cat")) {
      socket = Path.of(bridge.address().substring("unix:path=".length()));
      try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        // Each side on the channel itself: Channels' streams share one lock and would deadlock.
        Thread writer = new Thread(() -> {
          try {
            ByteBuffer out = ByteBuffer.wrap(message);
            while (out.hasRemaining()) {
              channel.write(out);
            }
            channel.shutdownOutput();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        writer.start();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        while (channel.read(in) >= 0) {
          echoed.write(in.array(), 0, in.position());
          in.clear();
        }
        writer.join();
      }
    }
    assertArrayEquals(message, echoed.toByteArray());
    assertFalse(Files.exists(socket.getParent()), "the bridge's directory is removed");
  }

  /**
   * On a socket, the program itself reads and writes the connection (systemd-socket-activate
   * hands it over); closing the bridge stops the listener and removes its directory.
   */
  @Test
  void startsTheProgramOnTheSocketItself() throws Exception {
    Path socket;
    String echoed;
    try (ExecBridge bridge = ExecBridge.startOnSocket("unixexec:path=sh,argv1=-c,argv2="
        + "ls%20-l%20/proc/self/fd/0%20%7C%20grep%20-c%20socket;%20cat")) {
      socket = Path.of(bridge.address().substring("unix:path=".length()));
      try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        channel.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.UTF_8)));
        channel.shutdownOutput();
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (channel.read(buffer) >= 0) {
          in.write(buffer.array(), 0, buffer.position());
          buffer.clear();
        }
        echoed = in.toString(StandardCharsets.UTF_8);
      }
    }
    assertEquals("1\nping\n", echoed, "stdin is the socket, and the bytes come back");
    assertFalse(Files.exists(socket.getParent()), "the bridge's directory is removed");
  }
}
