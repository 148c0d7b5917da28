package dev.confine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  @Test
  void aNamedCommandGetsTheOnlyModel() {
    assertEquals(List.of("run"), modelled(Main.commandLine("run", "--", "true")));
    assertEquals(List.of("cgroup"), modelled(Main.commandLine("cgroup", "show")));
    assertEquals(List.of(), modelled(Main.commandLine("--help")));
    assertEquals(List.of(), modelled(Main.commandLine("rnu", "true")));
    assertEquals(List.of(), names(Main.commandLine("--version")));
    assertEquals(names(everything()), modelled(everything()));
  }

  @Test
  void subcommandsAreListedUnderTheirOwnNames() {
    Main.SUBCOMMANDS.forEach((name, subcommand) ->
        assertEquals(name, subcommand.getAnnotation(CommandLine.Command.class).name()));
  }

  @Test
  void helpAndMistakesListEveryCommand() {
    int all = everything().getSubcommands().size();
    assertTrue(all > 10, "commands: " + all);
    assertEquals(all, Main.commandLine("--help").getSubcommands().size());
    assertEquals(all, Main.commandLine().getSubcommands().size());
    assertEquals(all, Main.commandLine("rnu", "true").getSubcommands().size());
    assertEquals(usage(everything()), usage(Main.commandLine("--help")));
  }

  @Test
  void theSameCommandLineWhetherBuiltAloneOrWithTheOthers() {
    CommandLine everything = everything();
    for (String name : everything.getSubcommands().keySet()) {
      assertEquals(usage(everything.getSubcommands().get(name)),
          usage(Main.commandLine(name).getSubcommands().get(name)), name);
    }
    assertTrue(Main.commandLine("run").getSubcommands().get("run").isStopAtPositional());
  }

  /** picocli formats descriptions with String.format; a lone % makes it warn on stderr. */
  @Test
  void everyHelpTextRendersWithoutPicocliWarnings() {
    List<CommandLine> commands = new ArrayList<>();
    collect(everything(), commands);
    PrintStream stderr = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      commands.forEach(MainTest::usage);
    } finally {
      System.setErr(stderr);
    }
    assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    assertTrue(commands.size() > 20, "commands: " + commands.size());
  }

  /** Completion is the one use that builds every command's model. */
  private static CommandLine everything() {
    return Main.commandLine("generate-completion");
  }

  /** The subcommands built from their classes, not from their name and summary alone. */
  private static List<String> modelled(CommandLine command) {
    return command.getSubcommands().entrySet().stream()
        .filter(e -> e.getValue().getCommandSpec().userObject() != null).map(e -> e.getKey()).toList();
  }

  private static List<String> names(CommandLine command) {
    return List.copyOf(command.getSubcommands().keySet());
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }

  private static String usage(CommandLine command) {
    StringWriter text = new StringWriter();
    command.usage(new PrintWriter(text));
    return text.toString();
  }
}
