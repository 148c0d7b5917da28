package dev.confine;

/**
 * A size in bytes, for memory limits and IO bandwidth. Never negative. Its {@link #toString()} is
 * the exact unit-file value, so a limit set through it reaches systemd unrounded.
 */
public final class Bytes {
  private final long value;

  private Bytes(long value) {
    if (value < 0) {
      throw new InvalidPropertyException("a size cannot be negative: " + value);
    }
    this.value = value;
  }

  public static Bytes of(long bytes) {
    return new Bytes(bytes);
  }

  public static Bytes kibibytes(long kib) {
    return new Bytes(Math.multiplyExact(kib, 1L << 10));
  }

  public static Bytes mebibytes(long mib) {
    return new Bytes(Math.multiplyExact(mib, 1L << 20));
  }

  public static Bytes gibibytes(long gib) {
    return new Bytes(Math.multiplyExact(gib, 1L << 30));
  }

  /** A size as unit files write it: {@code 512M}, {@code 1.5G}, {@code 1048576} (base 1024). */
  public static Bytes parse(String size) {
    return new Bytes(Values.bytes("size", size));
  }

  public long value() {
    return value;
  }

  /** For people, as systemctl shows sizes: {@code 20M}, {@code 1.5G}, {@code 512B}. */
  public String toHumanString() {
    return Formats.bytes(value);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes bytes && bytes.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
