package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays captured {@code Delegation} histories against today's code: a change that would break
 * running delegations fails here. Re-capture with {@code -Dtally.captureHistories} after an
 * intended, versioned change.
 */
class DelegationReplayTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "histories/delegation-coder-completed.json",
        "histories/delegation-cancelled-during-timer.json",
        "histories/delegation-two-variants.json"
      })
  void capturedHistory_replaysWithoutNondeterminism(String resource) throws Exception {
    assertThat(getClass().getClassLoader().getResource(resource)).as(resource).isNotNull();

    WorkflowReplayer.replayWorkflowExecutionFromResource(resource, DelegationWorkflowImpl.class);
  }
}
