package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The drop-in confine installs is the one in units/, built into the jar. */
class UserDelegationTest {
  @Test
  void theDropInIsUnitsDelegateConfAndDelegatesEveryLimitController() throws Exception {
    String content = UserDelegation.content();

    assertEquals(Files.readString(Path.of("units/user@.service.d/delegate.conf")), content);
    assertEquals(Set.of("cpu", "cpuset", "io", "memory", "pids"), UserDelegation.delegated(content));
    assertEquals(Enforcement.LIMIT_CONTROLLERS, UserDelegation.delegated(content));
  }
}
