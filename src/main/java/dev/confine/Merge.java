package dev.confine;

import dev.confine.PropertyTable.Assignment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How systemd combines a D-Bus property assignment with earlier ones of the same name, when it
 * applies them one after the other, as it does those of one {@code StartTransientUnit} call.
 * Also how to compare what was sent with what systemd reports afterwards: as texts, for lists
 * only the sent elements (systemd may add its own, as ProtectClock=yes adds a DeviceAllow=).
 */
enum Merge {
  /** The value replaces the one before. */
  REPLACES,
  /**
   * An array: its elements are added to the list; an empty array empties it. systemd may report
   * more fields per element than it takes (an exec command's run-time status).
   */
  APPENDS,
  /**
   * A struct of arrays, as {@code (aiai)} exit statuses and signals: each array's elements are
   * added to the matching set; all arrays empty empties them.
   */
  UNITES,
  /**
   * {@code (bas)}: an allow list (true) or, with {@code ~}, a deny list of names. The first
   * assignment decides which; later ones of the same kind add names, of the other kind remove
   * them; no names empties the list.
   */
  ALLOWS_OR_DENIES;

  /** The merge of a D-Bus signature that needs no explicit one: arrays append, the rest replace. */
  static Merge of(String signature) {
    return signature.startsWith("a") && !signature.equals("ay") ? APPENDS : REPLACES;
  }

  /** Whether the value replaces what earlier assignments set, rather than adding to it. */
  boolean replaces(Object value) {
    return switch (this) {
      case REPLACES -> true;
      case APPENDS -> ((List<?>) value).isEmpty();
      case UNITES -> ((List<?>) value).stream().allMatch(field -> ((List<?>) field).isEmpty());
      case ALLOWS_OR_DENIES -> ((List<?>) ((List<?>) value).get(1)).isEmpty();
    };
  }

  /**
   * What systemd holds after these assignments of one name, in the order sent, as sorted texts:
   * the last value, or the elements they add up to.
   */
  List<String> expected(List<Assignment> sent) {
    Assignment last = sent.get(sent.size() - 1);
    if (this == REPLACES) {
      return List.of(WireValues.text(last.value(), last.signature()));
    }
    if (this == ALLOWS_OR_DENIES) {
      return allowedOrDenied(sent);
    }
    Set<String> elements = new LinkedHashSet<>();
    for (Assignment assignment : sent) {
      elements.addAll(elements(WireValues.dbus(assignment.value(), assignment.signature()),
          assignment.signature()));
    }
    return elements.stream().sorted().toList();
  }

  /**
   * What systemd reports, {@code stored} as dbus-java read it, in the form of {@link #expected}:
   * of a list, only the elements that were sent.
   */
  List<String> stored(Object stored, List<Assignment> sent) {
    if (this == REPLACES) {
      return List.of(WireValues.text(stored));
    }
    List<String> expected = expected(sent);
    List<Object> fields = new ArrayList<>(WireValues.fields(stored));
    List<String> reported = this == ALLOWS_OR_DENIES
        ? allowOrDenyTexts(fields.get(0), WireValues.elements(fields.get(1)))
        : elements(stored, sent.get(0).signature());
    return reported.stream().filter(expected::contains).distinct().sorted().toList();
  }

  /**
   * The elements of a value in dbus-java's form as texts; of a struct of arrays, each prefixed
   * by its field's position. A struct element is cut to the fields the signature has.
   */
  private List<String> elements(Object value, String signature) {
    if (this == UNITES) {
      List<String> texts = new ArrayList<>();
      List<?> fields = WireValues.fields(value);
      for (int i = 0; i < fields.size(); i++) {
        for (Object element : WireValues.elements(fields.get(i))) {
          texts.add("field " + (i + 1) + ": " + WireValues.text(element));
        }
      }
      return texts;
    }
    int width = WireValues.fieldCount(signature.substring(1));
    return WireValues.elements(value).stream()
        .map(element -> WireValues.text(List.of(width == 1 ? element
            : WireValues.fields(element).subList(0, width))))
        .toList();
  }

  /** The flag of the first assignment since the list was last emptied, and the names that remain. */
  private static List<String> allowedOrDenied(List<Assignment> sent) {
    Boolean allow = null;
    Set<String> names = new LinkedHashSet<>();
    for (Assignment assignment : sent) {
      List<?> value = (List<?>) assignment.value();
      List<?> words = (List<?>) value.get(1);
      if (words.isEmpty()) {
        allow = null;
        names.clear();
      } else if (allow == null || allow.equals(value.get(0))) {
        allow = allow == null ? (Boolean) value.get(0) : allow;
        words.forEach(word -> names.add(String.valueOf(word)));
      } else {
        words.forEach(names::remove);
      }
    }
    return allow == null ? List.of() : allowOrDenyTexts(allow, List.copyOf(names)).stream().sorted().toList();
  }

  private static List<String> allowOrDenyTexts(Object allow, List<?> names) {
    List<String> texts = new ArrayList<>();
    texts.add(Boolean.TRUE.equals(allow) ? "(allow list)" : "(deny list)");
    names.forEach(name -> texts.add(String.valueOf(name)));
    return texts;
  }
}
