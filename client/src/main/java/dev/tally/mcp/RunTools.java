package dev.tally.mcp;

import static dev.tally.mcp.InputSchema.Field.optional;
import static dev.tally.mcp.InputSchema.Field.required;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;
import dev.tally.ledger.BudgetRules;
import dev.tally.supervise.RunRequest;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The supervised-run tools of SPEC §10: start, follow, raise and cancel a run. */
final class RunTools {
  static final long UNBOUNDED = Long.MAX_VALUE;

  private final TallyBackend backend;

  RunTools(TallyBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  List<TallyTool> tools() {
    return List.of(supervise(), runStatus(), runRaiseBudget(), runCancel());
  }

  private static InputSchema.Shape budget(boolean root) {
    return InputSchema.object(
        required(
            "maxTokens",
            InputSchema.integer(1, UNBOUNDED),
            root
                ? "Token ceiling (input + output) of the whole run, every worker included."
                : "Tokens reserved for each worker."),
        required(
            "maxIterations",
            InputSchema.integer(0, UNBOUNDED),
            root ? "Worker rounds the whole run may use." : "Rounds each worker may use."),
        optional(
            "maxUsd",
            InputSchema.number(0, Double.MAX_VALUE),
            "Dollar ceiling. Absent means dollars are not capped (it does not mean $0)."),
        optional(
            "deadlineMs",
            InputSchema.integer(1, UNBOUNDED),
            "Wall-clock limit in milliseconds from the start."));
  }

  private TallyTool supervise() {
    InputSchema input =
        InputSchema.of(
            required(
                "task",
                InputSchema.textOrObject(),
                "What the run must get done: prose, or a JSON object for structured input."),
            required("budget", budget(true), "The run's ceilings; it never spends past them."),
            optional(
                "perWorker",
                budget(false),
                "What each worker reserves when spawned (default: 8000 tokens, 1 iteration)."),
            optional(
                "maxTurns",
                InputSchema.integer(0, RunRequest.RUNAWAY_TRIPWIRE_TURNS),
                "Cap on the coordinating model's turns (default "
                    + RunRequest.DEFAULT_MAX_TURNS
                    + "; 0 = no cap, the budget still bounds the run)."),
            optional(
                "onBudgetExhausted",
                InputSchema.oneOf(RunRequest.END, RunRequest.PAUSE),
                "What happens when the budget runs out: end (default) returns the best result"
                    + " so far; pause keeps the run and its work, shows phase paused in"
                    + " run_status, and waits for run_raise_budget, run_cancel or"
                    + " pauseTimeoutMs."),
            optional(
                "pauseTimeoutMs",
                InputSchema.integer(1, BudgetRules.MAX_DEADLINE_MS),
                "How long a paused run waits for a raise before it ends as end would have"
                    + " (default 24 h)."),
            optional(
                "continueAsNewAfterEvents",
                InputSchema.integer(RunRequest.MIN_CONTINUE_AS_NEW_AFTER_EVENTS, UNBOUNDED),
                "History length after which the run continues-as-new at its next safe point"
                    + " (default "
                    + RunRequest.DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS
                    + "). Nothing changes for callers: same runId, same ledger."));
    return new TallyTool(
        "supervise",
        "Start a supervised run",
        "Start a supervised run: a coordinating model spawns worker agents, waits for them and"
            + " returns the best delivered result, all within one conserved budget (every token"
            + " and dollar is on the run's ledger). Returns at once with {runId}. Runs take from"
            + " seconds to many minutes: call run_status every 10-30 seconds until its"
            + " temporalStatus is no longer RUNNING; the outcome is then in result (kind WINNER"
            + " with the output, or NO_WINNER with the reason). Each call starts a new run.",
        input,
        false,
        false,
        (args, progress) -> start(args));
  }

  private TallyTool runStatus() {
    InputSchema input =
        InputSchema.of(required("runId", InputSchema.text(), "The runId returned by supervise."));
    return new TallyTool(
        "run_status",
        "Supervised run status",
        "Where a supervised run is: temporalStatus (RUNNING, COMPLETED, ...), the live status"
            + " (phase, turn, workers, budget pool), once it ends its result (WINNER with output,"
            + " or NO_WINNER with reason) and its ledger (every spawn, settlement and metered"
            + " call, with totals). Fast. An unknown runId is an error.",
        input,
        true,
        true,
        (args, progress) -> backend.runStatus(args.get("runId").asText()));
  }

  private TallyTool runRaiseBudget() {
    InputSchema input =
        InputSchema.of(
            required("runId", InputSchema.text(), "The run whose budget to raise."),
            optional("maxTokens", InputSchema.integer(1, UNBOUNDED), "New, higher token ceiling."),
            optional("maxUsd", InputSchema.number(0, Double.MAX_VALUE), "New, higher dollar cap."),
            optional(
                "maxIterations",
                InputSchema.integer(0, UNBOUNDED),
                "New, higher iteration ceiling."),
            optional(
                "deadlineMs",
                InputSchema.integer(1, UNBOUNDED),
                "New, later deadline, in ms from the run's start."));
    return new TallyTool(
        "run_raise_budget",
        "Raise a run's budget",
        "Raise the ceilings of a running supervised run (raise only; a paused run resumes)."
            + " Returns the new budget pool. A value at or below the current ceiling, a dollar cap"
            + " on a run started without one, or a run that has ended is refused with an error"
            + " naming the field, the current ceiling and the spend.",
        input,
        false,
        false,
        (args, progress) -> raise(args));
  }

  private TallyTool runCancel() {
    InputSchema input =
        InputSchema.of(
            required("runId", InputSchema.text(), "The run to stop."),
            optional("reason", InputSchema.text(), "Why, recorded in the ledger."));
    return new TallyTool(
        "run_cancel",
        "Cancel a supervised run",
        "Stop a supervised run: live workers are cancelled, every reservation settles and the"
            + " run ends NO_WINNER (cancelled); run_status shows it within seconds. Returns"
            + " {cancelled}; false when the run had already ended.",
        input,
        false,
        true,
        (args, progress) -> {
          String runId = args.get("runId").asText();
          String reason = DelegationTools.text(args, "reason");
          boolean sent = backend.cancelRun(runId, reason == null ? "cancelled over MCP" : reason);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("cancelled", sent);
          out.put("runId", runId);
          if (!sent) {
            out.put("next", "it had already ended: see run_status");
          }
          return out;
        });
  }

  private Object start(JsonNode args) {
    Integer maxTurns = args.hasNonNull("maxTurns") ? args.get("maxTurns").asInt() : null;
    RunRequest request =
        new RunRequest(
                args.get("task").deepCopy(),
                budget(args.get("budget")),
                args.hasNonNull("perWorker") ? budget(args.get("perWorker")) : null,
                maxTurns,
                null,
                null,
                null,
                null,
                null)
            .withLongRun(
                DelegationTools.text(args, "onBudgetExhausted"),
                args.hasNonNull("pauseTimeoutMs") ? args.get("pauseTimeoutMs").asLong() : null,
                args.hasNonNull("continueAsNewAfterEvents")
                    ? args.get("continueAsNewAfterEvents").asInt()
                    : null);
    String runId = backend.startRun(request);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runId", runId);
    out.put("next", "call run_status with this runId every 10-30 s until it is not RUNNING");
    return out;
  }

  private static Budget budget(JsonNode b) {
    return new Budget(
        b.get("maxIterations").asLong(),
        b.get("maxTokens").asLong(),
        b.hasNonNull("maxUsd") ? new BigDecimal(b.get("maxUsd").asText()) : null,
        b.hasNonNull("deadlineMs") ? b.get("deadlineMs").asLong() : null);
  }

  private Object raise(JsonNode args) {
    Map<String, Object> raise = new LinkedHashMap<>();
    for (String f : List.of("maxTokens", "maxUsd", "maxIterations", "deadlineMs")) {
      if (args.hasNonNull(f)) {
        // Dollars as the decimal the caller wrote, never through a binary double.
        raise.put(
            f,
            "maxUsd".equals(f)
                ? new BigDecimal(args.get(f).asText())
                : (Object) args.get(f).longValue());
      }
    }
    if (raise.isEmpty()) {
      throw ToolFailure.invalid(
          "run_raise_budget",
          List.of(
              new Problem(
                  "maxTokens|maxUsd|maxIterations|deadlineMs",
                  "at least one new ceiling",
                  "none")));
    }
    return backend.raiseBudget(args.get("runId").asText(), raise);
  }
}
