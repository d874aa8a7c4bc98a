package dev.tally.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tally ledger ID}: the ledger rebuilt from history alone, checked against the run. */
@Command(
    name = "ledger",
    description = {
      "Rebuild a run's cost ledger from its Temporal history alone (the Meter inputs) and print it.",
      "A run that continued-as-new is read across every run of its chain, each entry once.",
      "It is compared with the run's ledger query when a worker answers, and with its spentTotal"
          + " once it ended: any mismatch exits 1."
    })
final class LedgerCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The run's workflow id.")
  String workflowId;

  @Override
  public Integer call() {
    try (TemporalSession session = root.connect()) {
      LedgerCheck check = LedgerReport.check(session, workflowId);
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflowId", workflowId);
        doc.put("runs", check.runs());
        doc.put("entries", LedgerJson.entries(check.entries()));
        doc.put("totals", check.totals());
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("ok", check.ok());
        verdict.put("ledgerQuery", check.queryChecked() ? "compared" : "unavailable");
        verdict.put("spentTotal", check.resultChecked() ? "compared" : "unavailable");
        verdict.put("mismatches", check.mismatches());
        if (check.notChecked() != null) {
          verdict.put("note", check.notChecked());
        }
        verdict.put("costKnown", check.unmatched() == null);
        if (check.unmatched() != null) {
          verdict.put("unmatched", check.unmatched());
        }
        doc.put("check", verdict);
        printJson(doc);
      } else {
        println("Ledger of " + workflowId + ", rebuilt from its history (NODE is relative to it):");
        printLines(RunView.ledgerTable(workflowId, check.entries()));
        println("");
        println("Check: " + check.summary());
        if (check.unmatched() != null) {
          println("Total: unknown (the history shows " + check.unmatched() + ")");
        }
      }
      if (!check.ok()) {
        throw new CliException(
            ExitCode.FAILED,
            "ledger mismatch for run '"
                + workflowId
                + "': "
                + check.mismatches().get(0)
                + " (this is a bug in Tally; keep the history: `temporal workflow show -w "
                + workflowId
                + " -o json`)");
      }
      if (check.unmatched() != null) {
        // A ledger with billed work missing from it is a floor; printing it as a total would
        // report a billed call as free.
        throw new CliException(
            ExitCode.FAILED,
            "the cost of run '"
                + workflowId
                + "' is unknown: its history shows "
                + check.unmatched()
                + " (the ledger above is a floor, not a total)");
      }
      return ExitCode.OK;
    }
  }
}
