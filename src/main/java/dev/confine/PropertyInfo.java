package dev.confine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A read-only view of one entry of confine's property table, for help and completion.
 *
 * @param name the unit-file name, as {@code -p NAME=VALUE} takes it
 * @param wire the D-Bus property name(s) and signature(s) it is sent as
 * @param unitTypes {@code scope} and/or {@code service}
 * @param creationOnly whether it can only be set when the unit is created
 * @param sinceSystemd the first systemd version that knows it
 * @param controller the cgroup controller it needs, if any
 * @param summary what it does and what values it takes
 */
public record PropertyInfo(String name, String wire, Set<String> unitTypes, boolean creationOnly,
    int sinceSystemd, Optional<String> controller, String summary) {

  /** Every property confine knows, in table order. */
  public static List<PropertyInfo> all() {
    return PropertyTable.ALL.stream()
        .map(p -> new PropertyInfo(p.name(), p.wire(),
            p.types().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()),
            p.creationOnly(), p.since(), Optional.ofNullable(p.controller()), p.summary()))
        .collect(Collectors.toUnmodifiableList());
  }
}
