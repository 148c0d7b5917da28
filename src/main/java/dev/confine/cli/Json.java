package dev.confine.cli;

import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * confine's --json output: one compact JSON value per line. Records become objects keyed by
 * their component names, so the library's result types are the documented schema; an empty
 * Optional is null.
 */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  /**
   * A flat object as systemd's pretty JSON prints it (systemd-run --json=pretty): one member per
   * line, indented by a tab, {@code "name" : value}.
   */
  static String pretty(Map<String, ?> members) {
    StringBuilder out = new StringBuilder("{");
    String separator = "\n";
    for (Map.Entry<String, ?> member : members.entrySet()) {
      out.append(separator).append('\t');
      string(member.getKey(), out);
      out.append(" : ");
      write(member.getValue(), out);
      separator = ",\n";
    }
    return out.append("\n}").toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value instanceof Optional<?> optional) {
      write(optional.orElse(null), out);
    } else if (value instanceof OptionalLong optional) {
      write(optional.isPresent() ? optional.getAsLong() : null, out);
    } else if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer
        || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof Double d) {
      out.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(separator);
        string(String.valueOf(entry.getKey()), out);
        out.append(':');
        write(entry.getValue(), out);
        separator = ",";
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      String separator = "";
      for (Object element : list) {
        out.append(separator);
        write(element, out);
        separator = ",";
      }
      out.append(']');
    } else if (value instanceof Record record) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        try {
          fields.put(component.getName(), component.getAccessor().invoke(record));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + component, e);
        }
      }
      write(fields, out);
    } else if (value instanceof Instant || value instanceof CharSequence || value instanceof Enum<?>) {
      string(value.toString(), out);
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass());
    }
  }

  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
