package dev.confine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.confine.UnitExit;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void recordsBecomeObjectsKeyedByTheirComponents() {
    assertEquals("{\"unit\":\"x.service\",\"result\":\"oom-kill\",\"code\":\"killed\",\"status\":9,"
            + "\"explanation\":\"killed by the OOM killer\"}",
        Json.write(new UnitExit("x.service", "oom-kill", "killed", 9, Optional.of("killed by the OOM killer"))));
  }

  @Test
  void emptyOptionalsAreNullAndStringsAreEscaped() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("none", OptionalLong.empty());
    value.put("some", OptionalLong.of(5));
    value.put("text", "a \"quoted\"\\path\n\u0001");
    value.put("list", List.of(true, 1.5, new BigInteger("18446744073709551615")));
    assertEquals("{\"none\":null,\"some\":5,\"text\":\"a \\\"quoted\\\"\\\\path\\n\\u0001\","
        + "\"list\":[true,1.5,18446744073709551615]}", Json.write(value));
  }
}
