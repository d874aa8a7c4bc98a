package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.PoolReadout;
import dev.tally.ledger.Spend;
import dev.tally.ledger.Verdict;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import org.slf4j.Logger;

/**
 * A run's judge ({@code RunRequest.judge}): scores each delivered chat output 0..1 with a reason,
 * one metered router call per output on node {@code <run>:judge}, paid from the run's pool and
 * admitted like every call. An output the judge cannot score (no budget left, a failed call, a
 * reply that is not a score) is left unscored; if none is scored the first delivered wins.
 */
final class Judge {
  static final String NODE_SUFFIX = dev.tally.ledger.LedgerGaps.JUDGE_NODE_SUFFIX;

  static final String PROMPT =
      "You judge one answer to a task. Reply with only a JSON object"
          + " {\"score\": <a number from 0 to 1>, \"reason\": \"<one sentence>\"}; higher is better.";

  private static final Logger log = Workflow.getLogger(Judge.class);

  private final RunState s;
  private final Runnable flush;

  /** Set once the pool cannot pay for another judge call. */
  private boolean stopped;

  Judge(RunState state, Runnable flush) {
    this.s = state;
    this.flush = flush;
  }

  /** Scores every delivered chat output not yet scored, in the order they settled. */
  void scoreDelivered() {
    JudgeSettings settings = s.request.judge();
    int turn = 0;
    for (WorkerSlot w : s.settled) {
      if (!w.delivered() || !WorkerProfiles.CHAT.equals(w.profile) || s.judged.containsKey(w.id)) {
        continue;
      }
      Verdict v = score(settings, w, turn++);
      if (stopped) {
        return;
      }
      if (v != null) {
        s.judged.put(w.id, v);
      }
    }
  }

  /** One output's verdict, or null when it could not be scored. */
  private Verdict score(JudgeSettings settings, WorkerSlot w, int turn) {
    PoolReadout r = s.pool.readout();
    String rubric = settings.rubric() == null ? "" : "\nRubric: " + settings.rubric();
    ChatTurnRequest call =
        new ChatTurnRequest(
                s.ledger.runId(),
                s.nodeId + NODE_SUFFIX,
                turn,
                ChatTurnRequest.JUDGE,
                settings.model(),
                0.0,
                null,
                List.of(
                    ChatMessage.system(PROMPT + rubric),
                    ChatMessage.user(
                        "Task:\n"
                            + Supervisor.taskText(s.request.task())
                            + "\n\nAnswer:\n"
                            + w.outcome.output())),
                null,
                s.usdCapped)
            .admitted(r.tokensLeft(), r.usdCapped() ? r.usdLeft() : null);
    RouterChatActivities router =
        Workflow.newActivityStub(RouterChatActivities.class, Policies.routerChat("judge " + w.id));
    ChatTurnReply reply;
    try {
      reply = router.routerChat(call);
    } catch (ActivityFailure failure) {
      Spend unpriced = FailedTurn.spendOf(failure, 0);
      if (unpriced != null) {
        meter(unpriced, FailedTurn.modelOf(failure), turn);
      }
      log.info("{}: judge could not score {}: {}", s.nodeId, w.id, Crew.rootMessage(failure));
      // Refused before sending: the pool cannot pay for a judge call, so none follows.
      stopped = CallRefusal.is(failure);
      return null;
    }
    stopped = !meter(reply.spend(0), reply.model(), turn);
    return parse(reply.content());
  }

  /** Meters a judge call; false when its dollars are unknown under a cap (judging stops). */
  private boolean meter(Spend spend, String model, int turn) {
    s.ledger.metered(s.nodeId + NODE_SUFFIX, spend, model, turn);
    boolean known = !s.pool.root().usdCapped() || spend.usdKnown();
    if (known) {
      s.pool.observe(spend);
    }
    flush.run();
    return known;
  }

  /**
   * The verdict in a judge's reply: the JSON object in it with a numeric score (clamped to 0..1),
   * or null when there is none.
   */
  static Verdict parse(String content) {
    int start = content == null ? -1 : content.indexOf('{');
    int end = content == null ? -1 : content.lastIndexOf('}');
    if (start < 0 || end <= start) {
      return null;
    }
    try {
      JsonNode v = Json.parse(content.substring(start, end + 1));
      if (!v.path("score").isNumber()) {
        return null;
      }
      double score = Math.max(0, Math.min(1, v.path("score").asDouble()));
      return new Verdict(true, score, v.path("reason").asText("judged"));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
