package dev.confine.bus;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A bus reached through a program's standard input and output, as D-Bus {@code unixexec:}
 * addresses describe ({@code ssh HOST systemd-stdio-bridge},
 * {@code systemd-run -M … systemd-stdio-bridge}). dbus-java has no transport for that, so the program's two pipes are
 * offered to it as a unix socket in a private directory, which this bridge pumps both ways. The
 * program authenticates nobody on its pipes: connect with SASL ANONYMOUS, as sd-bus does.
 * {@link #startOnSocket} gives the program the socket itself instead, for file descriptors.
 */
public final class ExecBridge implements Closeable {
  private static final int BUFFER = 64 * 1024;

  private final Process process;
  private final List<String> command;
  private final Path directory;
  private final Path socket;
  /** The socket the pump listens on; null when the program sits on the socket itself. */
  private final ServerSocketChannel server;

  private ExecBridge(Process process, List<String> command, Path directory, ServerSocketChannel server) {
    this.process = process;
    this.command = command;
    this.directory = directory;
    this.socket = directory.resolve("bus");
    this.server = server;
  }

  /** Whether {@code address} is one this bridge serves. */
  public static boolean handles(String address) {
    return address.startsWith("unixexec:");
  }

  /**
   * The command line of a {@code unixexec:} address: {@code path}, then {@code argv1},
   * {@code argv2} … ({@code argv0} only renames the program, which a JVM cannot do), with the
   * address's {@code %XX} escapes undone.
   */
  public static List<String> commandLine(String address) {
    if (!handles(address)) {
      throw new IllegalArgumentException("not a unixexec: address: " + address);
    }
    Map<Integer, String> arguments = new TreeMap<>();
    String path = null;
    for (String pair : address.substring("unixexec:".length()).split(",")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
      if (key.equals("path")) {
        path = value;
      } else if (key.matches("argv[1-9][0-9]*")) {
        arguments.put(Integer.parseInt(key.substring(4)), value);
      }
    }
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("a unixexec: address needs a path=: " + address);
    }
    List<String> command = new ArrayList<>();
    command.add(path);
    int expected = 1;
    for (Map.Entry<Integer, String> argument : arguments.entrySet()) {
      if (argument.getKey() != expected++) {
        throw new IllegalArgumentException("argv" + (expected - 1) + " is missing in " + address);
      }
      command.add(argument.getValue());
    }
    return command;
  }

  private static String unescape(String value) {
    byte[] out = new byte[value.length()];
    int length = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%' && i + 2 < value.length()) {
        out[length++] = (byte) Integer.parseInt(value.substring(i + 1, i + 3), 16);
        i += 2;
      } else {
        for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
          out[length++] = b;
        }
      }
    }
    return new String(out, 0, length, StandardCharsets.UTF_8);
  }

  /**
   * Starts the program of a {@code unixexec:} address; its standard error stays confine's (ssh's
   * and systemd-run's complaints reach the user).
   */
  public static ExecBridge start(String address) throws IOException {
    List<String> command = commandLine(address);
    Path directory = Files.createTempDirectory("confine-bus"); // mode 0700: only we may connect
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    Process process;
    try {
      server.bind(UnixDomainSocketAddress.of(directory.resolve("bus")));
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException | RuntimeException e) {
      server.close();
      Files.deleteIfExists(directory.resolve("bus"));
      Files.deleteIfExists(directory);
      throw e;
    }
    ExecBridge bridge = new ExecBridge(process, command, directory, server);
    daemon("confine-bridge-accept", bridge::serve);
    return bridge;
  }

  /**
   * Whether file descriptors can pass through the program of a {@code unixexec:} address when it
   * sits on a unix socket ({@link #startOnSocket}): systemd-stdio-bridge and systemd-run reach a
   * bus on this machine (a container's), and pass them on; ssh carries bytes only.
   */
  public static boolean passesDescriptors(String address) {
    String program = Path.of(commandLine(address).get(0)).getFileName().toString();
    return program.equals("systemd-stdio-bridge") || program.equals("systemd-run");
  }

  /**
   * Starts the program of a {@code unixexec:} address with a unix socket as its standard input
   * and output, so that file descriptors pass: systemd-stdio-bridge negotiates them only on a
   * socket, and a JVM cannot start a program on one. systemd's own systemd-socket-activate does
   * (--accept --inetd), under a shell that stops it, and removes the socket, when confine's
   * end of the shell's input closes: at {@link #close()}, or when confine dies.
   */
  public static ExecBridge startOnSocket(String address) throws IOException {
    List<String> command = commandLine(address);
    Path directory = Files.createTempDirectory("confine-bus"); // mode 0700: only we may connect
    Path socket = directory.resolve("bus");
    List<String> shell = new ArrayList<>(List.of("sh", "-c",
        "systemd-socket-activate --accept --inetd -l \"$0\" -- \"$@\" </dev/null &"
            + " cat >/dev/null; kill $!; rm -f \"$0\"; rmdir \"${0%/*}\" 2>/dev/null",
        socket.toString()));
    shell.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(shell)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("SYSTEMD_LOG_LEVEL", "warning"); // no "Listening on …" lines
    Process process = builder.start();
    ExecBridge bridge = new ExecBridge(process, command, directory, null);
    try {
      for (int waited = 0; !Files.exists(socket); waited += 10) {
        if (!process.isAlive() || waited >= 10_000) {
          throw new IOException("systemd-socket-activate did not listen on " + socket
              + " for " + String.join(" ", command));
        }
        Thread.sleep(10);
      }
    } catch (IOException | InterruptedException e) {
      bridge.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting " + String.join(" ", command), e);
      }
      throw (IOException) e;
    }
    return bridge;
  }

  /**
   * Why the bus behind this bridge is gone, for a message: the program and how it ended, once it
   * has (within a second, as a failed ssh soon does).
   */
  public String failure() {
    String program = String.join(" ", command);
    try {
      if (process.waitFor(1, TimeUnit.SECONDS)) {
        return program + " ended with status " + process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return program + " is running but did not answer as a bus";
  }

  /** The address dbus-java connects to. */
  public String address() {
    return "unix:path=" + socket;
  }

  /**
   * Takes the one connection dbus-java makes and pumps it until either side ends. No second one:
   * dbus-java connects again when the first fails, and would wait forever on the backlog.
   */
  private void serve() {
    try (SocketChannel peer = server.accept()) {
      server.close();
      Thread toProgram = daemon("confine-bridge-in", () -> toProgram(peer));
      fromProgram(peer);
      toProgram.join();
    } catch (IOException e) {
      // closed: the connection or the bridge went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /*
   * Each direction reads and writes the channel itself: streams from Channels on one blocking
   * SocketChannel take a shared lock, so a reader waiting for data would block the writer.
   */
  private void toProgram(SocketChannel peer) {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    try (OutputStream in = process.getOutputStream()) {
      while (peer.read(buffer) >= 0) {
        in.write(buffer.array(), 0, buffer.position());
        in.flush();
        buffer.clear();
      }
    } catch (IOException e) {
      // the program or the connection ended
    }
  }

  private void fromProgram(SocketChannel peer) {
    byte[] bytes = new byte[BUFFER];
    try (InputStream out = process.getInputStream()) {
      for (int n; (n = out.read(bytes)) >= 0; ) {
        ByteBuffer chunk = ByteBuffer.wrap(bytes, 0, n);
        while (chunk.hasRemaining()) {
          peer.write(chunk);
        }
      }
      peer.shutdownOutput();
    } catch (IOException e) {
      // the program or the connection ended
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Ends the program, as a bus connection ends: its input closes, and a program still there a
   * second later is terminated. Removes the socket (on a socket, the shell of
   * {@link #startOnSocket} does).
   */
  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
    }
    process.getOutputStream().close();
    try {
      if (!process.waitFor(1, TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(socket);
    Files.deleteIfExists(directory);
  }
}
