package dev.confine;

import dev.confine.PropertyTable.Assignment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The disk image settings of services, parsed as systemd-run 257 parses them (bus-unit-util.c)
 * and checked as the manager checks them (dbus-execute.c, bus_read_mount_options,
 * image_policy_from_string), so that a value the manager would refuse is refused offline.
 */
final class ImageSettings {

  /**
   * The partition names of partition_designator_from_string from 253 on; 252 also knew
   * root-secondary, root-other and the like, which later managers refuse.
   */
  private static final List<String> PARTITIONS = List.of("root", "usr", "home", "srv", "esp",
      "xbootldr", "swap", "root-verity", "usr-verity", "root-verity-sig", "usr-verity-sig",
      "tmp", "var");

  /** The flags of policy_flag_from_string_one. */
  private static final List<String> POLICY_FLAGS = List.of("verity", "signed", "encrypted",
      "unprotected", "unused", "absent", "open", "ignore", "read-only-on", "read-only-off",
      "growfs-on", "growfs-off");

  /** systemd-run wants a root hash at least as long as an sd_id128_t. */
  private static final int ROOT_HASH_MIN_BYTES = 16;

  private static final String WHITESPACE = Values.SYSTEMD_WHITESPACE;
  /** What strstrip strips: systemd's whitespace at both ends. */
  private static final String AT_THE_ENDS = "\\A[" + WHITESPACE + "]+|[" + WHITESPACE + "]+\\z";

  private ImageSettings() {}

  /** RootHash=: an absolute path is sent as RootHashPath, anything else must be hex. */
  static List<Assignment> rootHash(String property, String value) {
    if (value.startsWith("/")) {
      return List.of(new Assignment("RootHashPath", "s", value));
    }
    String expected = "an absolute path, or a root hash in hex of at least " + ROOT_HASH_MIN_BYTES
        + " bytes";
    byte[] hash;
    try {
      // unhexmem skips whitespace anywhere, even between the two digits of a byte.
      hash = HexFormat.of().parseHex(value.replaceAll("[" + WHITESPACE + "]", ""));
    } catch (IllegalArgumentException notHex) {
      throw Values.invalid(property, value, expected + "; it is not hex");
    }
    if (hash.length < ROOT_HASH_MIN_BYTES) {
      throw Values.invalid(property, value, expected + "; it is too short");
    }
    return List.of(new Assignment(property, "ay", hash));
  }

  /** RootHashSignature=: an absolute path is sent as RootHashSignaturePath, else base64:DATA. */
  static List<Assignment> rootHashSignature(String property, String value) {
    if (value.startsWith("/")) {
      return List.of(new Assignment("RootHashSignaturePath", "s", value));
    }
    if (!value.startsWith("base64:")) {
      throw Values.invalid(property, value, "an absolute path, or base64: and the signature in"
          + " base64");
    }
    byte[] signature = Values.base64(property, value, value.substring("base64:".length()));
    return List.of(new Assignment(property, "ay", signature));
  }

  /**
   * RootImageOptions=: [PARTITION:]OPTIONS words (strv_split_colon_pairs), root where no
   * PARTITION is given; no words resets.
   */
  static List<Assignment> rootImageOptions(String property, String value) {
    List<List<Object>> options = new ArrayList<>();
    for (String tuple : Values.wordsKeepingBackslashes(property, value)) {
      List<String> words = Values.colonSeparatedWords(property, value, tuple);
      if (words.size() > 2) {
        throw Values.invalid(property, value, "[PARTITION:]OPTIONS words; '" + tuple
            + "' has more than two parts");
      }
      options.addAll(mountOptions(property, value, words));
    }
    return List.of(new Assignment(property, "a(ss)", List.copyOf(options)));
  }

  /** MountImages=: [-]IMAGE:PATH[:[PARTITION:]OPTIONS…] words; no words resets. */
  static List<Assignment> mountImages(String property, String value) {
    return List.of(new Assignment(property, "a(ssba(ss))", images(property, value, true)));
  }

  /** ExtensionImages=: [-]IMAGE[:[PARTITION:]OPTIONS…] words; no words resets. */
  static List<Assignment> extensionImages(String property, String value) {
    return List.of(new Assignment(property, "a(sba(ss))", images(property, value, false)));
  }

