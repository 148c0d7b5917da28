package dev.confine.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --json}: results as one JSON value per line on stdout instead of text for people. */
final class OutputOptions {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print results as JSON, one value per line (see README).")
  boolean json;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** One JSON line. */
  void printJson(Object value) {
    out().println(Json.write(value));
    out().flush();
  }
}
