package dev.tally.mcp;

import static dev.tally.mcp.InputSchema.Field.optional;

import java.util.List;
import java.util.Objects;

/** The observer's tools: the namespace's ops aggregates and its failure digests. */
final class ObserverTools {
  /** Digests {@code ops_digest} lists unless told otherwise. */
  static final int DEFAULT_DIGESTS = 5;

  private final TallyBackend backend;

  ObserverTools(TallyBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  List<TallyTool> tools() {
    return List.of(stats(), digest());
  }

  private TallyTool stats() {
    return new TallyTool(
        "ops_stats",
        "Ops aggregates of this namespace",
        "What every closed supervised run and delegation in this Temporal namespace added up to,"
            + " from the namespace's observer (one op per run, counted once): totals and counts by"
            + " kind, profile, model, outcome, reason and error type, each with its cost (usd with"
            + " its source: an UNKNOWN source means the figure is a floor, never a fact), tokens"
            + " and duration; plus the playbook version and the observer's own spend. Fast. Before"
            + " any run has closed, observer is 'not started'.",
        InputSchema.of(),
        true,
        true,
        (args, progress) -> backend.opsStats());
  }

  private TallyTool digest() {
    InputSchema input =
        InputSchema.of(
            optional(
                "write",
                InputSchema.bool(),
                "true: write a new digest now (asking the observer's model when it has one,"
                    + " within the observer's own budget) and return it. Default false: list the"
                    + " kept digests."),
            optional(
                "diagnose",
                InputSchema.bool(),
                "With write: whether to ask the observer's model (default true)."),
            optional(
                "limit",
                InputSchema.integer(1, 50),
                "How many kept digests to list, newest first (default " + DEFAULT_DIGESTS + ")."));
    return new TallyTool(
        "ops_digest",
        "Failure digests of this namespace",
        "The namespace observer's failure digests, newest first: recent failed runs and"
            + " delegations grouped by reason and error type with examples, the 'don't' lines the"
            + " playbook carries, and a model's diagnosis when one is configured. With write:"
            + " true, writes one now (seconds; a model call when configured) and returns it.",
        input,
        false,
        false,
        (args, progress) ->
            backend.opsDigest(
                args.path("write").asBoolean(false),
                args.path("diagnose").asBoolean(true),
                args.path("limit").asInt(DEFAULT_DIGESTS)));
  }
}
