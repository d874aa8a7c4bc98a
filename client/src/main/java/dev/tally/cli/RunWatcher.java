package dev.tally.cli;

import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Follows a run until it ends: polls Temporal for the run's state and the worker for its {@code
 * status} query, and prints a progress line whenever something changed.
 */
final class RunWatcher {
  /** How long to wait for the result once Temporal says the run closed. */
  static final Duration RESULT_WAIT = Duration.ofSeconds(30);

  private final TemporalSession session;
  private final PrintWriter out;
  private final Duration interval;

  RunWatcher(TemporalSession session, PrintWriter out, Duration interval) {
    this.session = session;
    this.out = out;
    this.interval = interval;
  }

  /** Prints progress until the run closes, then returns how it ended. */
  TemporalSession.Ending follow(String workflowId, RunRequest request) {
    long started = System.nanoTime();
    String last = null;
    String lastNote = null;
    while (true) {
      WorkflowExecutionInfo info = session.describe(workflowId);
      if (!TemporalSession.running(info)) {
        break;
      }
      TemporalSession.Answer<RunStatus> status =
          session.query(workflowId, "status", RunStatus.class);
      String line = status.answered() ? RunView.progress(status.value(), request) : null;
      String note = status.answered() ? null : "waiting: " + status.unavailable();
      if (line != null && !line.equals(last)) {
        out.println(elapsed(started) + "  " + line);
        out.flush();
        last = line;
      } else if (note != null && !note.equals(lastNote)) {
        out.println(elapsed(started) + "  " + note);
        out.flush();
        lastNote = note;
      }
      sleep(interval);
    }
    TemporalSession.Ending ending = session.ending(workflowId, RESULT_WAIT);
    // One last look: the closed run's final numbers, when a worker can still answer the query.
    TemporalSession.Answer<RunStatus> finalStatus =
        session.query(workflowId, "status", RunStatus.class);
    if (finalStatus.answered()) {
      String line = RunView.progress(finalStatus.value(), request);
      if (!line.equals(last)) {
        out.println(elapsed(started) + "  " + line);
      }
    }
    out.println(elapsed(started) + "  run closed");
    out.flush();
    return ending;
  }

  private static String elapsed(long startedNanos) {
    return String.format(Locale.ROOT, "%6.1fs", (System.nanoTime() - startedNanos) / 1e9);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.FAILED, "interrupted while watching the run");
    }
  }
}
