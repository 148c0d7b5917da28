package dev.confine;

import java.util.BitSet;

/** A set of CPUs or NUMA memory nodes, for AllowedCPUs and AllowedMemoryNodes. Immutable. */
public final class CpuSet {
  private final BitSet members;

  private CpuSet(BitSet members) {
    this.members = members;
  }

  /** The listed CPUs, e.g. {@code CpuSet.of(0, 2)}. */
  public static CpuSet of(int... cpus) {
    BitSet members = new BitSet();
    for (int cpu : cpus) {
      if (cpu < 0) {
        throw new InvalidPropertyException("a CPU number cannot be negative: " + cpu);
      }
      members.set(cpu);
    }
    return parse(new CpuSet(members).toString());
  }

  /** CPUs {@code first} to {@code last}, both included. */
  public static CpuSet range(int first, int last) {
    return parse(first + "-" + last);
  }

  /** A list as unit files write it: {@code 0-3,6} or {@code 0 2}. */
  public static CpuSet parse(String list) {
    return new CpuSet(BitSet.valueOf(Values.cpuSet("CPU set", list)));
  }

  public boolean contains(int cpu) {
    return members.get(cpu);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CpuSet set && set.members.equals(members);
  }

  @Override
  public int hashCode() {
    return members.hashCode();
  }

  /** The unit-file form, ranges joined by commas: {@code 0-3,6}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (int first = members.nextSetBit(0); first >= 0; first = members.nextSetBit(first + 1)) {
      int last = members.nextClearBit(first) - 1;
      text.append(text.length() == 0 ? "" : ",").append(first == last ? first : first + "-" + last);
      first = last;
    }
    return text.toString();
  }
}
