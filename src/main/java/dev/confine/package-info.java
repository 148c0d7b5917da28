/**
 * Transient systemd scopes and services with cgroup limits and delegation, over D-Bus.
 *
 * <p>Most users need only {@link dev.confine.Systemd}, {@link dev.confine.ScopeSpec} and {@link
 * dev.confine.ServiceSpec}:
 *
 * <pre>{@code
 * try (Systemd systemd = Systemd.connect(Manager.USER)) {
 *   ScopeSpec spec = ScopeSpec.builder().property("MemoryMax", "512M").cpuQuota(50).build();
 *   ScopedProcess job = systemd.launch(spec, new ProcessBuilder("make", "-j8").inheritIO());
 *   System.exit(job.waitFor());
 * }
 * }</pre>
 *
 * <p>Properties take systemd's unit-file syntax and are checked against confine's property table
 * as they are set ({@link dev.confine.InvalidPropertyException}); {@link dev.confine.PropertyInfo}
 * lists the table. Running units are watched and steered through the same {@link
 * dev.confine.Systemd}: {@code list}, {@code status}, {@code set}, {@code freeze}, {@code kill},
 * {@code attach}, {@code awaitExit}, {@code watchUnits}, each with an {@code …Async} variant.
 * Failures reported by systemd are {@link dev.confine.SystemdException}s. {@link dev.confine.Doctor}
 * tells whether confine can work on this machine and what to fix; {@link dev.confine.UserDelegation}
 * delegates every limit controller to user managers; {@link dev.confine.Cgroup} is for a program
 * that manages the cgroup tree a unit with {@code Delegate=yes} handed to it.
 * Everything else in this package, the D-Bus layer included, is internal.
 */
package dev.confine;
