package dev.confine.cli;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Calls into the C library through the JDK's foreign function API (java.lang.foreign), found by
 * reflection: confine is built for Java 17, which lacks that API, and the pseudo-terminal needs a
 * handful of calls nothing else in the JDK makes. The API is final in Java 22 and a preview in
 * Java 21, with the same names for all used here; reached by reflection, Java 21's needs no
 * {@code --enable-preview} (measured on trixie's 21.0.13).
 *
 * <p>Only {@code int} and {@code long} arguments, and memory from {@link #allocate}.
 */
final class ForeignCalls {
  /** The first Java version whose java.lang.foreign has the names used here. */
  static final int FIRST_JAVA = 21;

  private final Object linker;
  private final Object lookup;
  private final Object arena;
  private final Class<?> memoryLayout;
  private final Class<?> linkerOption;
  private final Object intLayout;
  private final Object longLayout;
  private final Object addressLayout;
  private final Method getInt;
  private final Method setInt;
  private final Method find;
  private final Method functionDescriptor;
  private final Method downcallHandle;
  private final Method firstVariadicArg;
  private final Method allocate;

  private ForeignCalls() throws ReflectiveOperationException {
    Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
    Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
    Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
    Class<?> memorySegment = Class.forName("java.lang.foreign.MemorySegment");
    memoryLayout = Class.forName("java.lang.foreign.MemoryLayout");
    linkerOption = Class.forName("java.lang.foreign.Linker$Option");
    linker = linkerClass.getMethod("nativeLinker").invoke(null);
    lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
    // Memory lives as long as this object: a pseudo-terminal session.
    arena = arenaClass.getMethod("ofAuto").invoke(null);
    intLayout = valueLayout.getField("JAVA_INT").get(null);
    longLayout = valueLayout.getField("JAVA_LONG").get(null);
    addressLayout = valueLayout.getField("ADDRESS").get(null);
    Class<?> ofInt = Class.forName("java.lang.foreign.ValueLayout$OfInt");
    getInt = memorySegment.getMethod("get", ofInt, long.class);
    setInt = memorySegment.getMethod("set", ofInt, long.class, int.class);
    find = Class.forName("java.lang.foreign.SymbolLookup").getMethod("find", String.class);
    Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
    Class<?> layouts = Array.newInstance(memoryLayout, 0).getClass();
    functionDescriptor = descriptorClass.getMethod("of", memoryLayout, layouts);
    Class<?> options = Array.newInstance(linkerOption, 0).getClass();
    downcallHandle = linkerClass.getMethod("downcallHandle", memorySegment, descriptorClass, options);
    firstVariadicArg = linkerOption.getMethod("firstVariadicArg", int.class);
    allocate = Class.forName("java.lang.foreign.SegmentAllocator").getMethod("allocate", long.class);
  }

  /** The C library's functions for {@code purpose}, or why they cannot be had on this JVM. */
  static ForeignCalls load(String purpose) {
    int feature = Runtime.version().feature();
    if (feature < FIRST_JAVA) {
      throw new UnsupportedOperationException(purpose + " needs Java " + FIRST_JAVA + " or later (it calls the C"
          + " library); this JVM is Java " + feature + ": point JAVA_HOME at a newer one");
    }
    try {
      return new ForeignCalls();
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
      throw new UnsupportedOperationException(purpose + " needs the C library, which this JVM does not let"
          + " confine call: " + cause, cause);
    }
  }

  /**
   * A C function returning {@code int}, taking {@code int}s ('i'), {@code long}s ('l') and
   * pointers ('p') as {@code signature} lists them; with {@code variadicFrom} >= 0 the arguments
   * from that index on are the variadic ones ({@code ioctl}).
   */
  MethodHandle function(String name, String signature, int variadicFrom) {
    try {
      Object symbol = ((Optional<?>) find.invoke(lookup, name)).orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name));
      Object arguments = Array.newInstance(memoryLayout, signature.length());
      for (int i = 0; i < signature.length(); i++) {
        Array.set(arguments, i, switch (signature.charAt(i)) {
          case 'i' -> intLayout;
          case 'l' -> longLayout;
          case 'p' -> addressLayout;
          default -> throw new IllegalArgumentException(signature);
        });
      }
      Object descriptor = functionDescriptor.invoke(null, intLayout, arguments);
      Object options = Array.newInstance(linkerOption, variadicFrom < 0 ? 0 : 1);
      if (variadicFrom >= 0) {
        Array.set(options, 0, firstVariadicArg.invoke(null, variadicFrom));
      }
      return (MethodHandle) downcallHandle.invoke(linker, symbol, descriptor, options);
    } catch (ReflectiveOperationException e) {
      throw new UnsupportedOperationException("cannot call " + name + ": " + e, e);
    }
  }

  /** Zeroed native memory of {@code bytes} bytes, for a pointer argument. */
  Object allocate(long bytes) {
    try {
      return allocate.invoke(arena, bytes);
    } catch (ReflectiveOperationException e) {
      throw new UnsupportedOperationException("cannot allocate native memory: " + e, e);
    }
  }

  int getInt(Object segment, long offset) {
    try {
      return (int) getInt.invoke(segment, intLayout, offset);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  void setInt(Object segment, long offset, int value) {
    try {
      setInt.invoke(segment, intLayout, offset, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A copy of a segment's bytes, to restore later with {@link #write}. */
  byte[] read(Object segment, int bytes) {
    byte[] copy = new byte[bytes];
    for (int i = 0; i < bytes; i += 4) {
      int value = getInt(segment, i);
      for (int b = 0; b < 4 && i + b < bytes; b++) {
        copy[i + b] = (byte) (value >>> (8 * b));
      }
    }
    return copy;
  }

  void write(Object segment, byte[] bytes) {
    for (int i = 0; i < bytes.length; i += 4) {
      int value = 0;
      for (int b = 0; b < 4 && i + b < bytes.length; b++) {
        value |= (bytes[i + b] & 0xff) << (8 * b);
      }
      setInt(segment, i, value);
    }
  }
}
