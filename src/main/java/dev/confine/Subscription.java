package dev.confine;

/** A stream of notifications from systemd; closing it ends the stream. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
