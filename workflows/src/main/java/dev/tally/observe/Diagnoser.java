package dev.tally.observe;

import dev.tally.ledger.Budget;
import dev.tally.ledger.Ledger;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.meter.MeterActivities;
import dev.tally.meter.MeterBatch;
import dev.tally.router.AttemptReceipt;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.InputEstimate;
import dev.tally.router.RouterChatActivities;
import dev.tally.supervise.Failures;
import dev.tally.supervise.Policies;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.util.List;

/**
 * Asks the observer's model to diagnose a digest's failures through the same metered {@code
 * RouterChat} activity runs use, on the observer's own ledger and budget: each call is admitted
 * against what is left (and refused, without a call, when that is not enough), metered with its
 * honesty flags, and debited whatever it cost.
 */
final class Diagnoser {
  /** The ledger node every diagnosis call is metered on. */
  static final String NODE = "observer";

  static final String PROMPT =
      "You are a reliability observer for supervised LLM agent runs. For each failure group below:"
          + " say what likely caused it, how the agent should adjust, and give one line starting"
          + " with \"don't\" for the playbook. Be specific and actionable, under 200 words.";

  private final ObserverSettings settings;
  private final Ledger ledger;
  private final MeterActivities meter =
      Workflow.newLocalActivityStub(MeterActivities.class, Policies.meter());
  private Spend spent;
  private long turns;

  /**
   * @param ledgerRunId the ledger's run id, one per observer generation so entry keys never repeat
   * @param spent what earlier generations spent
   * @param turns the calls earlier generations made
   */
  Diagnoser(String ledgerRunId, ObserverSettings settings, Spend spent, long turns) {
    this.settings = settings;
    this.ledger = new Ledger(ledgerRunId);
    this.spent = spent;
    this.turns = turns;
  }

  Spend spent() {
    return spent;
  }

  long turns() {
    return turns;
  }

  Digest.Diagnosis diagnose(List<Digest.FailureGroup> groups) {
    String model = settings.model();
    if (model == null) {
      return new Digest.Diagnosis(
          Digest.Diagnosis.OFF, null, null, "no model: TALLY_OBSERVER_MODEL is not set", null);
    }
    if (groups.isEmpty()) {
      return new Digest.Diagnosis(
          Digest.Diagnosis.OFF, model, null, "no failures in the window", null);
    }
    List<ChatMessage> messages =
        List.of(ChatMessage.system(PROMPT), ChatMessage.user(summary(groups)));
    Budget budget = settings.budget();
    long tokensLeft = budget.tokens() - spent.tokens();
    BigDecimal usdLeft = budget.usdCapped() ? budget.maxUsd().subtract(spent.usd()) : null;
    long needed = InputEstimate.minimalCall(messages, List.of());
    String refusal = null;
    if (tokensLeft < needed) {
      refusal =
          "budget-exhausted: the observer's budget has "
              + Math.max(0, tokensLeft)
              + " tokens left, a diagnosis needs at least "
              + needed;
    } else if (usdLeft != null && !spent.usdKnown()) {
      refusal = "usd-unknown: an earlier diagnosis had no known price, under a dollar cap";
    } else if (usdLeft != null && usdLeft.signum() <= 0) {
      refusal = "budget-exhausted: the observer's dollar budget is spent ($" + spent.usd() + ")";
    }
    if (refusal != null) {
      return new Digest.Diagnosis(Digest.Diagnosis.REFUSED, model, null, refusal, null);
    }
    ChatTurnRequest request =
        new ChatTurnRequest(
                ledger.runId(),
                NODE,
                (int) turns,
                ChatTurnRequest.DRIVER,
                model,
                0.2,
                null,
                messages,
                null,
                budget.usdCapped())
            .admitted(tokensLeft, usdLeft);
    RouterChatActivities router =
        Workflow.newActivityStub(
            RouterChatActivities.class, Policies.routerChat("observer diagnosis " + turns));
    try {
      ChatTurnReply reply = router.routerChat(request);
      Spend spend = reply.spend(0);
      meter(spend, reply.model());
      return new Digest.Diagnosis(
          Digest.Diagnosis.DONE, reply.model(), reply.content(), null, spend);
    } catch (ActivityFailure failure) {
      if (!(failure.getCause() instanceof ApplicationFailure app)) {
        return new Digest.Diagnosis(
            Digest.Diagnosis.FAILED, model, null, String.valueOf(failure.getCause()), null);
      }
      if (Failures.CALL_NOT_ADMITTED.equals(app.getType())) {
        return new Digest.Diagnosis(
            Digest.Diagnosis.REFUSED, model, null, app.getOriginalMessage(), null);
      }
      // A failed call may have been billed: whatever the router says it cost is metered, and
      // without a receipt the cost is unknown, never free.
      Spend spend = billed(app);
      meter(spend, model);
      return new Digest.Diagnosis(
          Digest.Diagnosis.FAILED,
          model,
          null,
          app.getType() + ": " + app.getOriginalMessage(),
          spend);
    }
  }

  private void meter(Spend spend, String model) {
    ledger.metered(NODE, spend, model, (int) turns);
    turns++;
    spent = spent.plus(spend);
    MeterBatch batch = new MeterBatch(ledger.runId(), ledger.takeUnwritten());
    meter.meter(batch);
  }

  private static Spend billed(ApplicationFailure app) {
    if (app.getDetails().getSize() > AttemptReceipt.DETAIL_INDEX) {
      AttemptReceipt r = app.getDetails().get(AttemptReceipt.DETAIL_INDEX, AttemptReceipt.class);
      if (r != null) {
        boolean clean = r.unreceiptedAttempts() == 0;
        return new Spend(
            0,
            r.usage() == null ? 0 : r.usage().inputTokens(),
            r.usage() == null ? 0 : r.usage().outputTokens(),
            r.costUsd() == null ? BigDecimal.ZERO : r.costUsd(),
            0,
            r.usage() != null && clean,
            r.costUsd() != null && clean && r.usdSource() != null
                ? r.usdSource()
                : UsdSource.UNKNOWN);
      }
    }
    return Spend.unknown(0);
  }

  static String summary(List<Digest.FailureGroup> groups) {
    StringBuilder s = new StringBuilder();
    for (Digest.FailureGroup g : groups) {
      s.append("- ")
          .append(g.count())
          .append("× ")
          .append(g.reason())
          .append(g.errorType() == null ? "" : " (" + g.errorType() + ")")
          .append(" in ")
          .append(String.join(", ", g.taskClasses()))
          .append('\n');
      for (Digest.Example e : g.examples()) {
        s.append("  e.g. ")
            .append(e.runId())
            .append(e.detail() == null ? "" : ": " + e.detail())
            .append('\n');
      }
    }
    return s.toString();
  }
}
