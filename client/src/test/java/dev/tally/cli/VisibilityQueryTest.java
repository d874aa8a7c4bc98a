package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The server-side query of {@code tally history} and the same status match where it filters. */
class VisibilityQueryTest {
  private static WorkflowExecutionInfo info(WorkflowExecutionStatus status, String tallyStatus) {
    WorkflowExecutionInfo.Builder b = WorkflowExecutionInfo.newBuilder().setStatus(status);
    if (tallyStatus != null) {
      b.setSearchAttributes(
          SearchAttributes.newBuilder()
              .putIndexedFields(
                  "TallyStatus",
                  Payload.newBuilder()
                      .setData(ByteString.copyFromUtf8("\"" + tallyStatus + "\""))
                      .build()));
    }
    return b.build();
  }

  @Test
  void of_everyFilter_oneQueryWithQuotedValuesAndBothStatuses() {
    String q =
        VisibilityQuery.of(
            "delegation",
            "coder",
            "team 'a'",
            "cancelled",
            Instant.parse("2026-12-01T00:00:00Z"),
            new BigDecimal("0.25"));

    assertThat(q)
        .isEqualTo(
            "WorkflowType = 'Delegation' AND TallyProfile = 'coder' AND TallyNamespace = 'team"
                + " \\'a\\'' AND (TallyStatus = 'cancelled' OR ExecutionStatus = 'Canceled') AND"
                + " StartTime > '2026-12-01T00:00:00Z' AND TallySpentUsd >= 0.25");
    assertThat(VisibilityQuery.of(null, null, null, "winner", null, null))
        .isEqualTo(VisibilityQuery.all() + " AND TallyStatus = 'winner'");
  }

  @Test
  void statusMatches_tallysOrTemporalsStatusInEitherSpelling() {
    var cancelled = info(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, null);
    var timedOut = info(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, null);
    var failedTask = info(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, "failed");

    assertThat(VisibilityQuery.statusMatches("cancelled", cancelled)).isTrue();
    assertThat(VisibilityQuery.statusMatches("CANCELED", cancelled)).isTrue();
    assertThat(VisibilityQuery.statusMatches("timed-out", timedOut)).isTrue();
    assertThat(VisibilityQuery.statusMatches("failed", failedTask)).isTrue();
    assertThat(VisibilityQuery.statusMatches("completed", failedTask)).isTrue();
    assertThat(VisibilityQuery.statusMatches("failed", cancelled)).isFalse();
    assertThat(VisibilityQuery.statusMatches("winner", failedTask)).isFalse();
  }
}
