package dev.tally.observe;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * The ops log of one Temporal namespace, workflow id {@value #WORKFLOW_ID}: every closed supervised
 * run and delegation arrives as one {@code op} signal (by signal-with-start, so none is lost while
 * the observer is not running), is counted once by op id, and feeds the aggregates, the failure
 * digests and the playbook. It continues as new to keep its history bounded, carrying them.
 */
@WorkflowInterface
public interface ObserverWorkflow {
  String TYPE = "Observer";
  String WORKFLOW_ID = "tally-observer";
  String OP_SIGNAL = "op";

  @WorkflowMethod(name = TYPE)
  void run(ObserverState state);

  @SignalMethod(name = OP_SIGNAL, description = "Log one closed run or delegation (once per opId)")
  void op(Op op);

  @UpdateMethod(name = "digest", description = "Write a failure digest now and return it")
  Digest digest(DigestRequest request);

  @QueryMethod(name = "stats", description = "Aggregates by kind, profile, model, outcome, reason")
  ObserverStats stats();

  @QueryMethod(name = "digests", description = "The digests kept, newest first")
  List<Digest> digests();

  @QueryMethod(name = "playbook", description = "Every playbook entry, with its version")
  Playbook playbook();

  @QueryMethod(name = "playbookFor", description = "The bounded entries one task class is given")
  PlaybookExcerpt playbookFor(PlaybookRequest request);
}
