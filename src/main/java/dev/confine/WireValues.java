package dev.confine;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/**
 * Between the property table's plain Java values (t=Long, u=Integer holding unsigned bits,
 * q=Integer, ay=byte[], structs as List) and dbus-java's types, in both directions.
 */
final class WireValues {
  private WireValues() {}

  /** The D-Bus variant for a table value of the given signature. */
  static Variant<?> variant(Object value, String signature) {
    return new Variant<>(dbus(value, signature), signature);
  }

  /** A table value of the given signature as dbus-java sends it. */
  static Object dbus(Object value, String signature) {
    switch (signature.charAt(0)) {
      case 't':
        return new UInt64(new BigInteger(Long.toUnsignedString((Long) value)));
      case 'u':
        return new UInt32(Integer.toUnsignedLong((Integer) value));
      case 'q':
        return new UInt16((Integer) value);
      case 'a':
        if (signature.equals("ay")) {
          return value;
        }
        String element = signature.substring(1);
        return ((List<?>) value).stream().map(e -> dbus(e, element)).toList();
      case '(':
        List<String> fields = fieldSignatures(signature.substring(1, signature.length() - 1));
        List<?> values = (List<?>) value;
        Object[] struct = new Object[fields.size()];
        for (int i = 0; i < struct.length; i++) {
          struct[i] = dbus(values.get(i), fields.get(i));
        }
        return struct;
      default:
        return value;
    }
  }

  /** The number of fields of a complete type: those of a struct, else one. */
  static int fieldCount(String type) {
    return type.startsWith("(") ? fieldSignatures(type.substring(1, type.length() - 1)).size() : 1;
  }

  /** The complete types of a struct's body, e.g. {@code iayu} → i, ay, u. */
  private static List<String> fieldSignatures(String body) {
    List<String> fields = new ArrayList<>();
    for (int start = 0; start < body.length(); ) {
      int end = typeEnd(body, start);
      fields.add(body.substring(start, end));
      start = end;
    }
    return fields;
  }

  private static int typeEnd(String signature, int start) {
    char c = signature.charAt(start);
    if (c == 'a') {
      return typeEnd(signature, start + 1);
    }
    if (c != '(') {
      return start + 1;
    }
    int depth = 0;
    for (int i = start; ; i++) {
      depth += signature.charAt(i) == '(' ? 1 : signature.charAt(i) == ')' ? -1 : 0;
      if (depth == 0) {
        return i + 1;
      }
    }
  }

  /** A table value as text for comparison: unsigned numbers, byte arrays in hex. */
  static String text(Object value, String signature) {
    return text(dbus(value, signature));
  }

  /**
   * A value as dbus-java returned it, as text for comparison: unsigned numbers, byte arrays in hex
   * without trailing zero bytes (systemd pads CPU masks), arrays and structs as {@code [a, b]}.
   */
  static String text(Object value) {
    if (value instanceof UInt64 u) {
      return u.value().toString();
    }
    if (value instanceof UInt32 u) {
      return Long.toString(u.longValue());
    }
    if (value instanceof byte[] bytes) {
      int length = bytes.length;
      while (length > 0 && bytes[length - 1] == 0) {
        length--;
      }
      return "0x" + HexFormat.of().formatHex(bytes, 0, length);
    }
    if (value instanceof Struct struct) {
      return text(fields(struct));
    }
    if (value instanceof Object[] array) {
      return text(elements(array));
    }
    if (isByteList(value)) {
      return text(bytes(value));
    }
    if (value instanceof List<?> list) {
      List<String> items = list.stream().map(WireValues::text).toList();
      return items.toString();
    }
    return String.valueOf(value);
  }

  /** dbus-java returns some {@code ay} values as a List of Byte. */
  private static boolean isByteList(Object value) {
    return value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(Byte.class::isInstance);
  }

  /** The elements of an array as dbus-java returns it (a List or an Object[]); none otherwise. */
  static List<?> elements(Object value) {
    if (value instanceof Object[] array) {
      return List.of(array);
    }
    return value instanceof List<?> list ? list : List.of();
  }

  /** The fields of a struct as dbus-java returns it (a Struct, a List or an Object[]). */
  static List<?> fields(Object value) {
    if (value instanceof Struct struct) {
      return List.of(struct.getParameters());
    }
    return elements(value);
  }

  /** An {@code ay} as dbus-java returns it: a byte[], or a List of Byte. */
  static byte[] bytes(Object value) {
    if (value instanceof byte[] array) {
      return array;
    }
    List<?> list = elements(value);
    byte[] array = new byte[list.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = ((Number) list.get(i)).byteValue();
    }
    return array;
  }

  /**
   * A value as dbus-java returned it, as plain Java for callers: unsigned numbers as Long (BigInteger
   * above 2^63), object paths as String, byte arrays in hex, arrays and structs as List.
   */
  static Object plain(Object value) {
    if (value instanceof UInt64 u) {
      BigInteger v = u.value();
      return v.bitLength() > 63 ? v : (Object) v.longValue();
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof byte[] || isByteList(value)) {
      return text(value);
    }
    if (value instanceof Struct || value instanceof Object[] || value instanceof List<?>) {
      return fields(value).stream().map(WireValues::plain).toList();
    }
    if (value instanceof Boolean || value instanceof String) {
      return value;
    }
    return String.valueOf(value);
  }
}
