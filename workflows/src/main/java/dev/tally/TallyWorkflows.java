package dev.tally;

import dev.tally.delegate.DelegationWorkflowImpl;
import dev.tally.feedback.FeedbackLogWorkflowImpl;
import dev.tally.observe.ObserverWorkflowImpl;
import dev.tally.supervise.SupervisedRunWorkflowImpl;
import dev.tally.supervise.WorkerTaskWorkflowImpl;
import io.temporal.common.converter.DataConverterException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.util.List;

/**
 * Every workflow implementation Tally runs, registered the same way by the worker process, the
 * embedded dev server and the tests, so nothing is configured twice.
 */
public final class TallyWorkflows {
  /** The task queue runs use unless configured otherwise. */
  public static final String DEFAULT_TASK_QUEUE = "tally";

  /** The workflow implementation classes, in registration order. */
  public static final List<Class<?>> IMPLEMENTATIONS =
      List.of(
          SupervisedRunWorkflowImpl.class,
          WorkerTaskWorkflowImpl.class,
          DelegationWorkflowImpl.class,
          FeedbackLogWorkflowImpl.class,
          ObserverWorkflowImpl.class);

  private TallyWorkflows() {}

  /**
   * Registers every workflow on {@code worker}. An input that cannot even be decoded (a string
   * where a number belongs) fails the workflow instead of retrying its first task forever.
   */
  public static void register(Worker worker) {
    WorkflowImplementationOptions options =
        WorkflowImplementationOptions.newBuilder()
            .setFailWorkflowExceptionTypes(DataConverterException.class)
            .build();
    for (Class<?> type : IMPLEMENTATIONS) {
      worker.registerWorkflowImplementationTypes(options, type);
    }
  }
}
