package dev.confine.cli;

import dev.confine.MachinePty;
import dev.confine.Systemd;
import dev.confine.bus.Descriptors;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;

/**
 * A new pseudo-terminal for a service ({@code systemd-run --pty}): confine keeps the master, the
 * service gets the other end, and confine's own terminal is put into raw mode meanwhile. Linux
 * only (its ioctl numbers and {@code struct termios}).
 */
final class Pty implements AutoCloseable {
  private static final int O_RDWR = 02;
  private static final int O_NOCTTY = 0400;
  private static final int O_CLOEXEC = 02000000;
  private static final int F_DUPFD_CLOEXEC = 1030;
  private static final long TIOCGPTN = 0x80045430L;
  private static final long TIOCGPTPEER = 0x5441L;
  private static final long TIOCGWINSZ = 0x5413L;
  private static final long TIOCSWINSZ = 0x5414L;
  private static final int TCSANOW = 0;
  /** sizeof(struct termios) with glibc on Linux, rounded up. */
  private static final int TERMIOS_BYTES = 60;
  /** c_oflag's offset in struct termios. */
  private static final int C_OFLAG = 4;

  private final ForeignCalls c;
  private final MethodHandle ioctlInt;
  private final MethodHandle ioctlPointer;
  private final MethodHandle close;
  private final MethodHandle tcgetattr;
  private final MethodHandle tcsetattr;
  private final int master;
  private final String path;
  private int peer;
  /** confine's own terminal settings while in raw mode, to restore, and where. */
  private byte[] savedMode;
  private int rawFd = -1;

  /** Takes over {@code master}, whose other end is at {@code path}, and opens that other end. */
  private Pty(ForeignCalls c, int master, String path) throws Throwable {
    this.c = c;
    ioctlInt = c.function("ioctl", "ili", 2);
    ioctlPointer = c.function("ioctl", "ilp", 2);
    close = c.function("close", "i", -1);
    tcgetattr = c.function("tcgetattr", "ip", -1);
    tcsetattr = c.function("tcsetattr", "iip", -1);
    this.master = master;
    this.path = path;
    try {
      // The other end opened through the master (Linux 4.13): no path lookup, which would not
      // work for a container's terminal, and no controlling tty.
      peer = check((int) ioctlInt.invoke(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC), "TIOCGPTPEER");
    } catch (Throwable e) {
      close.invoke(master);
      throw e;
    }
  }

  /** Opens a new pseudo-terminal, or says why it cannot on this JVM or machine. */
  static Pty open() throws IOException {
    ForeignCalls c = calls();
    return create(() -> {
      int master = check((int) c.function("posix_openpt", "i", -1).invoke(O_RDWR | O_NOCTTY | O_CLOEXEC),
          "posix_openpt");
      String path;
      try {
        check((int) c.function("unlockpt", "i", -1).invoke(master), "unlockpt");
        Object number = c.allocate(4);
        check((int) c.function("ioctl", "ilp", 2).invoke(master, TIOCGPTN, number), "TIOCGPTN");
        path = "/dev/pts/" + c.getInt(number, 0);
      } catch (Throwable e) {
        c.function("close", "i", -1).invoke(master);
        throw e;
      }
      return new Pty(c, master, path);
    });
  }

  /**
   * A new pseudo-terminal inside the container {@code machine}, which systemd-machined opens there
   * ({@code systemd-run -M NAME --pty}); its path is the container's.
   */
  static Pty inMachine(String machine) throws IOException {
    ForeignCalls c = calls();
    try (MachinePty terminal = Systemd.openMachinePty(machine)) {
      // A copy of our own, as systemd-run makes: closing machined's connection closes the original.
      int received = Descriptors.number(terminal.master());
      return create(() -> {
        int master = (int) c.function("fcntl", "iii", 2).invoke(received, F_DUPFD_CLOEXEC, 3);
        return new Pty(c, check(master, "F_DUPFD_CLOEXEC"), terminal.path());
      });
    }
  }

  private static ForeignCalls calls() {
    return ForeignCalls.load("a pseudo-terminal (--pty, --shell)");
  }

  private interface Opening {
    Pty open() throws Throwable;
  }

  private static Pty create(Opening opening) throws IOException {
    try {
      return opening.open();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("cannot open a pseudo-terminal: " + e, e);
    }
  }

  private static int check(int result, String call) throws IOException {
    if (result < 0) {
      throw new IOException("cannot open a pseudo-terminal: " + call + " failed");
    }
    return result;
  }

  /** The service's end, e.g. {@code /dev/pts/3}. */
  String path() {
    return path;
  }

  /** The service's end as an open descriptor, until {@link #closePeer}. */
  int peer() {
    return peer;
  }

  /** confine's end. */
  FileDescriptor master() throws IOException {
    return Descriptors.of(master);
  }

  /** Closes confine's copy of the service's end, once systemd has its own. */
  void closePeer() {
    if (peer >= 0) {
      invoke(close, peer);
      peer = -1;
    }
  }

  /** Gives the pseudo-terminal the size of the terminal on {@code fd}, if that is one. */
  void copySizeFrom(int fd) {
    Object size = c.allocate(8);
    if (invoke(ioctlPointer, fd, TIOCGWINSZ, size) == 0) {
      invoke(ioctlPointer, master, TIOCSWINSZ, size);
    }
  }

  /**
   * Puts the terminal on {@code fd} into raw mode, as systemd-run does (keystrokes go through
   * unchanged, ^C included; output processing stays); false if it is no terminal.
   */
  boolean makeRaw(int fd) {
    Object mode = c.allocate(TERMIOS_BYTES);
    if (invoke(tcgetattr, fd, mode) != 0) {
      return false;
    }
    savedMode = c.read(mode, TERMIOS_BYTES);
    int outputFlags = c.getInt(mode, C_OFLAG);
    invoke(c.function("cfmakeraw", "p", -1), mode);
    c.setInt(mode, C_OFLAG, outputFlags);
    invoke(tcsetattr, fd, TCSANOW, mode);
    rawFd = fd;
    return true;
  }

  /** Gives the terminal back its settings from before {@link #makeRaw}. */
  synchronized void restore() {
    if (savedMode != null) {
      Object mode = c.allocate(TERMIOS_BYTES);
      c.write(mode, savedMode);
      invoke(tcsetattr, rawFd, TCSANOW, mode);
      savedMode = null;
    }
  }

  @Override
  public void close() {
    restore();
    closePeer();
    invoke(close, master);
  }

  private static int invoke(MethodHandle function, Object... args) {
    try {
      return (int) function.invokeWithArguments(args);
    } catch (Throwable e) {
      throw new IllegalStateException("a C library call failed: " + e, e);
    }
  }
}
