package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.confine.PropertyTable.Property;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The generated values of {@link GrammarFuzzTest} that confine takes, sent to the VM's systemd:
 * each must be taken there too. A fixed seed draws the same corpus every run, for services, of the
 * properties this systemd has; it leaves out those whose values could reach beyond the service
 * (dependencies on other units, a slice, actions such as poweroff).
 */
@Tag("vm")
class GrammarFuzzVmTest {
  private static final long SEED = 20261203L;
  private static final int CORPUS = 80;

  @Test
  void systemdTakesWhatConfineTakes() throws Exception {
    List<String> disagreements = new ArrayList<>();
    // Undelegated controllers are no grammar question: a limit on one is sent all the same.
    try (Systemd systemd = Systemd.connect(Manager.forCurrentUser()).allowUndelegated(true)) {
      int version = systemd.majorVersion();
      List<Property> properties = PropertyTable.ALL.stream()
          .filter(p -> p.types().contains(UnitType.SERVICE) && p.since(UnitType.SERVICE) <= version)
          .filter(p -> !p.group().equals("dependencies") && !p.name().equals("Slice")
              && !p.name().endsWith("Action") && !p.name().equals("RebootArgument"))
          .toList();
      Random random = new Random(SEED);
      int sent = 0;
      for (int draws = 0; sent < CORPUS; draws++) {
        assertTrue(draws < 100 * CORPUS, "the generator hardly makes values confine takes");
        Property property = properties.get(random.nextInt(properties.size()));
        String value = GrammarFuzzTest.value(random);
        ServiceSpec spec;
        try {
          spec = ServiceSpec.builder(List.of("true")).name("confine-fuzz-" + sent)
              .property(property.name(), value).build();
        } catch (InvalidPropertyException refused) {
          continue;
        }
        sent++;
        try {
          systemd.startQueued(spec);
        } catch (SystemdException e) {
          disagreements.add(property.name() + "=" + value + ": " + e.getMessage());
        }
      }
    } finally {
      cleanUp();
    }
    assertEquals(List.of(), disagreements);
  }

  /** Stops what is still running (RemainAfterExit=yes, Restart=) and forgets what failed. */
  private static void cleanUp() throws IOException, InterruptedException {
    for (String verb : new String[] {"stop", "reset-failed"}) {
      List<String> command = new ArrayList<>(List.of("systemctl"));
      if (!dev.confine.vm.Guest.ROOT) {
        command.add("--user");
      }
      command.addAll(List.of(verb, "confine-fuzz-*"));
      new ProcessBuilder(command).inheritIO().start().waitFor();
    }
  }
}
