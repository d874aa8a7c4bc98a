package dev.tally.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.json.Json;
import dev.tally.observe.Digest;
import dev.tally.observe.ObserverClient;
import dev.tally.observe.ObserverLog;
import dev.tally.observe.ObserverStats;
import dev.tally.observe.Op;
import dev.tally.observe.OpsTally;
import dev.tally.observe.Playbook;
import dev.tally.observe.PlaybookEntry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tally observe stats|log|digest|playbook}: the namespace's observer, the durable ops log
 * every closed run and delegation reports to.
 */
@Command(
    name = "observe",
    description = {
      "The namespace's observer: stats (aggregates by kind, profile, model, outcome, reason), log"
          + " (the raw ops as JSONL), digest (write a failure digest now; --list for the kept ones,"
          + " newest first) and playbook (what worked, per task class)."
    })
final class ObserveCommand extends TallyCommand {
  enum View {
    stats,
    log,
    digest,
    playbook
  }

  @Parameters(index = "0", paramLabel = "VIEW", description = "stats, log, digest or playbook.")
  View view;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "log: only ops that closed within this long (e.g. 24h, 30m); default all.")
  Duration since;

  @Option(names = "--list", description = "digest: list the kept digests instead of writing one.")
  boolean list;

  @Option(names = "--no-diagnosis", description = "digest: do not ask the observer's model.")
  boolean noDiagnosis;

  @Override
  public Integer call() {
    try (TemporalSession session = root.connect()) {
      ObserverClient observer = new ObserverClient(session.client());
      return switch (view) {
        case stats -> stats(observer, session.namespace());
        case log -> log(observer);
        case digest -> digest(observer);
        case playbook -> playbook(observer);
      };
    }
  }

  private int stats(ObserverClient observer, String namespace) {
    Optional<ObserverStats> stats = observer.stats();
    if (stats.isEmpty()) {
      if (json) {
        printJson(Map.of("observer", "not started", "namespace", namespace));
      } else {
        println("no observer in namespace " + namespace + " yet: no run or delegation has closed");
      }
      return ExitCode.OK;
    }
    ObserverStats s = stats.get();
    if (json) {
      printJson(s);
      return ExitCode.OK;
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "ops: "
            + line(s.aggregates().total())
            + " · playbook v"
            + s.revision()
            + " · generation "
            + s.generation()
            + " · duplicates dropped "
            + s.duplicates());
    section(lines, "by kind", s.aggregates().byKind());
    section(lines, "by profile", s.aggregates().byProfile());
    section(lines, "by outcome", s.aggregates().byOutcome());
    section(lines, "by reason", s.aggregates().byReason());
    section(lines, "by model", s.aggregates().byModel());
    lines.add(
        "observer model: "
            + (s.model() == null ? "none" : s.model())
            + " · its spend "
            + Money.usd(s.spent())
            + ", "
            + Money.tokens(s.spent())
            + " tokens of "
            + Money.count(s.budget().tokens()));
    printLines(lines);
    return ExitCode.OK;
  }

  private int log(ObserverClient observer) {
    long cutoff = since == null ? 0 : Instant.now().minus(since).toEpochMilli();
    ObserverLog.Read read = observer.log(cutoff);
    // JSONL either way: one op per line, for jq and for loading elsewhere.
    for (Op op : read.ops()) {
      try {
        out().println(Json.CANONICAL.writeValueAsString(op));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
    out().flush();
    if (!read.complete()) {
      err()
          .println(
              "observe log: older observer runs have left the namespace's retention; the log above"
                  + " starts where the retained history does");
      err().flush();
    }
    return ExitCode.OK;
  }

  private int digest(ObserverClient observer) {
    if (list) {
      List<Digest> digests = observer.digests();
      if (json) {
        printJson(digests);
      } else if (digests.isEmpty()) {
        println("no digests yet");
      } else {
        List<String> lines = new ArrayList<>();
        digests.forEach(d -> lines.addAll(text(d)));
        printLines(lines);
      }
      return ExitCode.OK;
    }
    Digest d;
    try {
      d = observer.digestNow(!noDiagnosis);
    } catch (IllegalStateException e) {
      throw new CliException(ExitCode.NOT_FOUND, e.getMessage(), e);
    }
    if (json) {
      printJson(d);
    } else {
      printLines(text(d));
    }
    return ExitCode.OK;
  }

  private int playbook(ObserverClient observer) {
    Optional<Playbook> playbook = observer.playbook();
    if (json) {
      printJson(playbook.isPresent() ? playbook.get() : Map.of("observer", "not started"));
      return ExitCode.OK;
    }
    if (playbook.isEmpty() || playbook.get().entries().isEmpty()) {
      println("no playbook entries yet: a task class needs enough successes first");
      return ExitCode.OK;
    }
    List<String> lines = new ArrayList<>();
    lines.add("playbook v" + playbook.get().version());
    for (PlaybookEntry e : playbook.get().entries()) {
      lines.add(
          "- "
              + e.taskClass()
              + ": "
              + e.successes()
              + "/"
              + e.ops()
              + " succeeded; typical "
              + (e.typicalUsd() == null ? "unknown" : Money.usd(e.typicalUsd()))
              + ", "
              + e.typicalTokens()
              + " tokens, "
              + e.typicalDurationMs()
              + " ms; models "
              + e.models()
              + "; budgets "
              + e.budgets());
      e.donts().forEach(x -> lines.add("    " + x));
    }
    printLines(lines);
    return ExitCode.OK;
  }

  private static List<String> text(Digest d) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "digest #"
            + d.seq()
            + " at "
            + Instant.ofEpochMilli(d.atMs())
            + " ("
            + d.trigger()
            + "): "
            + d.failures()
            + " failure(s) since "
            + Instant.ofEpochMilli(d.sinceMs())
            + ", "
            + d.ops()
            + " op(s) since the last digest");
    for (Digest.FailureGroup g : d.groups()) {
      lines.add(
          "  "
              + g.count()
              + "× "
              + g.reason()
              + (g.errorType() == null ? "" : " (" + g.errorType() + ")")
              + " in "
              + String.join(", ", g.taskClasses()));
      g.examples()
          .forEach(
              e -> lines.add("    " + e.runId() + (e.detail() == null ? "" : ": " + e.detail())));
    }
    Digest.Diagnosis dx = d.diagnosis();
    if (dx != null) {
      lines.add(
          "  diagnosis: "
              + dx.status()
              + (dx.model() == null ? "" : " (" + dx.model() + ")")
              + (dx.detail() == null ? "" : ": " + dx.detail())
              + (dx.spent() == null ? "" : " · cost " + Money.usd(dx.spent())));
      if (dx.text() != null) {
        dx.text().lines().forEach(l -> lines.add("    " + l));
      }
    }
    return lines;
  }

  private static void section(List<String> lines, String title, Map<String, OpsTally> groups) {
    if (groups.isEmpty()) {
      return;
    }
    lines.add(title + ":");
    new LinkedHashMap<>(groups).forEach((k, t) -> lines.add("  " + k + ": " + line(t)));
  }

  private static String line(OpsTally t) {
    return t.ops()
        + " ("
        + t.succeeded()
        + " succeeded, "
        + t.failed()
        + " not) · "
        + Money.usd(t.spent())
        + (t.usdUnknownOps() > 0 ? " [" + t.usdUnknownOps() + " unpriced]" : "")
        + " · "
        + Money.tokens(t.spent())
        + " tokens";
  }
}
