package dev.tally.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerGaps;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.MeterEntries;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A workflow's continue-as-new chain: the histories of its runs, first run first, and the ledger
 * they hold together.
 *
 * <p>The chain is found from the latest run backwards: each continued run's {@code
 * WorkflowExecutionStarted} event names the run it continued from ({@code
 * continuedExecutionRunId}), and that run's history must end in {@code
 * WorkflowExecutionContinuedAsNew} (a retry or a cron run also names a previous run, but ends the
 * previous one otherwise, and is not part of the chain). Only history reads are used, so it works
 * the same on the SDK's test server, a real server and saved JSON files, and every history is read
 * once. It is a consistent snapshot: a run that continues while the chain is read is picked up by
 * the next read.
 *
 * @param workflowId the workflow id, the same for every run of the chain
 * @param runs the runs, first run first
 */
public record RunChain(String workflowId, List<Run> runs) {
  /** No chain is followed further back than this many runs (a cycle guard, not a real bound). */
  public static final int MAX_RUNS = 100_000;

  private static final String CONTINUED = "workflowExecutionContinuedAsNewEventAttributes";
  private static final String STARTED = "workflowExecutionStartedEventAttributes";

  /**
   * One run of the chain.
   *
   * @param runId its Temporal run id, or null when its history does not say (the latest run read
   *     without a run id from a server that does not record {@code originalExecutionRunId})
   * @param historyJson its history as Temporal's JSON
   * @param events its parsed events
   */
  public record Run(String runId, String historyJson, JsonNode events) {
    /** How many events its history has. */
    public int eventCount() {
      return events.size();
    }

    /** The run this one continued from, or null when it is the first of its chain. */
    String continuedFrom() {
      String from = started().path("continuedExecutionRunId").asText("");
      return from.isEmpty() ? null : from;
    }

    /** Whether this run closed by continuing as new. */
    boolean continuedAsNew() {
      return events.size() > 0 && events.get(events.size() - 1).has(CONTINUED);
    }

    private JsonNode started() {
      return events.size() == 0 ? Json.CANONICAL.missingNode() : events.get(0).path(STARTED);
    }
  }

  public RunChain {
    Objects.requireNonNull(workflowId, "workflowId");
    runs = List.copyOf(runs);
    if (runs.isEmpty()) {
      throw new IllegalArgumentException(
          "run chain of " + workflowId + ": expected a run, got none");
    }
  }

  /** Reads the chain of {@code workflowId}'s latest run from {@code source}. */
  public static RunChain read(HistorySource source, String workflowId) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(workflowId, "workflowId");
    List<Run> backwards = new ArrayList<>();
    Run run = run(null, source.historyJson(workflowId, null));
    Set<String> visited = new HashSet<>();
    while (true) {
      backwards.add(run);
      String from = run.continuedFrom();
      if (from == null || !visited.add(from) || backwards.size() >= MAX_RUNS) {
        break;
      }
      Run previous = run(from, source.historyJson(workflowId, from));
      if (!previous.continuedAsNew()) {
        break;
      }
      run = previous;
    }
    Collections.reverse(backwards);
    return new RunChain(workflowId, backwards);
  }

  /** A chain given as its runs' histories, first run first (e.g. files saved from the CLI). */
  public static RunChain of(String workflowId, List<String> historyJsons) {
    List<Run> runs = new ArrayList<>();
    for (String json : historyJsons) {
      runs.add(run(null, json));
    }
    return new RunChain(workflowId, runs);
  }

  private static Run run(String runId, String json) {
    JsonNode events = MeterEntries.events(json);
    if (runId == null && events.size() > 0) {
      String own = events.get(0).path(STARTED).path("originalExecutionRunId").asText("");
      runId = own.isEmpty() ? null : own;
    }
    return new Run(runId, json, events);
  }

  /** Every ledger entry of the chain once, in order; a continued run's {@code carried} included. */
  public List<LedgerEntry> ledger() {
    Set<String> seen = new LinkedHashSet<>();
    List<LedgerEntry> out = new ArrayList<>();
    for (Run run : runs) {
      out.addAll(MeterEntries.of(run.events(), seen));
    }
    return out;
  }

  /** The chain's totals: equal to the last run's own totals, its {@code carried} entry included. */
  public LedgerTotals totals() {
    return LedgerTotals.of(ledger());
  }

  /** Work the chain's histories show without a ledger entry (see {@link LedgerGaps}). */
  public LedgerGaps gaps() {
    return LedgerGaps.ofChain(runs.stream().map(Run::events).toList(), workflowId, ledger());
  }

  /** The entries of the last run alone, as the run's {@code ledger} query knows them. */
  public List<LedgerEntry> lastRunLedger() {
    return MeterEntries.of(last().events(), new HashSet<>());
  }

  public Run last() {
    return runs.get(runs.size() - 1);
  }

  /** The largest history of any run, in events. */
  public int largestEventCount() {
    return runs.stream().mapToInt(Run::eventCount).max().orElse(0);
  }

  /** The whole chain as one {@link RunHistory}: see {@link RunHistory#ofChain}. */
  public RunHistory history() {
    List<RunHistory> parsed = new ArrayList<>();
    for (Run run : runs) {
      parsed.add(RunHistory.parse(Json.CANONICAL.createObjectNode().set("events", run.events())));
    }
    return RunHistory.ofChain(parsed, ledger());
  }

  /** The histories, first run first. */
  public List<String> historyJsons() {
    return runs.stream().map(Run::historyJson).toList();
  }
}
