package dev.tally.delegate;

import dev.tally.ledger.Spend;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import dev.tally.sandbox.CoderReview;
import dev.tally.sandbox.CoderReviews;
import dev.tally.sandbox.SandboxLease;
import dev.tally.sandbox.ValidationReport;
import dev.tally.supervise.Policies;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code {kind: "model", model}}: one {@code RouterChat} call that reads the goal and the patch and
 * answers a {@code CoderReview}; what it cost goes to {@code onSpend}, which meters it on the
 * delegation's ledger.
 */
final class ModelReviewer implements CandidateReviewer {
  /** Most of a patch shown to the reviewer model (the head, where the change starts). */
  static final int MAX_PATCH_CHARS = 60_000;

  private final String runId;
  private final String goal;
  private final String model;
  private final Consumer<ReviewSpend> onSpend;

  /**
   * What one model call on behalf of a candidate cost, for the ledger.
   *
   * @param nodeId the ledger node: {@code <session>:review} or {@code <session>:judge}
   */
  record ReviewSpend(String nodeId, Spend spend, String model) {}

  ModelReviewer(String runId, String goal, String model, Consumer<ReviewSpend> onSpend) {
    this.runId = runId;
    this.goal = goal;
    this.model = model;
    this.onSpend = onSpend;
  }

  @Override
  public CoderReview review(SandboxLease lease, ValidationReport valid) {
    RouterChatActivities router =
        Workflow.newActivityStub(
            RouterChatActivities.class, Policies.routerChat("review of " + lease.sessionId()));
    ChatTurnRequest request =
        new ChatTurnRequest(
            runId,
            lease.sessionId() + ":review",
            0,
            ChatTurnRequest.WORKER,
            model,
            0.0,
            null,
            List.of(ChatMessage.system(SYSTEM), ChatMessage.user(prompt(valid))),
            null,
            false);
    ChatTurnReply reply;
    try {
      reply = router.routerChat(request);
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof CanceledFailure) {
        throw e;
      }
      // The call may have been billed without a receipt: it is on the ledger as unknown.
      onSpend.accept(new ReviewSpend(lease.sessionId() + ":review", Spend.unknown(0), model));
      return CoderReview.failed("reviewer model call failed: " + e.getCause().getMessage());
    }
    onSpend.accept(
        new ReviewSpend(
            lease.sessionId() + ":review",
            reply.spend(0),
            reply.model() == null ? model : reply.model()));
    return CoderReviews.parse(reply.content());
  }

  @Override
  public String name() {
    return "model:" + model;
  }

  static final String SYSTEM =
      "You review code changes adversarially. The change below already passed its tests,"
          + " typecheck, forbidden-path, size and secret checks; look for what those cannot see:"
          + " a change that is wrong, unsafe, or does not do what the goal asks. Reply with one"
          + " JSON object and nothing else: {\"approved\": true|false, \"recommendation\":"
          + " \"ship\"|\"approve-with-nits\"|\"changes-requested\"|\"reject\", \"readiness\":"
          + " <0..1>, \"notes\": \"<why>\"}.";

  private String prompt(ValidationReport valid) {
    String patch = valid.patch() == null ? "" : valid.patch();
    boolean cut = patch.length() > MAX_PATCH_CHARS;
    return "Goal: "
        + goal
        + "\n\nFiles touched: "
        + String.join(", ", valid.filesTouched())
        + " ("
        + valid.diffLines()
        + " changed lines)\n\nPatch"
        + (cut ? " (first " + MAX_PATCH_CHARS + " characters)" : "")
        + ":\n"
        + (cut ? patch.substring(0, MAX_PATCH_CHARS) : patch);
  }
}
