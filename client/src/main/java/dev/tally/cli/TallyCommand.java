package dev.tally.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.tally.json.Json;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every {@code tally} subcommand shares: the root's settings, output, and {@code --json}. */
abstract class TallyCommand implements Callable<Integer> {
  private static final ObjectWriter JSON_OUT = Json.CANONICAL.writerWithDefaultPrettyPrinter();

  @ParentCommand TallyCli root;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON document for scripts instead of text.")
  boolean json;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void println(String line) {
    out().println(TerminalText.safe(line));
    out().flush();
  }

  void printLines(List<String> lines) {
    lines.forEach(l -> out().println(TerminalText.safe(l)));
    out().flush();
  }

  void printJson(Object value) {
    try {
      out().println(JSON_OUT.writeValueAsString(value));
      out().flush();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
