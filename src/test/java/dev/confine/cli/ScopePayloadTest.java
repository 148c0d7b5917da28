package dev.confine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.confine.Manager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What confine does to a scope's command line before it runs it, as systemd-run does. */
class ScopePayloadTest {
  private static final Map<String, String> ENVIRONMENT = Map.of("X", "1", "WORDS", " a  b ", "EMPTY", "");

  @Test
  void expandsAsSystemdDoesForExecStart() {
    assertEquals(List.of("echo", "a", "b", "1", "<1>", "[ a  b ]", "$X", "", "d", "1"),
        ScopePayload.expand(List.of("echo", "$WORDS", "$X", "<${X}>", "[${WORDS}]", "$$X",
            "${UNSET}", "${EMPTY:-d}", "${X:+1}"), ENVIRONMENT));
  }

  @Test
  void aWholeWordReferenceToNothingIsNoWord() {
    assertEquals(List.of("echo", "end"), ScopePayload.expand(List.of("echo", "$UNSET", "$EMPTY", "end"), ENVIRONMENT));
  }

  @Test
  void aBareReferenceInsideAWordStays() {
    assertEquals(List.of("a$X", "$"), ScopePayload.expand(List.of("a$X", "$$"), ENVIRONMENT));
  }

  @Test
  void niceAndIdentityGoInFront() {
    assertEquals(List.of("setpriv", "--regid=wheel", "--keep-groups", "--", "true"),
        ScopePayload.command(List.of("true"), ENVIRONMENT, false, null, "wheel", null));
    assertEquals(List.of("setpriv", "--reuid=nobody", "--regid=65534", "--init-groups", "--", "true"),
        ScopePayload.command(List.of("true"), ENVIRONMENT, false,
            new ScopePayload.Account("nobody", "65534", "/nonexistent", "/usr/sbin/nologin"), null, null));
  }

  @Test
  void theSliceToInheritIsTheLastOneOnTheManagersOwnPath() {
    assertEquals("user-1000.slice",
        Slices.ownSlice(Manager.SYSTEM, "/user.slice/user-1000.slice/session-3.scope"));
    assertEquals("app.slice", Slices.ownSlice(Manager.USER,
        "/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope"));
    assertEquals("app-web.slice", Slices.ownSlice(Manager.USER,
        "/user.slice/user-1000.slice/user@1000.service/app.slice/app-web.slice/x.service"));
    assertEquals("-.slice", Slices.ownSlice(Manager.USER,
        "/user.slice/user-1000.slice/user@1000.service/x.scope"));
    assertEquals("-.slice", Slices.ownSlice(Manager.SYSTEM, "/init.scope"));
  }
}
