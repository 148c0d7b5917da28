package dev.confine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.FileDescriptor;
import org.freedesktop.dbus.Container;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.constants.ArgumentType;
import org.freedesktop.dbus.messages.constants.HeaderField;
import org.freedesktop.dbus.messages.constants.MessageTypes;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * A method call whose file descriptors may sit inside variants, structs and arrays, as
 * {@code StandardInputFileDescriptor} does in {@code a(sv)}. dbus-java 5.x counts only top-level
 * descriptors for the {@code UNIX_FDS} header, and a bus drops a message whose header disagrees
 * with the descriptors that came along. This call goes on the wire as dbus-java would write it,
 * plus that header with the true count.
 */
final class DescriptorMethodCall extends MethodCall {
  private final byte[][] wire;

  DescriptorMethodCall(byte endian, String destination, String path, String iface, String member,
      String signature, Object... args) throws DBusException {
    super(endian, destination, path, iface, member, (byte) 0, signature, args);
    wire = new Wire(endian, getSerial(), destination, path, iface, member, signature, args).getWireData();
  }

  @Override
  public byte[][] getWireData() {
    return wire;
  }

  /** Whether any argument holds a file descriptor, at any depth. */
  static boolean carriesDescriptors(Object... args) {
    return count(args) > 0;
  }

  private static long count(Object value) {
    if (value instanceof FileDescriptor) {
      return 1;
    } else if (value instanceof Variant<?> variant) {
      return count(variant.getValue());
    } else if (value instanceof Container container) {
      return count(container.getParameters());
    } else if (value instanceof Object[] array) {
      long n = 0;
      for (Object element : array) {
        n += count(element);
      }
      return n;
    } else if (value instanceof Collection<?> collection) {
      return count(collection.toArray());
    } else if (value instanceof Map<?, ?> map) {
      return count(map.keySet().toArray()) + count(map.values().toArray());
    }
    return 0;
  }

  /** The same message, marshalled with the UNIX_FDS header (the protected API allows that much). */
  private static final class Wire extends Message {
    Wire(byte endian, long serial, String destination, String path, String iface, String member,
        String signature, Object... args) throws DBusException {
      super(endian, MessageTypes.METHOD_CALL.getId(), (byte) 0);
      List<Object> header = new ArrayList<>();
      header.add(createHeaderArgs(HeaderField.PATH, ArgumentType.OBJECT_PATH_STRING, path));
      header.add(createHeaderArgs(HeaderField.DESTINATION, ArgumentType.STRING_STRING, destination));
      header.add(createHeaderArgs(HeaderField.INTERFACE, ArgumentType.STRING_STRING, iface));
      header.add(createHeaderArgs(HeaderField.MEMBER, ArgumentType.STRING_STRING, member));
      header.add(createHeaderArgs(HeaderField.SIGNATURE, ArgumentType.SIGNATURE_STRING, signature));
      header.add(createHeaderArgs(HeaderField.UNIX_FDS, ArgumentType.UINT32_STRING, new UInt32(count(args))));
      padAndMarshall(header, serial, signature, args);
    }
  }
}
