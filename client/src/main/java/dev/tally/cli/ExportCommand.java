package dev.tally.cli;

import dev.tally.export.HistoryExport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tally export ID --jsonl}: the run's lifecycle derived from its history alone, secrets
 * redacted, inputs hashed, only allow-listed fields.
 */
@Command(
    name = "export",
    description = {
      "Write a run's lifecycle as JSON lines, derived from its Temporal history alone: run"
          + " started, each turn with its budget snapshot, dispatches, settlements, end. Secrets"
          + " are redacted, inputs hashed, and only allow-listed fields kept."
    })
final class ExportCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The run's workflow id.")
  String workflowId;

  @Option(names = "--jsonl", required = true, description = "JSON lines (the only format).")
  boolean jsonl;

  @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout.")
  Path outFile;

  @Override
  public Integer call() throws IOException {
    try (TemporalSession session = root.connect()) {
      session.describe(workflowId);
      // A run that continued-as-new is exported whole: every run of its chain, in order.
      String lines = HistoryExport.toJsonl(session.chain(workflowId));
      if (outFile != null) {
        Files.writeString(outFile, lines, StandardCharsets.UTF_8);
        println("wrote " + lines.lines().count() + " records to " + outFile);
      } else {
        out().print(lines);
        out().flush();
      }
      return ExitCode.OK;
    }
  }
}
