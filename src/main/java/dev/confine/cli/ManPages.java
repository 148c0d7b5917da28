package dev.confine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes a man page for confine and one for each command ({@code confine-run.1} …) from the same
 * picocli model as {@code --help}; the build runs it into {@code target/man/man1}.
 */
final class ManPages {
  private ManPages() {}

  public static void main(String[] args) throws IOException {
    Path directory = Files.createDirectories(Path.of(args[0], "man1"));
    write(Main.commandLine("generate-completion"), directory);
  }

  private static void write(CommandLine command, Path directory) throws IOException {
    CommandSpec spec = command.getCommandSpec();
    String name = spec.qualifiedName("-");
    Files.writeString(directory.resolve(name + ".1"), page(spec), StandardCharsets.UTF_8);
    for (CommandLine subcommand : command.getSubcommands().values()) {
      if (!subcommand.getCommandSpec().usageMessage().hidden()) {
        write(subcommand, directory);
      }
    }
  }

  static String page(CommandSpec spec) {
    String name = spec.qualifiedName("-");
    StringBuilder page = new StringBuilder();
    page.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"")
        .append(Main.Version.confine()).append("\" \"confine\"\n");
    page.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(summary(spec))).append('\n');
    page.append(".SH SYNOPSIS\n.B ").append(escape(spec.qualifiedName())).append('\n');
    page.append(escape(synopsis(spec))).append('\n');
    List<String> paragraphs = paragraphs(spec);
    if (!paragraphs.isEmpty()) {
      page.append(".SH DESCRIPTION\n");
      paragraphs.forEach(paragraph -> page.append(".PP\n").append(escape(paragraph)).append('\n'));
    }
    if (!spec.options().isEmpty() || !spec.positionalParameters().isEmpty()) {
      page.append(".SH OPTIONS\n");
      for (PositionalParamSpec positional : spec.positionalParameters()) {
        item(page, "\\fI" + escape(positional.paramLabel()) + "\\fR", positional);
      }
      for (OptionSpec option : spec.options()) {
        if (!option.hidden()) {
          String names = option.names().length == 0 ? "" : java.util.Arrays.stream(option.names())
              .map(n -> "\\fB" + escape(n) + "\\fR").collect(Collectors.joining(", "));
          item(page, names + (option.arity().max() == 0 ? "" : "=\\fI" + escape(option.paramLabel()) + "\\fR"),
              option);
        }
      }
    }
    Map<String, CommandLine> subcommands = spec.subcommands();
    if (!subcommands.isEmpty()) {
      page.append(".SH COMMANDS\n");
      subcommands.forEach((sub, command) -> page.append(".TP\n\\fB").append(escape(sub)).append("\\fR\n")
          .append(escape(summary(command.getCommandSpec()))).append(" See \\fB")
          .append(escape(command.getCommandSpec().qualifiedName("-"))).append("\\fR(1).\n"));
    }
    page.append(".SH EXIT STATUS\n")
        .append("0 on success; 1 for a bad value or when systemd refused or failed the request;"
            + " 2 for a command line of the wrong shape. A command's own status passes through"
            + " (run in scope mode or with \\-\\-wait, wait).\n");
    page.append(".SH SEE ALSO\n")
        .append(spec.parent() == null ? "" : "\\fBconfine\\fR(1), ")
        .append("\\fBsystemd\\-run\\fR(1), \\fBsystemctl\\fR(1), \\fBsystemd.resource\\-control\\fR(5)\n");
    return page.toString();
  }

  private static void item(StringBuilder page, String label, ArgSpec argument) {
    page.append(".TP\n").append(label).append('\n')
        .append(escape(String.join(" ", text(argument.description())))).append('\n');
  }

  private static String summary(CommandSpec spec) {
    String[] header = spec.usageMessage().header();
    return header.length > 0 ? text(header)[0] : text(spec.usageMessage().description())[0];
  }

  /** The description's paragraphs, without the one the summary already gave. */
  private static List<String> paragraphs(CommandSpec spec) {
    String[] description = text(spec.usageMessage().description());
    boolean summaryFromDescription = spec.usageMessage().header().length == 0;
    return List.of(description).subList(summaryFromDescription && description.length > 0 ? 1 : 0,
        description.length);
  }

  private static String synopsis(CommandSpec spec) {
    String line = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
        .synopsis(0).replaceAll("\\s+", " ").trim();
    return line.substring(Math.min(line.length(), spec.qualifiedName().length())).trim();
  }

  /** picocli's description text as it prints it: %% is %, %n a line break. */
  private static String[] text(String[] lines) {
    return java.util.Arrays.stream(lines).map(line -> line.replace("%%", "%").replace("%n", " ").trim())
        .filter(line -> !line.isEmpty()).toArray(String[]::new);
  }

  /** roff escapes: backslashes, hyphens, and a leading dot or quote. */
  private static String escape(String text) {
    String escaped = text.replace("\\", "\\e").replace("-", "\\-");
    return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
  }
}
