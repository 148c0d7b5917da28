package dev.confine.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ManPagesTest {

  @Test
  void everyCommandHasAPageWithEveryOption() {
    List<CommandLine> commands = new ArrayList<>();
    collect(Main.commandLine("generate-completion"), commands);
    for (CommandLine command : commands) {
      String page = ManPages.page(command.getCommandSpec());
      String name = command.getCommandSpec().qualifiedName("-");
      assertTrue(page.startsWith(".TH " + name.toUpperCase(java.util.Locale.ROOT) + " 1 "), name);
      assertTrue(page.contains("\n.SH NAME\n" + name.replace("-", "\\-") + " \\- "), page);
      assertTrue(page.contains("\n.SH SYNOPSIS\n") && page.contains("\n.SH EXIT STATUS\n"), page);
      assertFalse(page.contains("null") || page.contains("%n") || page.contains("%%"), page);
      for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
        assertTrue(page.contains("\\fB" + option.longestName().replace("-", "\\-") + "\\fR"),
            name + " lacks " + option.longestName());
      }
    }
    assertTrue(commands.size() > 20, "commands: " + commands.size());
  }

  @Test
  void runsPageSaysHowEachValueLooks() {
    String page = ManPages.page(Main.commandLine("run").getSubcommands().get("run").getCommandSpec());
    assertTrue(page.contains("\\fB\\-\\-expand\\-environment\\fR=\\fIBOOL\\fR"), page);
    assertTrue(page.contains("$VAR and ${VAR}"), page);
    assertTrue(page.contains("\\fBconfine\\fR(1), \\fBsystemd\\-run\\fR(1)"), page);
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
