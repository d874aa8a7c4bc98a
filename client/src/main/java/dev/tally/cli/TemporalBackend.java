package dev.tally.cli;

import dev.tally.delegate.DelegationFeedback;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationSubmitter;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.delegate.Submission;
import dev.tally.feedback.FeedbackRecorder;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.PoolReadout;
import dev.tally.mcp.Problem;
import dev.tally.mcp.TallyBackend;
import dev.tally.mcp.ToolFailure;
import dev.tally.observe.Digest;
import dev.tally.observe.ObserverClient;
import dev.tally.observe.ObserverStats;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunRequestRules;
import dev.tally.supervise.RunStatus;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.client.WorkflowNotFoundException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The MCP tools' way to Temporal: the CLI's own session, submission, listing and ledger code, with
 * failures turned into {@link ToolFailure}s an agent can act on. It opens one connection on first
 * use and keeps it (gRPC reconnects by itself); when Temporal does not answer, each call says so
 * and the next one tries again.
 */
final class TemporalBackend implements TallyBackend, AutoCloseable {
  private final TallyCli root;
  private TemporalSession session;

  TemporalBackend(TallyCli root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  private synchronized TemporalSession session() {
    if (session == null) {
      try {
        session = root.connect();
      } catch (CliException e) {
        throw failure(e);
      }
    }
    return session;
  }

  /** Runs {@code work} with Temporal's and the CLI's failures translated for the agent. */
  private <T> T call(Supplier<T> work) {
    try {
      return work.get();
    } catch (ToolFailure e) {
      throw e;
    } catch (WorkflowNotFoundException e) {
      String id = e.getExecution() == null ? "?" : e.getExecution().getWorkflowId();
      throw unknown(id);
    } catch (CliException e) {
      throw failure(e);
    } catch (RuntimeException e) {
      Failure f = Failure.classify(e, root);
      String kind =
          f.exitCode() == ExitCode.UNREACHABLE
              ? ToolFailure.UNREACHABLE
              : f.exitCode() == ExitCode.NOT_FOUND ? ToolFailure.UNKNOWN_ID : ToolFailure.FAILED;
      throw new ToolFailure(
          kind, f.message().replace(" (rerun with --verbose for the stack trace)", ""));
    }
  }

  private ToolFailure failure(CliException e) {
    String kind =
        switch (e.exitCode()) {
          case ExitCode.UNREACHABLE -> ToolFailure.UNREACHABLE;
          case ExitCode.NOT_FOUND -> ToolFailure.UNKNOWN_ID;
          case ExitCode.USAGE -> ToolFailure.INVALID_ARGUMENTS;
          default -> ToolFailure.FAILED;
        };
    return new ToolFailure(kind, e.getMessage());
  }

  private ToolFailure unknown(String id) {
    return new ToolFailure(
        ToolFailure.UNKNOWN_ID,
        "no delegation or run with id '"
            + id
            + "' in namespace "
            + root.namespace()
            + " at "
            + root.address()
            + ": check the id (delegation_history lists delegations)");
  }

  /** The execution, typed as expected, or an unknown-id failure naming what was there instead. */
  private WorkflowExecutionInfo describe(String id, String type) {
    WorkflowExecutionInfo info;
    try {
      info = session().describe(id);
    } catch (CliException e) {
      if (e.exitCode() == ExitCode.NOT_FOUND) {
        throw unknown(id);
      }
      throw e;
    }
    if (!type.equals(info.getType().getName())) {
      String what = DelegationWorkflow.TYPE.equals(type) ? "a delegation" : "a supervised run";
      throw new ToolFailure(
          ToolFailure.UNKNOWN_ID,
          "'" + id + "' is a " + info.getType().getName() + " workflow, not " + what);
    }
    return info;
  }

  @Override
  public Submission delegate(DelegationRequest request) {
    return call(
        () -> {
          TemporalSession s = session();
          try {
            return DelegationSubmitter.submit(s.client(), s.taskQueue(), request);
          } catch (IllegalArgumentException e) {
            String rules = e.getMessage().replaceFirst("^invalid DelegationRequest: ", "");
            List<Problem> problems = new ArrayList<>();
            for (String rule : rules.split("; ")) {
              problems.add(Problem.fromRule(rule));
            }
            throw ToolFailure.invalid(
                "delegate_" + (request.profile().equals("coder") ? "code" : "research"), problems);
          }
        });
  }

  @Override
  public DelegationStatus delegation(String taskId) {
    return call(
        () -> {
          describe(taskId, DelegationWorkflow.TYPE);
          return DelegationSubmitter.stateOf(session().client(), taskId);
        });
  }

  @Override
  public List<DelegationSummary> delegations(
      String namespace, String profile, Instant since, int limit) {
    return call(
        () -> {
          TemporalSession s = session();
          List<WorkflowExecutionInfo> rows =
              HistoryCommand.newestFirst(
                  s,
                  VisibilityQuery.of("delegation", profile, namespace, null, since, null),
                  i ->
                      HistoryCommand.kindOf(i).equals("delegation")
                          && (profile == null || profile.equals(HistoryCommand.profileOf(i)))
                          && (namespace == null || namespace.equals(HistoryCommand.namespaceOf(i)))
                          && (since == null || !Times.instant(i.getStartTime()).isBefore(since)));
          List<DelegationSummary> out = new ArrayList<>();
          for (WorkflowExecutionInfo i : rows.subList(0, Math.min(limit, rows.size()))) {
            String id = i.getExecution().getWorkflowId();
            DelegationStatus st = DelegationSubmitter.stateOf(s.client(), id);
            out.add(
                new DelegationSummary(
                    id,
                    HistoryCommand.profileOf(i),
                    HistoryCommand.namespaceOf(i),
                    st.status(),
                    Times.iso(i.getStartTime()),
                    st.completedAt(),
                    st.costUsd()));
          }
          return out;
        });
  }

  @Override
  public String feedback(String taskId, DelegationFeedback feedback) {
    return call(
        () -> {
          TemporalSession s = session();
          WorkflowExecutionInfo info = describe(taskId, DelegationWorkflow.TYPE);
          if (TemporalSession.running(info)) {
            // The open delegation keeps the rating in its own status too.
            s.signal(taskId, "feedback", feedback);
          }
          Clock clock =
              feedback.capturedAt() == null
                  ? Clock.systemUTC()
                  : Clock.fixed(Instant.parse(feedback.capturedAt()), ZoneOffset.UTC);
          DelegationFeedback.Rating r = feedback.rating();
          try {
            return new FeedbackRecorder(s.client(), s.taskQueue(), clock)
                .feedback(taskId, r.score(), r.label(), r.notes(), feedback.by())
                .event()
                .eventId();
          } catch (IllegalArgumentException e) {
            throw new ToolFailure(
                ToolFailure.INVALID_ARGUMENTS, "delegate_feedback: " + e.getMessage());
          }
        });
  }

  @Override
  public boolean cancelDelegation(String taskId, String reason) {
    return call(
        () -> {
          WorkflowExecutionInfo info = describe(taskId, DelegationWorkflow.TYPE);
          if (!TemporalSession.running(info)) {
            return false;
          }
          session().signal(taskId, "cancel", new CancelRequest(reason));
          return true;
        });
  }

  @Override
  public String startRun(RunRequest request) {
    return call(
        () -> {
          RunRequest r = request;
          if (r.perWorker() == null) {
            Budget perWorker =
                new Budget(
                    RunCommand.DEFAULT_PER_WORKER_ITERATIONS,
                    Math.min(RunCommand.DEFAULT_PER_WORKER_TOKENS, r.budget().maxTokens()),
                    null,
                    null);
            r =
                new RunRequest(
                        r.task(),
                        r.budget(),
                        perWorker,
                        r.maxTurns(),
                        r.maxDepth(),
                        r.maxLiveWorkers(),
                        r.driver(),
                        r.workerProfiles(),
                        r.evalRun())
                    .withLongRun(
                        request.onBudgetExhausted(),
                        request.pauseTimeoutMs(),
                        request.continueAsNewAfterEvents());
          }
          List<String> rules = RunRequestRules.problems(r);
          if (!rules.isEmpty()) {
            throw ToolFailure.invalid("supervise", rules.stream().map(Problem::fromRule).toList());
          }
          String task = RunLauncher.taskText(r);
          StringWriter notes = new StringWriter();
          return RunLauncher.start(session(), RunIds.newId(task), true, r, new PrintWriter(notes))
              .getWorkflowId();
        });
  }

  @Override
  public Map<String, Object> runStatus(String runId) {
    return call(
        () -> {
          TemporalSession s = session();
          WorkflowExecutionInfo info = describe(runId, SupervisedRunWorkflow.TYPE);
          Map<String, Object> doc = StatusCommand.Views.execution(info);
          doc.remove("runId");
          doc.put("runId", runId);
          TemporalSession.Answer<RunStatus> status = s.query(runId, "status", RunStatus.class);
          if (status.answered()) {
            doc.put("status", status.value());
          } else {
            doc.put("statusUnavailable", status.unavailable());
          }
          if (!TemporalSession.running(info)) {
            RunCommand.putEnding(doc, s.ending(runId, Duration.ofSeconds(10)));
          }
          LedgerCheck ledger = LedgerReport.check(s, runId);
          Map<String, Object> l = new LinkedHashMap<>();
          l.put("entries", LedgerJson.entries(ledger.entries()));
          l.put("totals", ledger.totals());
          l.put("consistent", ledger.ok());
          doc.put("ledger", l);
          return doc;
        });
  }

  @Override
  public Map<String, Object> opsStats() {
    return call(
        () -> {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("namespace", session().namespace());
          Optional<ObserverStats> stats = new ObserverClient(session().client()).stats();
          doc.put("observer", stats.isPresent() ? "running" : "not started");
          stats.ifPresent(s -> doc.put("stats", s));
          return doc;
        });
  }

  @Override
  public Map<String, Object> opsDigest(boolean write, boolean diagnose, int limit) {
    return call(
        () -> {
          ObserverClient observer = new ObserverClient(session().client());
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("namespace", session().namespace());
          if (write) {
            try {
              doc.put("digest", observer.digestNow(diagnose));
            } catch (IllegalStateException e) {
              throw new ToolFailure(ToolFailure.WRONG_STATE, e.getMessage());
            }
            return doc;
          }
          List<Digest> digests = observer.digests();
          doc.put("digests", digests.subList(0, Math.min(limit, digests.size())));
          doc.put("kept", digests.size());
          return doc;
        });
  }

  @Override
  public boolean cancelRun(String runId, String reason) {
    return call(
        () -> {
          WorkflowExecutionInfo info = describe(runId, SupervisedRunWorkflow.TYPE);
          if (!TemporalSession.running(info)) {
            return false;
          }
          session().signal(runId, "cancel", new CancelRequest(reason));
          return true;
        });
  }

  @Override
  public Map<String, Object> raiseBudget(String runId, Map<String, Object> raise) {
    return call(
        () -> {
          describe(runId, SupervisedRunWorkflow.TYPE);
          Budget ceilings = Json.CANONICAL.convertValue(raise, Budget.class);
          PoolReadout pool;
          try {
            pool = RaiseUpdate.send(session(), runId, ceilings);
          } catch (RaiseUpdate.Rejected e) {
            // The run's validator names the field, the current ceiling and the spend.
            throw new ToolFailure(
                ToolFailure.INVALID_ARGUMENTS,
                "run_raise_budget: refused by run '" + runId + "': " + e.getMessage());
          } catch (RaiseUpdate.Closed e) {
            throw new ToolFailure(ToolFailure.WRONG_STATE, "run_raise_budget: " + e.getMessage());
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("runId", runId);
          out.put("raised", ceilings);
          out.put("pool", pool);
          out.put("next", "call run_status to follow it; a paused run has resumed");
          return out;
        });
  }

  @Override
  public synchronized void close() {
    if (session != null) {
      session.close();
      session = null;
    }
  }
}
