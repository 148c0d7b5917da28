package dev.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** What confine says when systemd refuses a caller: what happened and what to do. */
class ErrorTranslatorTest {
  private static final String ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied";
  private static final String INTERACTIVE = "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired";
  private static final String RUN_AS_ROOT_OR_RULE = " Run as root, use the user manager (--user), or let one"
      + " dedicated account start and steer scopes named confine-<32 hex digits>.scope with"
      + " polkit/50-confine.rules (polkit/README.md in confine's sources).";
  private static final String BEFORE_257 = " systemd 252 does not tell polkit the name of a transient"
      + " unit (systemd 257 and later do), so no rule that allows only certain names, such as"
      + " polkit/50-confine.rules, can allow this start. Run as root, use the user manager (--user), or"
      + " run the program as a service with Delegate=yes that manages its own sub-cgroups"
      + " (units/delegated-launcher.service in confine's sources).";
  /** For calls whose message must not depend on the version: fails when asked. */
  private static final IntSupplier NOT_ASKED = () -> {
    throw new AssertionError("the version was asked for");
  };

  @Test
  void noGrantMeansPolkitWouldAskAnAdministrator() {
    SystemdException e = translate(INTERACTIVE, "Interactive authentication required.",
        "StartTransientUnit", Manager.SYSTEM, () -> 257);

    assertEquals(AccessDeniedException.class, e.getClass());
    assertEquals(INTERACTIVE, e.dbusErrorName());
    assertEquals("the system manager refused StartTransientUnit: Interactive authentication required."
        + " No polkit rule allows this for you, so polkit would ask for an administrator's password,"
        + " and confine does not ask interactively." + RUN_AS_ROOT_OR_RULE, e.getMessage());
  }

  @Test
  void aContainerTerminalTakesRootOrAnOpenPtyGrant() {
    SystemdException e = ErrorTranslator.translate(INTERACTIVE, "Interactive authentication required.",
        "OpenMachinePTY", Manager.SYSTEM, ErrorTranslator.MACHINED, NOT_ASKED);

    assertEquals("systemd-machined refused OpenMachinePTY: Interactive authentication required."
        + " A terminal inside a container takes root, or a"
        + " polkit rule that allows org.freedesktop.machine1.open-pty: run as root, or use --pipe.",
        e.getMessage());
  }

  @Test
  void anUnknownContainerNamesWhatListsTheKnownOnes() {
    SystemdException e = ErrorTranslator.translate("org.freedesktop.machine1.NoSuchMachine",
        "No machine 'box' known", "OpenMachinePTY", Manager.SYSTEM, ErrorTranslator.MACHINED, NOT_ASKED);

    assertEquals(InvalidArgumentException.class, e.getClass());
    assertEquals("No machine 'box' known. machinectl list shows the containers systemd-machined knows.",
        e.getMessage());
  }

  @Test
  void refusalMeansARuleSaidNoOrPolkitIsNotRunning() {
    SystemdException e = translate(ACCESS_DENIED, "Permission denied", "StartTransientUnit",
        Manager.SYSTEM, () -> 257);

    assertEquals(AccessDeniedException.class, e.getClass());
    assertEquals("the system manager refused StartTransientUnit: Permission denied. A polkit rule refused"
        + " it, or polkit is not running (systemctl status polkit)." + RUN_AS_ROOT_OR_RULE, e.getMessage());
  }

  @Test
  void transientStartBefore257CannotBeAllowedByName() {
    for (String name : new String[] {ACCESS_DENIED, INTERACTIVE}) {
      String message = translate(name, "refused", "StartTransientUnit", Manager.SYSTEM, () -> 252)
          .getMessage();

      assertTrue(message.endsWith(BEFORE_257), message);
      assertFalse(message.contains(RUN_AS_ROOT_OR_RULE), message);
    }
  }

  @Test
  void otherCallsNameTheUnitToPolkitOnEveryVersion() {
    String message = translate(ACCESS_DENIED, "Permission denied", "StopUnit", Manager.SYSTEM,
        NOT_ASKED).getMessage();

    assertTrue(message.endsWith(RUN_AS_ROOT_OR_RULE), message);
  }

  @Test
  void unknownVersionLeavesTheVersionOut() {
    String message = translate(INTERACTIVE, "refused", "StartTransientUnit", Manager.SYSTEM,
        () -> 0).getMessage();

    assertTrue(message.endsWith(RUN_AS_ROOT_OR_RULE), message);
  }

  @Test
  void attachIsAnOwnershipCheckNotPolkit() {
    String message = translate(ACCESS_DENIED, "Process 42 not owned by client's UID. Refusing.",
        "AttachProcessesToUnit", Manager.SYSTEM, NOT_ASKED).getMessage();

    assertTrue(message.endsWith("of the unit's user. Run as root, or use the user manager (--user)."), message);
    assertFalse(message.contains("polkit"), message);
  }

  @Test
  void freezeIsForRootOnlyWhateverPolkitSays() {
    String message = translate(ACCESS_DENIED, "Rejected send message, 2 matched rules", "FreezeUnit",
        Manager.SYSTEM, NOT_ASKED).getMessage();

    assertEquals("the system manager refused FreezeUnit: Rejected send message, 2 matched rules. systemd's D-Bus"
        + " policy lets only root send FreezeUnit to the system manager, whatever polkit allows: run as root.",
        message);
  }

  @Test
  void userManagerRefusalSaysNothingOfPolkit() {
    String message = translate(ACCESS_DENIED, "Access denied", "StartTransientUnit", Manager.USER,
        NOT_ASKED).getMessage();

    assertEquals("the user manager refused StartTransientUnit: Access denied.", message);
  }

  /** A refusal from systemd itself. */
  private static SystemdException translate(String name, String text, String member, Manager manager,
      IntSupplier majorVersion) {
    return ErrorTranslator.translate(name, text, member, manager, SystemdBus.DESTINATION, majorVersion);
  }
}
