package dev.tally.testing;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.ledger.Budget;
import dev.tally.supervise.RunRequest;
import java.math.BigDecimal;

/** Run requests for tests. */
public final class Requests {
  private Requests() {}

  /** A generous run: 100k tokens, 10 iterations, workers of 1 iteration and 5k tokens. */
  public static RunRequest basic(String task) {
    return new RunRequest(
        TextNode.valueOf(task),
        Budget.of(10, 100_000),
        Budget.of(1, 5_000),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  public static RunRequest withBudget(RunRequest r, Budget budget, Budget perWorker) {
    return new RunRequest(
        r.task(),
        budget,
        perWorker,
        r.maxTurns(),
        r.maxDepth(),
        r.maxLiveWorkers(),
        r.driver(),
        r.workerProfiles(),
        r.evalRun());
  }

  public static RunRequest withMaxTurns(RunRequest r, Integer maxTurns) {
    return new RunRequest(
        r.task(),
        r.budget(),
        r.perWorker(),
        maxTurns,
        r.maxDepth(),
        r.maxLiveWorkers(),
        r.driver(),
        r.workerProfiles(),
        r.evalRun());
  }

  public static RunRequest withMaxLiveWorkers(RunRequest r, Integer cap) {
    return new RunRequest(
        r.task(),
        r.budget(),
        r.perWorker(),
        r.maxTurns(),
        r.maxDepth(),
        cap,
        r.driver(),
        r.workerProfiles(),
        r.evalRun());
  }

  public static RunRequest withMaxDepth(RunRequest r, Integer depth) {
    return new RunRequest(
        r.task(),
        r.budget(),
        r.perWorker(),
        r.maxTurns(),
        depth,
        r.maxLiveWorkers(),
        r.driver(),
        r.workerProfiles(),
        r.evalRun());
  }

  public static BigDecimal usd(String v) {
    return new BigDecimal(v);
  }
}
