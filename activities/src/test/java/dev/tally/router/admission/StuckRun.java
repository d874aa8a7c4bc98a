package dev.tally.router.admission;

import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.testing.TestWorkflowEnvironment;

/**
 * What a generated run that did not end was doing: every open workflow's event types and the
 * worker's threads, so a hang fails the property with a diagnosis instead of stalling the build.
 */
final class StuckRun {
  private StuckRun() {}

  static String describe(TestWorkflowEnvironment env, String runId) {
    var open =
        env.getWorkflowClient()
            .getWorkflowServiceStubs()
            .blockingStub()
            .listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace("default").build());
    StringBuilder dump = new StringBuilder("run " + runId + " did not end; open:\n");
    for (var ex : open.getExecutionsList()) {
      String id = ex.getExecution().getWorkflowId();
      dump.append(id).append(":");
      env.getWorkflowClient()
          .fetchHistory(id)
          .getEvents()
          .forEach(
              ev -> dump.append(' ').append(ev.getEventType().name().replace("EVENT_TYPE_", "")));
      dump.append('\n');
    }
    Thread.getAllStackTraces()
        .forEach(
            (t, stack) -> {
              String name = t.getName();
              if (name.contains("ctivity")
                  || name.contains("router-call")
                  || name.contains("orkflow")) {
                dump.append("THREAD ").append(name).append('\n');
                for (int k = 0; k < Math.min(stack.length, 25); k++) {
                  dump.append("    ").append(stack[k]).append('\n');
                }
              }
            });
    return dump.toString();
  }
}
