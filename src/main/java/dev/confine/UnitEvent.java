package dev.confine;

import java.time.Instant;
import java.util.Map;

/**
 * A change of a transient unit's properties, as systemd announced it (PropertiesChanged).
 *
 * @param time when confine received it
 * @param unit the unit's name
 * @param iface the interface whose properties changed: {@code Unit}, {@code Service}, {@code Scope}
 * @param changed the new values: String, Boolean, Long, BigInteger (above 2^63), List
 */
public record UnitEvent(Instant time, String unit, String iface, Map<String, Object> changed) {}
