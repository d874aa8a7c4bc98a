package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tally feedback} on an open supervised run goes through the run's {@code rate} update, on a
 * real embedded Temporal server: the sender learns the run took the rating, or why it refused it
 * (exit 2, recorded nowhere); the feedback log {@code fb-ID} keeps every rating taken.
 */
class FeedbackRateTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  @Test
  void feedback_openRun_takenByTheRateUpdate_refusedOneExits2AndIsRecordedNowhere()
      throws Exception {
    try (HeldRun open = new HeldRun(STACK, "rate-open-run")) {
      Cli.Result refused =
          Cli.run(
              STACK.env(),
              "feedback",
              open.runId,
              "--score",
              "0.4",
              "--by",
              "b".repeat(201),
              "--task-queue",
              open.queue);
      Cli.Result taken =
          Cli.run(
              STACK.env(),
              "feedback",
              open.runId,
              "--score",
              "0.7",
              "--label",
              "good",
              "--by",
              "reviewer",
              "--json",
              "--task-queue",
              open.queue);
      Cli.Result text =
          Cli.run(
              STACK.env(),
              "feedback",
              open.runId,
              "--score",
              "0.9",
              "--by",
              "second",
              "--task-queue",
              open.queue);

      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCode.USAGE);
      assertThat(refused.errLines())
          .singleElement()
          .asString()
          .isEqualTo(
              "tally: the run "
                  + open.runId
                  + " refused the rating, nothing recorded: feedback.by: expected at most 200"
                  + " characters");
      assertThat(taken.exitCode()).as(taken.toString()).isZero();
      JsonNode doc = Json.parse(taken.out());
      assertThat(doc.get("signalledRun").asBoolean()).isTrue();
      assertThat(doc.get("runAnswer").asText()).isEqualTo("took it (1 rating held)");
      assertThat(text.exitCode()).as(text.toString()).isZero();
      assertThat(text.out()).contains("; the open run took it (2 ratings held)");

      JsonNode status = awaitLog(open, 2);
      assertThat(status.at("/status/feedback").size()).isEqualTo(2);
      assertThat(status.at("/status/feedback/0/score").asDouble()).isEqualTo(0.7);
      assertThat(status.at("/status/feedback/0/by").asText()).isEqualTo("reviewer");
      assertThat(status.at("/feedbackLog/events").size())
          .as("the refused rating is not in the log")
          .isEqualTo(2);
    }
  }

  /** The run's status once its feedback log holds {@code events} events. */
  private static JsonNode awaitLog(HeldRun open, int events) throws InterruptedException {
    JsonNode status = null;
    for (int i = 0; i < 100; i++) {
      status =
          Json.parse(
              Cli.run(STACK.env(), "status", open.runId, "--json", "--task-queue", open.queue)
                  .out());
      if (status.at("/feedbackLog/events").size() >= events) {
        return status;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the feedback log never held " + events + " events: " + status);
  }
}
