/**
 * How confine's bus connections reach a socket: dbus-java service providers, public only because
 * {@link java.util.ServiceLoader} needs them so. Not API: nothing here is for confine's users.
 *
 * <p>A connection uses the JDK's own unix sockets ({@code unix:} addresses), unless it must pass
 * file descriptors, which only junixsocket can: that one connection (a {@code confine-fd:}
 * address) loads junixsocket and its native library.
 */
package dev.confine.bus;
