package dev.tally.delegate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.research.FactJudge;
import dev.tally.research.FactVerdict;
import dev.tally.research.ResearchFact;
import dev.tally.sandbox.FactJudgement;
import dev.tally.sandbox.JudgeFactRequest;
import dev.tally.sandbox.SandboxActivities;
import dev.tally.sandbox.SandboxLease;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;

/** A KB-gate judge command, run in the research session's box through {@code JudgeFact}. */
final class CommandFactJudge implements FactJudge {
  private final SandboxActivities sandbox;
  private final SandboxLease lease;
  private final String command;

  CommandFactJudge(SandboxActivities sandbox, SandboxLease lease, String command) {
    this.sandbox = sandbox;
    this.lease = lease;
    this.command = command;
  }

  @Override
  public String name() {
    return "command:" + command;
  }

  @Override
  public FactVerdict judge(ResearchFact fact, String sourceText) {
    ObjectNode payload = Json.CANONICAL.valueToTree(fact);
    payload.put("sourceText", sourceText);
    FactJudgement j;
    try {
      j =
          sandbox.judgeFact(
              new JudgeFactRequest(lease.sandboxId(), lease.sessionId(), command, payload));
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof CanceledFailure) {
        throw e;
      }
      return FactVerdict.veto(name(), "judge command could not run: " + e.getCause().getMessage());
    }
    if (j.accept()) {
      return new FactVerdict(true, null, j.reason());
    }
    return FactVerdict.veto(name(), j.reason() == null ? "the judge refused it" : j.reason());
  }
}
