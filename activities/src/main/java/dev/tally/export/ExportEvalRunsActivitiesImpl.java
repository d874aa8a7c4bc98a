package dev.tally.export;

import java.util.List;
import java.util.Objects;

/**
 * The {@code ExportEvalRuns} activity: posts to Tangle Intelligence when this worker has a key,
 * otherwise queues the same payload in the outbox for {@code tally export-evals --flush}.
 */
public final class ExportEvalRunsActivitiesImpl implements ExportEvalRunsActivities {
  private final EvalRunExporter exporter;
  private final EvalRunOutbox outbox;

  public ExportEvalRunsActivitiesImpl(ExportConfig config) {
    Objects.requireNonNull(config, "config");
    this.exporter = config.hasKey() ? new EvalRunExporter(config) : null;
    this.outbox = new EvalRunOutbox(config.outbox());
  }

  @Override
  public ExportReceipt exportEvalRuns(EvalRunBatch batch) {
    Objects.requireNonNull(batch, "batch");
    if (exporter != null) {
      return exporter.send(batch);
    }
    outbox.append(batch);
    return new ExportReceipt(ExportReceipt.QUEUED, 0, 0, List.of());
  }
}
