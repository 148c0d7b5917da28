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

  @ParameterizedTest(name = "{0} -> exit {1}")
  @CsvSource(delimiter = '|', textBlock = """
      run --scope                                   | 1 | command line to execute required
      run --scope -p MemoryMax=lots -- true         | 1 | invalid value for MemoryMax: 'lots'
      run --scope -p MemoryMaxx=1G -- true          | 1 | did you mean MemoryMax?
      run --scope -p NoEquals -- true               | 1 | expected NAME=VALUE
      run --scope -p Type=exec -- true              | 1 | Type is not supported for scope units
      run --scope --unit bad/name -- true           | 1 | invalid unit name 'bad/name'
      run --scope --unit x.service -- true          | 1 | expected a scope unit name
      run --scope --slice a--b -- true              | 1 | invalid slice 'a--b'
      run --scope -E =x -- true                     | 1 | invalid --setenv '=x'
      run --scope -E CONFINE_SURELY_UNSET -- true   | 1 | --setenv CONFINE_SURELY_UNSET
      run -- /no/such/program                       | 1 | command not found or not executable: /no/such/program
      run -- no-such-program-in-path                | 1 | command not found in PATH: no-such-program-in-path
      run --user --system -- true                   | 2 | --user and --system may not be combined
      run --collect --no-collect -- true            | 2 | --collect and --no-collect may not be combined
      run --bogus -- true                           | 2 | Unknown option: '--bogus'
      run --unit                                    | 2 | Missing required parameter for option '--unit'
      set --user --system x MemoryMax=1G            | 2 | --user and --system may not be combined
      set x                                         | 2 | Missing required parameter: 'NAME=VALUE'
      stop                                          | 2 | Missing required parameter: 'UNIT'
      wait                                          | 2 | Missing required parameter: 'UNIT'
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
  void propertyHelpForAMisspeltNameSuggests() {
    assertEquals(1, confine("run", "-p", "help=IOReadBandwithMax"));
    assertTrue(err.toString().contains("did you mean IOReadBandwidthMax?"), err::toString);
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