  /**
   * The images of MountImages= ({@code mounted}: each with a destination) or ExtensionImages=:
   * a '-' first ignores a missing image, then PARTITION:OPTIONS pairs, a last lone OPTIONS for
   * root. The manager wants absolute, normalized paths.
   */
  private static List<List<Object>> images(String property, String value, boolean mounted) {
    String expected = mounted ? "[-]IMAGE:PATH[:[PARTITION:]OPTIONS…] words"
        : "[-]IMAGE[:[PARTITION:]OPTIONS…] words";
    int firstOption = mounted ? 2 : 1;
    List<List<Object>> images = new ArrayList<>();
    for (String tuple : Values.wordsKeepingBackslashes(property, value)) {
      List<String> words = Values.colonSeparatedWords(property, value, tuple);
      if (words.isEmpty()) {
        continue; // systemd-run skips a word of only colons
      }
      if (words.size() < firstOption) {
        throw Values.invalid(property, value, expected + "; '" + tuple + "' has no PATH after ':'");
      }
      boolean permissive = words.get(0).startsWith("-");
      List<Object> image = new ArrayList<>();
      image.add(normalizedPath(property, value, expected,
          permissive ? words.get(0).substring(1) : words.get(0)));
      if (mounted) {
        image.add(normalizedPath(property, value, expected, words.get(1)));
      }
      image.add(permissive);
      image.add(mountOptions(property, value, words.subList(firstOption, words.size())));
      images.add(List.copyOf(image));
    }
    return List.copyOf(images);
  }

  private static String normalizedPath(String property, String value, String expected,
      String path) {
    if (!PropertyTable.isAbsoluteNormalized(path)) {
      throw Values.invalid(property, value, expected + " with absolute, normalized paths; '" + path
          + "' is not one");
    }
    return path;
  }

  /**
   * PARTITION OPTIONS pairs of {@code words}, a last lone OPTIONS for root, as (partition,
   * options); bus_read_mount_options wants a known partition and options without whitespace.
   */
  private static List<List<Object>> mountOptions(String property, String value,
      List<String> words) {
    List<List<Object>> options = new ArrayList<>();
    for (int i = 0; i < words.size(); i += 2) {
      boolean lone = i + 1 == words.size();
      String partition = lone ? "root" : words.get(i);
      String mountOptions = words.get(lone ? i : i + 1);
      if (!PARTITIONS.contains(partition)) {
        throw Values.invalid(property, value, "mount options of known partitions; '" + partition
            + "' is not a partition: " + String.join(", ", PARTITIONS));
      }
      if (mountOptions.chars().anyMatch(c -> WHITESPACE.indexOf(c) >= 0)) {
        throw Values.invalid(property, value, "mount options without whitespace; '" + mountOptions
            + "' has some");
      }
      options.add(List.of(partition, mountOptions));
    }
    return List.copyOf(options);
  }

  /**
   * An image policy, sent as it is once image_policy_from_string takes it: -, * or ~, or
   * PARTITION=FLAGS rules joined by ':', each partition once, an empty PARTITION once for the
   * default; FLAGS joined by '+', or - for none. A backslash takes the next character at each
   * split, and whitespace around names and flags is skipped.
   */
  static List<Assignment> imagePolicy(String property, String value) {
    if (List.of("", "-", "*", "~").contains(value)) {
      return List.of(new Assignment(property, "s", value));
    }
    String expected = "an image policy: -, *, ~, or PARTITION=FLAG+FLAG… rules joined by ':'";
    Set<String> partitions = new HashSet<>();
    for (String rule : policySplit(property, value, value, ':', expected)) {
      String[] partitionAndFlags = Values.firstWord(rule, '=');
      if (partitionAndFlags == null || partitionAndFlags[1] == null) {
        throw Values.invalid(property, value, expected + "; '" + rule + "' has no '='");
      }
      String partition = partitionAndFlags[0].replaceAll(AT_THE_ENDS, "");
      if (!partition.isEmpty() && !PARTITIONS.contains(partition)) {
        throw Values.invalid(property, value, expected + "; '" + partition
            + "' is not a partition: " + String.join(", ", PARTITIONS));
      }
      if (!partitions.add(partition)) {
        throw Values.invalid(property, value, expected + "; "
            + (partition.isEmpty() ? "the default (no PARTITION)" : "'" + partition + "'")
            + " has two rules");
      }
      String flags = partitionAndFlags[1].replaceAll(AT_THE_ENDS, "");
      if (flags.isEmpty() || flags.equals("-")) {
        continue; // no flags
      }
      for (String flag : policySplit(property, value, flags, '+', expected)) {
        if (!POLICY_FLAGS.contains(flag.replaceAll(AT_THE_ENDS, ""))) {
          throw Values.invalid(property, value, expected + "; '" + flag + "' is not a flag: "
              + String.join(", ", POLICY_FLAGS));
        }
      }
    }
    return List.of(new Assignment(property, "s", value));
  }

  /**
   * The parts of {@code text} as extract_first_word splits it at {@code separator} with
   * EXTRACT_DONT_COALESCE_SEPARATORS: every separator ends a part, so parts may be empty.
   */
  private static List<String> policySplit(String property, String value, String text,
      char separator, String expected) {
    List<String> parts = new ArrayList<>();
    for (String rest = text; rest != null; ) {
      String[] part = Values.firstWord(rest, separator);
      if (part == null) {
        throw Values.invalid(property, value, expected + "; a backslash ends a part");
      }
      parts.add(part[0]);
      rest = part[1];
    }
    return parts;
  }
}
