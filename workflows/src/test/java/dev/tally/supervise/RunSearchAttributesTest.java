package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunSearchAttributesTest {
  private final TemporalHarness harness =
      new TemporalHarness(new ScriptedChat(Scripts.coordinator(2)), new RecordingMeter());

  @AfterEach
  void close() {
    harness.close();
  }

  private void register() {
    harness
        .env()
        .registerSearchAttribute("TallyStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    harness
        .env()
        .registerSearchAttribute("TallyProfile", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    harness
        .env()
        .registerSearchAttribute("TallyNamespace", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    harness
        .env()
        .registerSearchAttribute("TallySpentUsd", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE);
    harness
        .env()
        .registerSearchAttribute("TallySpentTokens", IndexedValueType.INDEXED_VALUE_TYPE_INT);
  }

  @Test
  void run_startedWithAttributes_endsWithStatusAndSpendSearchable() {
    register();
    SupervisedRunWorkflow run =
        harness
            .client()
            .newWorkflowStub(
                SupervisedRunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("run-sa")
                    .setTaskQueue(TemporalHarness.QUEUE)
                    .setTypedSearchAttributes(RunSearchAttributes.atStart("run", "team-a"))
                    .build());

    RunResult result = run.run(Requests.basic("findable"));

    SearchAttributes sa = WorkflowStub.fromTyped(run).describe().getTypedSearchAttributes();
    assertThat(sa.get(RunSearchAttributes.STATUS)).isEqualTo("winner");
    assertThat(sa.get(RunSearchAttributes.PROFILE)).isEqualTo("run");
    assertThat(sa.get(RunSearchAttributes.NAMESPACE)).isEqualTo("team-a");
    assertThat(sa.get(RunSearchAttributes.SPENT_TOKENS)).isEqualTo(result.spentTotal().tokens());
    assertThat(sa.get(RunSearchAttributes.SPENT_USD))
        .isEqualTo(result.spentTotal().usd().doubleValue());
  }

  @Test
  void run_startedWithoutAttributes_runsAndSetsNone() {
    RunResult result = harness.newRun("run-plain").run(Requests.basic("plain"));

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    SearchAttributes sa =
        harness.client().newUntypedWorkflowStub("run-plain").describe().getTypedSearchAttributes();
    assertThat(sa.containsKey(RunSearchAttributes.STATUS)).isFalse();
  }
}
