package dev.confine;

import java.util.Map;
import java.util.OptionalLong;

/**
 * One line of {@code confine list} and {@code confine top}: a transient unit, its state, its use
 * now and its main limits.
 *
 * @param unit the unit's name
 * @param description its Description=
 * @param activeState {@code active}, {@code failed} …
 * @param subState {@code running}, {@code abandoned} …
 * @param memoryCurrent bytes now, when memory is accounted
 * @param cpuUsageNanos CPU time consumed, when CPU is accounted
 * @param tasksCurrent processes and threads now
 * @param limits MemoryMax, MemoryHigh, CPUQuota and TasksMax where set ({@code MemoryMax → 20M})
 */
public record UnitSummary(String unit, String description, String activeState, String subState,
    OptionalLong memoryCurrent, OptionalLong cpuUsageNanos, OptionalLong tasksCurrent,
    Map<String, String> limits) {}
