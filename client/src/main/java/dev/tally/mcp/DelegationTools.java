package dev.tally.mcp;

import static dev.tally.mcp.InputSchema.Field.optional;
import static dev.tally.mcp.InputSchema.Field.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.delegate.DelegationFeedback;
import dev.tally.delegate.DelegationProfiles;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.Submission;
import dev.tally.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The delegation tools of SPEC §10: submit, poll, list, rate and cancel detached delegations. */
final class DelegationTools {
  /** How often the descriptions tell an agent to poll, and what {@code pollAfterMs} says. */
  static final Duration POLL_EVERY = Duration.ofSeconds(15);

  /**
   * Rough hints for {@code estimatedDurationMs}: a coder turn (agent run plus validation) and a
   * research turn. They are hints for scheduling the first poll, not measurements.
   */
  static final Duration CODER_ESTIMATE = Duration.ofMinutes(10);

  static final Duration RESEARCH_ESTIMATE = Duration.ofMinutes(5);

  /** The longest {@code delegation_cancel} waits for the task to settle before answering. */
  static final Duration CANCEL_WAIT = Duration.ofSeconds(60);

  static final Duration CANCEL_POLL = Duration.ofMillis(500);

  static final int HISTORY_DEFAULT_LIMIT = 50;
  static final int HISTORY_MAX_LIMIT = 500;

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

  private final TallyBackend backend;

