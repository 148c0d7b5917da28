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
 * @param group what it is about: memory, cpu, io, sandboxing …
 * @param wire the D-Bus property name(s) and signature(s) it is sent as
 * @param unitTypes the unit types that take it: {@code scope}, {@code service}, {@code timer},
 *     {@code path}
 * @param creationOnly whether it can only be set when the unit is created
 * @param sinceSystemd the first systemd version that takes it (on services, when that differs)
 * @param scopesSinceSystemd the first systemd version that takes it on scopes
 * @param controller the cgroup controller it needs, if any
 * @param summary what it does and what values it takes
 */
public record PropertyInfo(String name, String group, String wire, Set<String> unitTypes,
    boolean creationOnly, int sinceSystemd, int scopesSinceSystemd, Optional<String> controller,
    String summary) {

  /** Every property confine knows, in table order (grouped). */
  public static List<PropertyInfo> all() {
    return PropertyTable.ALL.stream().map(PropertyInfo::of).collect(Collectors.toUnmodifiableList());
  }

  /**
   * The property of this exact name.
   *
   * @throws InvalidPropertyException naming the nearest real property, when there is no such one
   */
  public static PropertyInfo named(String name) {
    return of(PropertyTable.require(name));
  }

  private static PropertyInfo of(PropertyTable.Property p) {
    return new PropertyInfo(p.name(), p.group(), p.wire(),
        p.types().stream().map(t -> t.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet()),
        p.creationOnly(), p.since(UnitType.SERVICE), p.since(UnitType.SCOPE),
        Optional.ofNullable(p.controller()), p.summary());
  }
}
