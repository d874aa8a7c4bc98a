package dev.tally.cli;

import dev.tally.export.EvalRunExporter;
import dev.tally.export.EvalRunOutbox;
import dev.tally.export.ExportConfig;
import dev.tally.worker.WorkerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally export-evals --flush}: sends the eval-run payloads a worker without {@code
 * TANGLE_API_KEY} queued in its outbox, now that a key is set.
 */
@Command(
    name = "export-evals",
    description = {
      "Send the eval-run records queued in the outbox (<TALLY_DATA_DIR>/outbox/eval-runs.jsonl)"
          + " while no TANGLE_API_KEY was set; acknowledged records leave the outbox."
    })
final class ExportEvalsCommand extends TallyCommand {
  @Option(names = "--flush", required = true, description = "Send what is queued.")
  boolean flush;

  @Override
  public Integer call() {
    Map<String, String> env = root.env();
    if (env.get(ExportConfig.API_KEY_ENV) == null || env.get(ExportConfig.API_KEY_ENV).isBlank()) {
      throw new CliException(
          ExitCode.USAGE,
          "export-evals: " + ExportConfig.API_KEY_ENV + " is not set; set it to send the outbox");
    }
    Path dataDir = WorkerConfig.dataDirOf(env);
    EvalRunOutbox outbox = new EvalRunOutbox(ExportConfig.outboxIn(dataDir));
    EvalRunOutbox.FlushReport report =
        outbox.flush(new EvalRunExporter(ExportConfig.fromEnv(env, dataDir)));
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("outbox", outbox.file().toString());
      doc.put("report", report);
      printJson(doc);
    } else {
      println(
          "outbox "
              + outbox.file()
              + ": sent "
              + report.sent()
              + ", rejected "
              + report.rejected()
              + ", remaining "
              + report.remaining()
              + (report.error() == null ? "" : " (" + report.error() + ")"));
    }
    return report.error() == null ? ExitCode.OK : ExitCode.FAILED;
  }
}
