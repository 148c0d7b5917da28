package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bus that goes away and comes back at the same address, as when dbus-daemon restarts: the
 * connection is made again with its subscription, and a listener that only waits learns of the
 * end only when the connection is closed. The VM tests prove the same against real systemd.
 */
@Timeout(30)
class ReconnectTest {
  @TempDir Path dir;

  @Test
  void aRestartedBusIsJoinedAgainWithTheSubscription() throws Exception {
    FakeSystemd first = FakeSystemd.start(dir);
    FakeSystemd second = null;
    try (Systemd systemd = Systemd.connect(Manager.USER, first.address());
        Subscription events = systemd.watchUnits(event -> {})) {
      assertEquals(1, first.subscribes());
      CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
        try {
          systemd.awaitClose();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      first.close();
      Files.deleteIfExists(dir.resolve("bus"));
      second = FakeSystemd.start(dir);
      while (second.subscribes() == 0) {
        Thread.sleep(50);
      }
      assertEquals(1, second.subscribes());
      assertEquals(FakeSystemd.VERSION, systemd.version());
      systemd.close();
      waiting.get(5, TimeUnit.SECONDS);
    } finally {
      if (second != null) {
        second.close();
      }
    }
  }
}
