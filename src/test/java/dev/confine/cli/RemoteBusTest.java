package dev.confine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.confine.InvalidPropertyException;
import dev.confine.Manager;
import dev.confine.bus.ExecBridge;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** -H and -M become the addresses sd-bus makes of them. */
class RemoteBusTest {

  /** The cases of systemd's test-bus-address.c, and the machine forms of its parser. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      host          | unixexec:path=ssh,argv1=-xT,argv2=--,argv3=host,argv4=systemd-stdio-bridge
      host:123      | unixexec:path=ssh,argv1=-xT,argv2=-p,argv3=123,argv4=--,argv5=host,argv6=systemd-stdio-bridge
      user@host     | unixexec:path=ssh,argv1=-xT,argv2=--,argv3=user%40host,argv4=systemd-stdio-bridge
      [::1]         | unixexec:path=ssh,argv1=-xT,argv2=--,argv3=%3a%3a1,argv4=systemd-stdio-bridge
      user@[::1]    | unixexec:path=ssh,argv1=-xT,argv2=--,argv3=user%40%3a%3a1,argv4=systemd-stdio-bridge
      user@[::1]:99 | unixexec:path=ssh,argv1=-xT,argv2=-p,argv3=99,argv4=--,argv5=user%40%3a%3a1,argv6=systemd-stdio-bridge
      host/box      | unixexec:path=ssh,argv1=-xT,argv2=--,argv3=host,argv4=systemd-stdio-bridge,argv5=--machine=box
      host:22/box   | unixexec:path=ssh,argv1=-xT,argv2=-p,argv3=22,argv4=--,argv5=host,argv6=systemd-stdio-bridge,argv7=--machine=box
      host:box      | unixexec:path=ssh,argv1=-xT,argv2=--,argv3=host,argv4=systemd-stdio-bridge,argv5=--machine=box
      host/42       | unixexec:path=ssh,argv1=-xT,argv2=--,argv3=host,argv4=systemd-stdio-bridge
      """)
  void hostsAsSdBusWritesThem(String host, String address) {
    assertEquals(address, RemoteBus.host(host));
  }

  @ParameterizedTest
  @ValueSource(strings = {"host:123:123", "host:", "user@host@host", "user@[::1]:", "user@[::1:",
      "user@", "user@@", "[::1", "host:box/x"})
  void badHostsAreRefused(String host) {
    InvalidPropertyException e = assertThrows(InvalidPropertyException.class, () -> RemoteBus.host(host));
    assertEquals("invalid value for --host: '" + host + "' (expected [USER@]HOST[:PORT][/MACHINE])", e.getMessage());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      box         | SYSTEM | systemd-stdio-bridge --machine=box
      .host       | SYSTEM | systemd-stdio-bridge --machine=.host
      box         | USER   | systemd-run -Mbox -PGq --wait -pUser=root -pPAMName=login systemd-stdio-bridge -punix:path=${XDG_RUNTIME_DIR}/bus
      tester@.host| USER   | systemd-run -M.host -PGq --wait -pUser=tester -pPAMName=login systemd-stdio-bridge -punix:path=${XDG_RUNTIME_DIR}/bus
      tester@     | SYSTEM | systemd-run -M.host -PGq --wait -pUser=tester -pPAMName=login systemd-stdio-bridge
      tester@box  | SYSTEM | systemd-run -Mbox -PGq --wait -pUser=tester -pPAMName=login systemd-stdio-bridge
      @           | SYSTEM | systemd-run -M.host -PGq --wait -pUser=${user.name} -pPAMName=login systemd-stdio-bridge
      """)
  void machinesAsSdBusReachesThem(String machine, Manager manager, String commandLine) {
    List<String> expected = List.of(commandLine.replace("${user.name}", System.getProperty("user.name")).split(" "));
    assertEquals(expected, ExecBridge.commandLine(RemoteBus.machine(machine, manager)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a_b", "-box", "box-", "a..b", "x/y@box", "user@box@box"})
  void badMachinesAreRefused(String machine) {
    assertThrows(InvalidPropertyException.class, () -> RemoteBus.machine(machine, Manager.SYSTEM));
  }

  @ParameterizedTest
  @ValueSource(strings = {"user@host", "[::1]", "a,b=c"})
  void escapesRoundTrip(String value) {
    assertEquals(List.of("x", value), ExecBridge.commandLine("unixexec:path=x,argv1=" + RemoteBus.escape(value)));
  }
}
