package dev.confine.cli;

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

  private Pty(ForeignCalls c) throws Throwable {
    this.c = c;
    ioctlInt = c.function("ioctl", "ili", 2);
    ioctlPointer = c.function("ioctl", "ilp", 2);
    close = c.function("close", "i", -1);
    tcgetattr = c.function("tcgetattr", "ip", -1);
    tcsetattr = c.function("tcsetattr", "iip", -1);
    master = check((int) c.function("posix_openpt", "i", -1).invoke(O_RDWR | O_NOCTTY | O_CLOEXEC), "posix_openpt");
    try {
      check((int) c.function("unlockpt", "i", -1).invoke(master), "unlockpt");
      Object number = c.allocate(4);
      check((int) ioctlPointer.invoke(master, TIOCGPTN, number), "TIOCGPTN");
      path = "/dev/pts/" + c.getInt(number, 0);
      // The other end opened through the master (Linux 4.13): no path lookup, no controlling tty.
      peer = check((int) ioctlInt.invoke(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC), "TIOCGPTPEER");
    } catch (Throwable e) {
      close.invoke(master);
      throw e;
    }
  }

  /** Opens a new pseudo-terminal, or says why it cannot on this JVM or machine. */
  static Pty open() throws IOException {
    ForeignCalls calls = ForeignCalls.load("a pseudo-terminal (--pty, --shell)");
    try {
      return new Pty(calls);
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
