package dev.confine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The command line's own checks, which all happen before confine connects to any bus: so these
 * run anywhere, and a failing one proves nothing was sent to systemd.
 */
class RunCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int confine(String... args) {
    return InProcess.confine(out, err, args);
  }

  /**
   * Every command checks its input before it connects (this host has no bus: a check made later
   * would fail with the bus's message instead). A command line of the wrong shape exits 2, a bad
   * value 1, with systemd-run's wording where it has one.
   */
  @ParameterizedTest(name = "{0} -> exit {1}")
  @CsvSource(delimiter = '|', textBlock = """
      run --scope                                   | 2 | command line to execute required
      run --scope --wait -- true                    | 2 | --wait may not be combined with --scope
      run --wait --no-block -- true                 | 2 | --wait may not be combined with --no-block
      run --scope -r -- true                        | 2 | --remain-after-exit and --service-type= are not supported in --scope mode
      run --scope --service-type=exec -- true       | 2 | --remain-after-exit and --service-type= are not supported in --scope mode
      run -H host --user -- true                    | 2 | execution in user context is not supported on remote systems
      run -H host --scope -- true                   | 2 | scope execution is not supported on remote systems
      run -H host --pipe -- true                    | 2 | --pty/--pipe is only supported when connecting to the local system or containers
      run -M .host --scope -- true                  | 2 | --scope cannot be combined with --machine
      run -M x -H host --user -- true               | 2 | execution in user context is not supported on remote systems
      run -H host -M .host --scope -- true          | 2 | --scope cannot be combined with --machine
      run -H user@ -- true                          | 1 | invalid value for --host: 'user@' (expected [USER@]HOST[:PORT][/MACHINE])
      run -H host:80:80 -- true                     | 1 | invalid value for --host: 'host:80:80'
      run -M a_b -- true                            | 1 | invalid value for --machine: 'a_b' (expected [USER@]NAME, NAME a container's name or .host)
      run -M bad/user@.host -- true                 | 1 | invalid value for --machine: 'bad/user@.host'
      run --bogus -- true                           | 2 | unknown option '--bogus'
      run --scop -- true                            | 2 | unknown option '--scop'; did you mean --scope?
      run --unit                                    | 2 | Missing required parameter for option '--unit'
      bogus-subcommand                              | 2 | unknown command 'bogus-subcommand'
      stauts x                                      | 2 | unknown command 'stauts'; did you mean status?
      set x                                         | 2 | Missing required parameter: 'NAME=VALUE'
      stop                                          | 2 | Missing required parameter: 'UNIT'
      wait                                          | 2 | Missing required parameter: 'UNIT'
      run --scope -p MemoryMax=lots -- true         | 1 | invalid value for MemoryMax: 'lots'
      run --scope -p MemoryMaxx=1G -- true          | 1 | did you mean MemoryMax?
      run --scope -p NoEquals -- true               | 1 | expected NAME=VALUE
      run --scope -p Type=exec -- true              | 1 | Type is not supported for scope units
      run --scope --unit bad/name -- true           | 1 | invalid unit name 'bad/name'
      run --scope --unit x.service -- true          | 1 | expected a scope unit name
      run --scope --unit ok --unit bad/name -- true | 1 | invalid unit name 'bad/name'
      run --scope --slice a--b -- true              | 1 | invalid slice 'a--b'
      run --scope -E =x -- true                     | 1 | invalid value for --setenv: '=x'
      run --scope -E 1X=y -- true                   | 1 | invalid value for --setenv: '1X=y'
      run --scope -E A-B=c -- true                  | 1 | invalid value for --setenv: 'A-B=c'
      run --scope -E CONFINE_SURELY_UNSET -- true   | 1 | --setenv CONFINE_SURELY_UNSET
      run --nice=20 -- true                         | 1 | invalid value for --nice: '20' (expected -20 to 19)
      run --scope --nice=abc -- true                | 1 | invalid value for --nice: 'abc'
      run --expand-environment=maybe -- true        | 1 | invalid value for --expand-environment: 'maybe' (expected yes or no)
      run --json=bogus -- true                      | 1 | invalid value for --json: 'bogus' (expected one of pretty, short, off)
      run -- /no/such/program                       | 1 | command not found or not executable: /no/such/program
      run -- no-such-program-in-path                | 1 | command not found in PATH: no-such-program-in-path
      top --order=bogus                             | 1 | invalid value for --order: 'bogus' (expected one of cpu, memory, tasks)
      top --delay=0                                 | 1 | invalid value for --delay: '0.0'
      top --delay=abc                               | 1 | invalid value for --delay: 'abc' (expected a number)
      attach x notapid                              | 1 | invalid value for PID: 'notapid' (expected a whole number)
      attach x 0                                    | 1 | invalid value for PID: '0'
      attach bad/name 1                             | 1 | invalid unit name 'bad/name'
      kill --kill-whom=bogus x                      | 1 | invalid value for --kill-whom: 'bogus' (expected main, control or all)
      kill --signal=SIGBOGUS x                      | 1 | invalid value for signal: 'SIGBOGUS'
      kill bad/name                                 | 1 | invalid unit name 'bad/name'
      set x MemoryMax=lots                          | 1 | invalid value for MemoryMax: 'lots'
      set x Delegate=yes                            | 1 | Delegate can only be set when a unit is created
      set bad/name MemoryMax=1G                     | 1 | invalid unit name 'bad/name'
      stop bad/name                                 | 1 | invalid unit name 'bad/name'
      status bad/name                               | 1 | invalid unit name 'bad/name'
      wait bad/name                                 | 1 | invalid unit name 'bad/name'
      freeze bad/name                               | 1 | invalid unit name 'bad/name'
      thaw bad/name                                 | 1 | invalid unit name 'bad/name'
      reset-failed bad/name                         | 1 | invalid unit name 'bad/name'
      events --count=-1                             | 1 | invalid value for --count: '-1'
      events bad/name                               | 1 | invalid unit name 'bad/name'
      run --on-active=1 --scope -- true             | 2 | path, socket or timer options are not supported in --scope mode
      run --on-active=1 --wait -- true              | 2 | --wait may not be combined with path, socket or timer operations
      run --timer-property=AccuracySec=1s -- true   | 2 | --timer-property= has no effect without any other timer options
      run --on-boot=1 --path-property=PathExists=/tmp -- true | 2 | only one trigger (path, socket, timer) unit can be created
      run --on-active=1                             | 2 | command line to execute required
      run --pipe --scope -- true                    | 2 | --pty/--pipe is not compatible in timer or --scope mode
      run --pty --on-active=1 -- true               | 2 | --pty/--pipe is not compatible in timer or --scope mode
      run -t --no-block -- true                     | 2 | --pty/--pipe is not compatible with --no-block
      run --shell -- true                           | 2 | if --shell is used, no command line is expected
      run --background=red -t -- true               | 1 | invalid value for --background: 'red'
      run --on-active= -- true                      | 1 | invalid value for --on-active: ''
      run --on-calendar= -- true                    | 1 | invalid value for --on-calendar: ''
      run --on-active=bogus -- true                 | 1 | invalid value for OnActiveSec: 'bogus'
      run --on-active=1 --timer-property=Bogus=1 -- true | 1 | unknown property 'Bogus'
      run --path-property=PathExists=tmp -- true    | 1 | invalid value for PathExists: 'tmp'
      run --socket-property=ListenFIFO=/tmp/f --path-property=PathExists=/tmp -- true | 2 | only one trigger
      run --socket-property=IPTOS=fast -- true      | 1 | invalid value for IPTOS: 'fast'
      run --socket-property=SocketProtocol=tcp -- true | 1 | invalid value for SocketProtocol: 'tcp' (expected udplite, sctp or mptcp)
      run --socket-property=Backlog=-1 -- true      | 1 | invalid value for Backlog: '-1'
      run --path-property=OnActiveSec=1 -- true     | 1 | OnActiveSec is not supported for path units; it is a setting of timer units
      run -p OnCalendar=daily -- true               | 1 | OnCalendar is not supported for service units; it is a setting of timer units
      """)
  void badInputIsOneLineAndAnExitCode(String args, int status, String message) {
    assertEquals(status, confine(args.split(" ")), err::toString);
    String first = err.toString().lines().findFirst().orElse("");
    assertTrue(first.startsWith("confine: ") && first.contains(message), err::toString);
    if (status == 1) {
      assertEquals(1, err.toString().lines().count(), "no stack trace: " + err);
    }
    assertEquals("", out.toString());
  }

  @Test
  void propertyHelpListsTheTable() {
    assertEquals(0, confine("run", "-p", "help"));
    String help = out.toString();
    assertTrue(help.startsWith("unit:\n"), help);
    for (String group : new String[] {"memory", "cpu", "tasks", "io", "delegation", "sandboxing"}) {
      assertTrue(help.contains("\n" + group + ":\n"), group + " missing from\n" + help);
    }
    for (String property : new String[] {"MemoryMax", "CPUQuota", "TasksMax", "Delegate", "Slice",
        "AllowedCPUs", "IOReadBandwidthMax", "PrivateTmp"}) {
      assertTrue(help.contains("\n  " + property + " "), property + " missing from\n" + help);
    }
    assertTrue(help.contains("v243/253"), "OOMPolicy's versions for services and scopes:\n" + help);
  }

  @Test
  void shellCompletionOffersEveryPropertyName() {
    assertEquals(0, confine("generate-completion"));
    assertTrue(out.toString().contains("\"MemoryMax=\" "), "bash completion script lacks the property names");
    assertTrue(out.toString().contains("\"IOReadBandwidthMax=\" "), "bash completion script lacks the property names");
  }

  @Test
  void propertyHelpForOneName() {
    assertEquals(0, confine("run", "-p", "help=IOReadBandwidthMax"));
    assertEquals("""
        IOReadBandwidthMax (io)
          read limit on one device: DEVICE BYTES/s (base 1000: 10M = 10000000)
          units:      scope, service
          D-Bus:      IOReadBandwidthMax a(st)
          systemd:    v230
          controller: io
          settable:   at creation and later
        """, out.toString());
  }

  @Test
  void propertyHelpShowsEachUnitTypesOwnEntry() {
    assertEquals(0, confine("run", "-p", "help=TimeoutSec"));
    assertTrue(out.toString().contains("D-Bus:      TimeoutStartUSec t + TimeoutStopUSec t"), out::toString);
    assertTrue(out.toString().contains("D-Bus:      TimeoutUSec t"), out::toString);
  }

  @Test
  void propertyHelpForAMisspeltNameSuggests() {
    assertEquals(1, confine("run", "-p", "help=IOReadBandwithMax"));
    assertTrue(err.toString().contains("did you mean IOReadBandwidthMax?"), err::toString);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      run --user --system -- true   | SYSTEM
      run --system --user -- true   | USER
      set --user --system x A=1     | SYSTEM
      """)
  void theLastOfUserAndSystemWins(String args, dev.confine.Manager manager) {
    picocli.CommandLine commandLine = Main.commandLine(args.split(" "));
    picocli.CommandLine.ParseResult parsed = commandLine.parseArgs(args.split(" "));
    Object command = parsed.subcommand().commandSpec().userObject();
    ManagerOptions options = command instanceof RunCommand run ? run.managerOptions
        : ((SetCommand) command).managerOptions;
    assertEquals(manager, options.manager());
  }

  @Test
  void repeatedOptionsTakeTheLastValueAndListsAddUp() {
    String[] args = {"run", "--unit", "a", "--unit", "b", "-p", "MemoryMax=1G", "-p", "TasksMax=5",
        "--no-collect", "--collect", "-d", "--working-directory=", "--working-directory=/srv", "--", "true"};
    RunCommand run = (RunCommand) Main.commandLine(args).parseArgs(args).subcommand().commandSpec().userObject();
    assertEquals("b", run.unit);
    assertEquals(java.util.List.of("MemoryMax=1G", "TasksMax=5"), run.properties);
    assertTrue(run.collect);
    assertEquals("/srv", run.workingDirectory);
  }

  @Test
  void optionsAfterTheCommandBelongToTheCommand() {
    // "run ls -p X" must not parse -p as confine's: with stop-at-positional, the missing bus is
    // the first thing that fails, not the bogus property.
    int status = confine("run", "--scope", "true", "-p", "NotAProperty");
    assertEquals(1, status);
    assertTrue(!err.toString().contains("NotAProperty"), err::toString);
  }
}
