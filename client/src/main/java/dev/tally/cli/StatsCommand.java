package dev.tally.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.export.DelegationStats;
import dev.tally.export.RunHistory;
import dev.tally.export.RunStats;
import dev.tally.json.Json;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally stats}: closed runs summarised by outcome, failure reason, cost by model. */
@Command(
    name = "stats",
    description = {
      "Summarise closed supervised runs by outcome, failure reason, and cost by model and profile,"
          + " each rebuilt from its history."
    })
final class StatsCommand extends TallyCommand {
  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Only runs started within this long (e.g. 24h, 30m).")
  Duration since;

  @Override
  public Integer call() {
    try (TemporalSession session = root.connect()) {
      Instant cutoff = since == null ? Instant.EPOCH : Instant.now().minus(since);
      List<RunStats.Run> runs = new ArrayList<>();
      List<DelegationStats.Delegation> delegations = new ArrayList<>();
      for (WorkflowExecutionInfo info : HistoryCommand.list(session)) {
        if (TemporalSession.running(info)
            || info.getStartTime().getSeconds() < cutoff.getEpochSecond()) {
          continue;
        }
        String id = info.getExecution().getWorkflowId();
        RunHistory history = session.chain(id).history();
        if (DelegationWorkflow.TYPE.equals(info.getType().getName())) {
          // Delegations are counted apart: their ledger is harness turns, not a driver's.
          DelegationStatus state = DelegationRows.state(session, id);
          delegations.add(
              new DelegationStats.Delegation(
                  id,
                  state.profile(),
                  state.status(),
                  state.error() == null ? null : state.error().kind(),
                  history.ledger(),
                  state.feedback() == null ? 0 : state.feedback().size()));
          continue;
        }
        runs.add(RunStats.Run.fromHistory(id, history));
      }
      RunStats stats = RunStats.of(runs);
      ObjectNode doc = Json.CANONICAL.valueToTree(stats);
      doc.set("delegations", Json.CANONICAL.valueToTree(DelegationStats.of(delegations)));
      if (!json) {
        println(
            "closed runs: "
                + runs.size()
                + ", closed delegations: "
                + delegations.size()
                + (since == null ? "" : " (started within " + since + ")"));
      }
      printJson(doc);
      return ExitCode.OK;
    }
  }
}
