package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.ledger.Budget;
import dev.tally.supervise.RunRequest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RunLauncherTest {
  private static RunRequest request(String task) {
    return new RunRequest(
        TextNode.valueOf(task),
        new Budget(8L, 60_000L, new BigDecimal("0.50"), null),
        new Budget(1L, 8_000L, null, null),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void summary_shortTask_taskAndBudget() {
    assertThat(RunLauncher.summary(request("Say hi")))
        .isEqualTo("Tally run: Say hi [60,000 tokens, 8 iterations, $0.50]");
  }

  @Test
  void summary_longMultibyteTask_cutToTemporalsLimitKeepingTheBudget() {
    String summary = RunLauncher.summary(request("é".repeat(500)));

    assertThat(summary.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(RunLauncher.SUMMARY_MAX_BYTES);
    assertThat(summary).startsWith("Tally run: éé").contains("…").endsWith("$0.50]");
  }

  @Test
  void details_listBudgetsAndTask() {
    assertThat(RunLauncher.details(request("Say hi")))
        .contains("**budget**: 60,000 tokens, 8 iterations, $0.50")
        .contains("**per worker**: 8,000 tokens, 1 iteration, dollars uncapped")
        .contains("**task**: Say hi");
  }
}
