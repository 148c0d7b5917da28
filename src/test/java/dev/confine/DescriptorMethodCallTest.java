package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.FileDescriptor;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.MessageFactory;
import org.freedesktop.dbus.messages.constants.Endian;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;

/** The UNIX_FDS header of a call whose descriptors sit inside a(sv), as StartTransientUnit's do. */
class DescriptorMethodCallTest {
  /** Header field 9 (UNIX_FDS), variant of signature "u", then the count: little-endian. */
  private static final byte[] THREE_DESCRIPTORS = {9, 1, 'u', 0, 3, 0, 0, 0};

  private static final List<Object[]> STDIO = List.of(
      new Object[] {"StandardInputFileDescriptor", new Variant<>(new FileDescriptor(0), "h")},
      new Object[] {"StandardOutputFileDescriptor", new Variant<>(new FileDescriptor(1), "h")},
      new Object[] {"Description", new Variant<>("x")},
      new Object[] {"StandardErrorFileDescriptor", new Variant<>(new FileDescriptor(2), "h")});

  @Test
  void countsDescriptorsAtAnyDepth() {
    assertTrue(DescriptorMethodCall.carriesDescriptors("a.service", "fail", STDIO, List.of()));
    assertTrue(DescriptorMethodCall.carriesDescriptors(Map.of("k", new Variant<>(new FileDescriptor(5), "h"))));
    assertFalse(DescriptorMethodCall.carriesDescriptors("a.service", "fail",
        List.<Object[]>of(new Object[] {"Description", new Variant<>("x")}), List.of()));
  }

  @Test
  void theWireCarriesTheTrueCountWhereDbusJavaCountsNone() throws Exception {
    Object[] args = {"a.service", "fail", STDIO, List.of()};
    String signature = "ssa(sv)a(sa(sv))";
    byte[] ours = bytes(new DescriptorMethodCall(Endian.LITTLE, SystemdBus.DESTINATION,
        SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "StartTransientUnit", signature, args));
    MethodCall plain = new MessageFactory(Endian.LITTLE).createMethodCall(SystemdBus.DESTINATION,
        SystemdBus.MANAGER_PATH, SystemdBus.MANAGER, "StartTransientUnit", (byte) 0, signature, args);
    byte[] theirs = bytes(plain);
    assertTrue(contains(ours, THREE_DESCRIPTORS));
    assertFalse(contains(theirs, THREE_DESCRIPTORS), "dbus-java fixed its count: the workaround can go");
    // The same message otherwise: only the header field (8 bytes, 8-aligned) was added.
    assertEquals(theirs.length + THREE_DESCRIPTORS.length, ours.length);
  }

  private static byte[] bytes(Message message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : message.getWireData()) {
      if (part != null) {
        out.writeBytes(part);
      }
    }
    return out.toByteArray();
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