  DelegationTools(TallyBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  List<TallyTool> tools() {
    return List.of(
        delegateCode(),
        delegateResearch(),
        delegationStatus(),
        delegationHistory(),
        delegateFeedback(),
        delegationCancel());
  }

  private TallyTool delegateCode() {
    InputSchema input =
        InputSchema.of(
            required(
                "goal",
                InputSchema.text(),
                "What the change must accomplish, in plain language, as you would tell a"
                    + " colleague (e.g. 'add a --dry-run flag to the deploy script')."),
            required(
                "repoRoot",
                InputSchema.text(),
                "Absolute path of the git repository to change, on the machine Tally's worker"
                    + " runs on. The repository itself is not modified: the change comes back as"
                    + " a patch."),
            optional(
                "contextHint",
                InputSchema.text(),
                "Where to look or what to keep in mind (files, conventions, pitfalls)."),
            optional(
                "variants",
                InputSchema.integer(1, 8),
                "How many independent attempts to run in parallel, 1..8 (default 1). The best"
                    + " validated one is returned; more variants cost more."),
            optional(
                "config",
                InputSchema.object(
                    optional(
                        "testCmd",
                        InputSchema.text(),
                        "Shell command run in the changed copy; it must exit 0 (e.g. 'npm"
                            + " test')."),
                    optional(
                        "typecheckCmd",
                        InputSchema.text(),
                        "Shell command that must exit 0 (e.g. 'tsc --noEmit')."),
                    optional(
                        "forbiddenPaths",
                        InputSchema.textList(),
                        "Paths (relative to repoRoot) the change must not touch."),
                    optional(
                        "maxDiffLines",
                        InputSchema.integer(1, Long.MAX_VALUE),
                        "The largest acceptable diff, in changed lines."),
                    optional(
                        "harnesses",
                        InputSchema.textList(),
                        "Names of the coding agents to use (configured on the worker in"
                            + " TALLY_HARNESSES, e.g. claude-code, codex), cycled over the"
                            + " variants. Default: the worker's one harness."),
                    optional(
                        "models",
                        InputSchema.textList(),
                        "Per variant, the model its agent should use (passed as TALLY_MODEL)."),
                    optional(
                        "maxConcurrency",
                        InputSchema.integer(1, 8),
                        "How many variants run at once, 1..8 (default 4)."),
                    optional(
                        "reviewer",
                        InputSchema.object(
                            required(
                                "kind",
                                InputSchema.oneOf("command", "model"),
                                "command: run cmd in the candidate's copy, printing a review"
                                    + " JSON; model: ask a model to review the patch."),
                            optional(
                                "cmd", InputSchema.text(), "The review command (kind command)."),
                            optional(
                                "model",
                                InputSchema.text(),
                                "The reviewing model (kind model); its cost is on the ledger.")),
                        "An optional reviewer gate: a candidate must also be approved."),
                    optional(
                        "winner",
                        InputSchema.oneOf(
                            "highest-score",
                            "smallest-diff",
                            "highest-readiness",
                            "first-approved"),
                        "How the winner among validated (and approved) candidates is picked"
                            + " (default highest-score; highest-readiness needs a reviewer).")),
                "How the change is validated, reviewed and chosen before it can be returned."),
            optional(
                "namespace",
                InputSchema.text(),
                "A label grouping delegations (a customer, a workspace) for"
                    + " delegation_history."));
    return new TallyTool(
        "delegate_code",
        "Delegate a coding task",
        "Hand a coding task on a local git repository to Tally. A coding agent works on a copy of"
            + " the repository in a sandbox; the change is then validated (testCmd and"
            + " typecheckCmd must pass, forbiddenPaths untouched, diff within maxDiffLines, not"
            + " empty, no secrets) and only a validated change is returned, as a unified diff"
            + " patch. This call returns at once with {taskId, reused, estimatedDurationMs}; the"
            + " work itself usually takes minutes. Then call delegation_status with the taskId"
            + " every "
            + POLL_EVERY.toSeconds()
            + "-30 seconds until its status is completed, failed or cancelled (keep working on"
            + " other things meanwhile); a completed result carries the patch (apply it with"
            + " `git apply`). Identical arguments return the same task (reused: true) instead of"
            + " starting another, so retrying this call is safe. Stop it with delegation_cancel.",
        input,
        false,
        true,
        (args, progress) ->
            submit(DelegationProfiles.CODER, coderArgs(args), text(args, "namespace")));
  }

  private TallyTool delegateResearch() {
    InputSchema input =
        InputSchema.of(
            required("question", InputSchema.text(), "The question to answer, in plain language."),
            required(
                "namespace",
                InputSchema.text(),
                "The knowledge namespace the research belongs to (a project, a customer); also"
                    + " groups delegations for delegation_history."),
            optional("scope", InputSchema.text(), "What is in scope and what is not."),
            optional(
                "sources",
                InputSchema.textList("web", "corpus", "twitter", "github", "docs"),
                "Which kinds of source to use (default: the worker's choice)."),
            optional(
                "variants", InputSchema.integer(1, 8), "Independent attempts, 1..8 (default 1)."),
            optional(
                "config",
                InputSchema.object(
                    optional(
                        "recencyWindow",
                        InputSchema.object(
                            optional("since", InputSchema.text(), "ISO-8601 date: nothing older."),
                            optional("until", InputSchema.text(), "ISO-8601 date: nothing newer.")),
                        "Only sources from this period."),
                    optional(
                        "maxItems",
                        InputSchema.integer(1, 500),
                        "At most this many facts, 1..500."),
                    optional(
                        "minConfidence",
                        InputSchema.number(0, 1),
                        "Drop facts below this confidence, 0..1.")),
                "Tuning of the research."));
    return new TallyTool(
        "delegate_research",
        "Delegate a research question",
        "Hand a research question to Tally, which runs a research agent in a sandbox and returns"
            + " an answer with facts, each backed by a verbatim passage of its source. Returns at"
            + " once with {taskId, reused, estimatedDurationMs}; then poll delegation_status every "
            + POLL_EVERY.toSeconds()
            + "-30 seconds until status is completed, failed or cancelled. Identical arguments"
            + " return the same task (reused: true), so retrying is safe.",
        input,
        false,
        true,
        (args, progress) -> submit(DelegationProfiles.RESEARCHER, args.deepCopy(), null));
  }

  private TallyTool delegationStatus() {
    InputSchema input =
        InputSchema.of(
            required(
                "taskId",
                InputSchema.text(),
                "The taskId returned by delegate_code or delegate_research."),
            optional(
                "includeTrace",
                InputSchema.bool(),
                "Also return each sandbox turn: its session reference, phase, tick count and"
                    + " validation evidence (default false)."));
    return new TallyTool(
        "delegation_status",
        "Delegation status",
        "Where a delegation is now: status (pending, running, completed, failed, cancelled),"
            + " progress {iteration, phase}, and once it ends its result (for a coding task the"
            + " validated patch) or its error {message, kind}, with costUsd (absent when the cost"
            + " is unknown; never a guessed zero). Fast (under a second). While it is pending or"
            + " running, call again after pollAfterMs (about "
            + POLL_EVERY.toSeconds()
            + " s). An unknown taskId is an error, not a pending task.",
        input,
        true,
        true,
        (args, progress) -> status(args));
  }

  private TallyTool delegationHistory() {
    InputSchema input =
        InputSchema.of(
            optional("namespace", InputSchema.text(), "Only delegations in this namespace."),
            optional(
                "profile",
                InputSchema.oneOf(DelegationProfiles.ALL.toArray(String[]::new)),
                "Only this kind: coder (delegate_code), researcher (delegate_research) or"
                    + " ui-auditor."),
            optional(
                "since",
                InputSchema.text(),
                "Only delegations started after this: an ISO-8601 instant"
                    + " (2026-12-01T09:00:00Z) or a duration back from now (90s, 30m, 24h, 7d)."),
            optional(
                "limit",
                InputSchema.integer(1, HISTORY_MAX_LIMIT),
                "At most this many, 1.."
                    + HISTORY_MAX_LIMIT
                    + " (default "
                    + HISTORY_DEFAULT_LIMIT
                    + ")."));
    return new TallyTool(
        "delegation_history",
        "List delegations",
        "Past and current delegations, newest first: {delegations: [{taskId, profile, namespace,"
            + " status, startedAt, completedAt, costUsd}]}. Use it to find a taskId you lost or"
            + " to see what was already delegated before delegating again. Takes a second or two.",
        input,
        true,
        true,
        (args, progress) -> history(args));
  }

  private TallyTool delegateFeedback() {
    InputSchema input =
        InputSchema.of(
            required(
                "refersTo",
                InputSchema.object(
                    required(
                        "kind",
                        InputSchema.oneOf("delegation", "artifact", "outcome"),
                        "What is rated: the delegation as a whole, an artifact it produced, or"
                            + " the outcome of using it."),
                    required(
                        "ref",
                        InputSchema.text(),
                        "For delegation: the taskId. For artifact or outcome: the taskId, then"
                            + " '#' and what is rated (e.g. 'dlg-coder-...#patch').")),
                "What the rating is about."),
            required(
                "rating",
                InputSchema.object(
                    required("score", InputSchema.number(0, 1), "0 (useless) .. 1 (perfect)."),
                    optional(
                        "label",
                        InputSchema.oneOf("good", "bad", "neutral", "mixed"),
                        "A one-word verdict."),
                    required("notes", InputSchema.text(), "Why, in a sentence or two.")),
                "The rating."),
            required(
                "by",
                InputSchema.oneOf("agent", "user", "downstream-judge"),
                "Who rates: you (agent), your user (user), or an automated judge."),
            optional(
                "capturedAt",
                InputSchema.text(),
                "When the judgement was made, ISO-8601 (default: now)."),
            optional(
                "namespace",
                InputSchema.text(),
                "The delegation's namespace, when it has one; a different one is refused."));
    return new TallyTool(
        "delegate_feedback",
        "Rate a delegation",
        "Record how good a delegation's result was, open or finished: {recorded: true, id}. The"
            + " rating is kept durably with the delegation (it shows in delegation_status) and"
            + " feeds Tally's evaluations. Fast. Rate once per judgement; every call is kept.",
        input,
        false,
        false,
        (args, progress) -> feedback(args));
  }

  private TallyTool delegationCancel() {
    InputSchema input =
        InputSchema.of(
            required("taskId", InputSchema.text(), "The delegation to stop."),
            optional("reason", InputSchema.text(), "Why, kept with the task."));
    return new TallyTool(
        "delegation_cancel",
        "Cancel a delegation",
        "Stop a delegation: its sandbox session is cancelled (the agent process is killed), the"
            + " box released, and the task ends cancelled. Waits up to "
            + CANCEL_WAIT.toSeconds()
            + " s for that to finish (with progress notifications when you asked for them), then"
            + " returns {cancelled, status}. cancelled is false when the task had already ended"
            + " (its status says how); calling it twice is harmless.",
        input,
        false,
        true,
        this::cancel);
  }

  // --- handlers -------------------------------------------------------------------------------

  private Map<String, Object> submit(String profile, JsonNode args, String namespace) {
    DelegationRequest request = DelegationRequest.of(profile, args, namespace);
    Submission s = backend.delegate(request);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("taskId", s.taskId());
    out.put("reused", s.reused());
    boolean ended = s.state() != null && DelegationStatus.terminal(s.state().status());
    Duration estimate =
        DelegationProfiles.CODER.equals(profile) ? CODER_ESTIMATE : RESEARCH_ESTIMATE;
    out.put("estimatedDurationMs", ended ? 0 : estimate.toMillis());
    if (s.state() != null) {
      out.put("status", s.state().status());
    }
    out.put(
        "next",
        ended
            ? "already finished: call delegation_status for its result"
            : "call delegation_status with this taskId every "
                + POLL_EVERY.toSeconds()
                + "-30 s until status is completed, failed or cancelled");
    return out;
  }

  private static JsonNode coderArgs(JsonNode args) {
    ObjectNode copy = args.deepCopy();
    copy.remove("namespace");
    return copy;
  }

  private Object status(JsonNode args) {
    DelegationStatus state = backend.delegation(args.get("taskId").asText());
    ObjectNode out = Json.CANONICAL.valueToTree(state);
    if (!args.path("includeTrace").asBoolean(false)) {
      out.remove("turns");
    }
    if (!DelegationStatus.terminal(state.status())) {
      out.put("pollAfterMs", POLL_EVERY.toMillis());
    }
    return out;
  }

  private Object history(JsonNode args) {
    Instant since = null;
    if (args.hasNonNull("since")) {
      since = since(args.get("since").asText());
    }
    int limit = args.path("limit").asInt(HISTORY_DEFAULT_LIMIT);
    return Map.of(
        "delegations",
        backend.delegations(text(args, "namespace"), text(args, "profile"), since, limit));
  }

  static Instant since(String value) {
    String v = value.trim();
    Matcher m = SHORT_DURATION.matcher(v.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return Instant.now().minus(d);
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ToolFailure.invalid(
          "delegation_history",
          List.of(
              new Problem(
                  "since",
                  "an ISO-8601 instant such as 2026-12-01T09:00:00Z or a duration such as 24h",
                  InputSchema.describe(Json.CANONICAL.getNodeFactory().textNode(value)))));
    }
  }

  private Object feedback(JsonNode args) {
    JsonNode refersTo = args.get("refersTo");
    String kind = refersTo.get("kind").asText();
    String ref = refersTo.get("ref").asText().trim();
    String taskId = "delegation".equals(kind) ? ref : ref.split("#", 2)[0];
    String capturedAt = text(args, "capturedAt");
    if (capturedAt != null) {
      try {
        Instant.parse(capturedAt);
      } catch (DateTimeParseException e) {
        throw ToolFailure.invalid(
            "delegate_feedback",
            List.of(
                new Problem(
                    "capturedAt",
                    "an ISO-8601 instant such as 2026-12-01T09:00:00Z",
                    InputSchema.describe(args.get("capturedAt")))));
      }
    }
    String namespace = text(args, "namespace");
    if (namespace != null) {
      String actual = backend.delegation(taskId).namespace();
      if (!namespace.equals(actual)) {
        throw ToolFailure.invalid(
            "delegate_feedback",
            List.of(
                new Problem(
                    "namespace",
                    actual == null
                        ? "absent (delegation " + taskId + " has no namespace)"
                        : "'" + actual + "' (the namespace of delegation " + taskId + ")",
                    "'" + namespace + "'")));
      }
    }
    JsonNode r = args.get("rating");
    DelegationFeedback fb =
        new DelegationFeedback(
            refersTo.deepCopy(),
            new DelegationFeedback.Rating(
                r.get("score").asDouble(), text(r, "label"), r.get("notes").asText()),
            args.get("by").asText(),
            capturedAt);
    String id = backend.feedback(taskId, fb);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("recorded", true);
    out.put("id", id);
    out.put("taskId", taskId);
    return out;
  }

  private Object cancel(JsonNode args, TallyTool.ProgressReporter progress)
      throws InterruptedException {
    String taskId = args.get("taskId").asText();
    String reason = text(args, "reason");
    boolean sent = backend.cancelDelegation(taskId, reason == null ? "cancelled over MCP" : reason);
    if (sent) {
      progress.report(
          0, "cancel signal delivered to " + taskId + "; waiting for its sandbox to stop");
    }
    DelegationStatus state = backend.delegation(taskId);
    long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
    int polls = 0;
    while (sent && !DelegationStatus.terminal(state.status()) && System.nanoTime() < deadline) {
      progress.report(
          ++polls,
          "cancelling "
              + taskId
              + ": "
              + state.status()
              + (state.progress() == null ? "" : " · " + state.progress().phase()));
      Thread.sleep(CANCEL_POLL.toMillis());
      state = backend.delegation(taskId);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cancelled", sent || DelegationStatus.CANCELLED.equals(state.status()));
    out.put("taskId", taskId);
    out.put("status", state.status());
    if (!DelegationStatus.terminal(state.status())) {
      out.put(
          "next",
          "the cancel signal was delivered and the sandbox is still stopping: poll"
              + " delegation_status until it says cancelled");
    } else if (!sent && !DelegationStatus.CANCELLED.equals(state.status())) {
      out.put("next", "it had already ended " + state.status() + ": nothing was cancelled");
    }
    return out;
  }

  static String text(JsonNode args, String field) {
    JsonNode v = args.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
