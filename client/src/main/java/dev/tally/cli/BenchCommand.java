package dev.tally.cli;

import dev.tally.cli.bench.HistoryBench;
import dev.tally.cli.bench.LongBench;
import dev.tally.cli.bench.OverheadBench;
import dev.tally.devserver.DevServerException;
import dev.tally.devserver.DevServerOptions;
import dev.tally.devserver.TemporalDevServer;
import dev.tally.embedded.TemporalServer;
import dev.tally.supervise.RunRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tally bench history|overhead}: benchmarks on the embedded server with the scripted router,
 * each printing its figures and a ratio against a baseline measured in the same run.
 */
@Command(
    name = "bench",
    description = {
      "Measure Tally on the embedded server with the scripted router.",
      "history:  history bytes and events per driver turn at 10, 100 and 1,000 turns with 2 KB"
          + " driver messages, against the conversation a by-value design would store, and the"
          + " blob store's bytes per turn.",
      "overhead: wall time per driver turn against the loop a Temporal user would write without"
          + " Tally (conversation by value, no ledger) and a bare workflow awaiting a no-op"
          + " activity as often, same server, same process.",
      "long:     one run of --turns driver turns (default 10,000) through continue-as-new: runs in"
          + " the chain, the largest history, time per turn at the start and at the end, and the"
          + " ledger rebuilt from the chain against spentTotal and the router's bill."
    })
final class BenchCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "history|overhead|long", description = "Which benchmark.")
  String which;

  @Option(
      names = "--turns",
      split = ",",
      paramLabel = "N[,N...]",
      description =
          "Driver turns per run (history default 10,100,1000; overhead default 200; long default"
              + " 10000).")
  List<Integer> turns;

  @Option(
      names = "--message-chars",
      paramLabel = "N",
      description =
          "Size of every driver message (history default 2048, overhead default 0: the loop's"
              + " own cost, no payload).")
  Integer messageChars;

  @Option(
      names = "--server",
      defaultValue = "embedded",
      paramLabel = "embedded|dev",
      description =
          "overhead: the Temporal server both loops run on: the embedded test server (history in"
              + " memory) or Temporal's dev server (the temporal CLI) with its SQLite database on"
              + " disk, where every history write is stored (default ${DEFAULT-VALUE}).")
  String server;

  @Option(
      names = "--repeats",
      defaultValue = "4",
      description =
          "overhead: repetitions; the first warms up and is not counted (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--continue-as-new-after-events",
      paramLabel = "N",
      description =
          "long: the run's continueAsNewAfterEvents (default: the run's own default, 10000;"
              + " minimum 500).")
  Integer continueAsNewAfterEvents;

  @Override
  public Integer call() throws IOException {
    Path data = Files.createTempDirectory("tally-bench-");
    Map<String, String> env = new HashMap<>(root.env());
    env.put("TALLY_DATA_DIR", data.toString());
    try {
      return switch (which) {
        case "history" -> history(env);
        case "overhead" -> overhead(env);
        case "long" -> longRun(env);
        default ->
            throw new CliException(
                ExitCode.USAGE, "bench: expected history, overhead or long, got '" + which + "'");
      };
    } finally {
      deleteTree(data);
    }
  }

  private int history(Map<String, String> env) throws IOException {
    List<Integer> counts = turns == null ? List.of(10, 100, 1000) : turns;
    int chars = messageChars == null ? 2048 : messageChars;
    List<HistoryBench.Row> rows = HistoryBench.run(counts, chars, env);
    HistoryBench.Row first = rows.get(0);
    HistoryBench.Row last = rows.get(rows.size() - 1);
    double growth = last.bytesPerTurn() / first.bytesPerTurn();
    double blobGrowth = last.blobBytesPerTurn() / first.blobBytesPerTurn();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("benchmark", "history");
      doc.put("messageChars", chars);
      doc.put("rows", rows);
      doc.put("bytesPerTurnRatioLastToFirst", growth);
      doc.put("blobBytesPerTurnRatioLastToFirst", blobGrowth);
      printJson(doc);
      return ExitCode.OK;
    }
    println(
        "tally bench history: driver messages of "
            + chars
            + " chars, scripted router, embedded server");
    println(
        String.format(
            Locale.ROOT,
            "%8s %9s %12s %12s %14s %22s %16s",
            "turns",
            "events",
            "bytes",
            "events/turn",
            "bytes/turn",
            "by-value bytes/turn",
            "blob bytes/turn"));
    for (HistoryBench.Row r : rows) {
      println(
          String.format(
              Locale.ROOT,
              "%8d %9d %12d %12.1f %14.0f %22.0f %16.0f",
              r.turns(),
              r.events(),
              r.bytes(),
              r.eventsPerTurn(),
              r.bytesPerTurn(),
              r.conversationBytesPerTurn(),
              r.blobBytesPerTurn()));
    }
    println(
        String.format(
            Locale.ROOT,
            "bytes per turn at %d turns / at %d turns: %.3f (by value it would be %.1f)",
            last.turns(),
            first.turns(),
            growth,
            last.conversationBytesPerTurn() / first.conversationBytesPerTurn()));
    println(
        String.format(
            Locale.ROOT,
            "blob bytes per turn at %d turns / at %d turns: %.3f (whole conversation per turn, as"
                + " before segments, it would be %.1f)",
            last.turns(),
            first.turns(),
            blobGrowth,
            last.conversationBytesPerTurn() / first.conversationBytesPerTurn()));
    return ExitCode.OK;
  }

  /** The server {@code --server} names: null for the embedded one (the bench starts it). */
  private TemporalServer benchServer(Path data) {
    switch (server) {
      case "embedded":
        return null;
      case "dev":
        Path cli =
            DevCommand.cli(root)
                .orElseThrow(
                    () ->
                        new CliException(
                            ExitCode.USAGE,
                            "--server dev: the temporal CLI was not found (install it, or set"
                                + " TALLY_TEMPORAL_CLI)"));
        Path dir = data.resolve("server");
        try {
          return TemporalDevServer.start(
              DevServerOptions.of(cli, dir.resolve("bench.db"), dir.resolve("server.log"))
                  .withNamespaces(List.of(root.namespace())));
        } catch (DevServerException e) {
          throw new CliException(ExitCode.FAILED, "--server dev: " + e.getMessage(), e);
        }
      default:
        throw new CliException(
            ExitCode.USAGE, "--server: expected embedded or dev, got '" + server + "'");
    }
  }

  private int overhead(Map<String, String> env) throws IOException {
    int n = turns == null || turns.isEmpty() ? 200 : turns.get(0);
    if (repeats < 2) {
      throw new CliException(ExitCode.USAGE, "--repeats: expected 2 or more, got " + repeats);
    }
    int chars = messageChars == null ? 0 : messageChars;
    List<OverheadBench.Repetition> reps =
        OverheadBench.run(n, repeats, chars, env, benchServer(Path.of(env.get("TALLY_DATA_DIR"))));
    List<OverheadBench.Repetition> counted = reps.subList(1, reps.size());
    double turnMs = median(counted.stream().map(OverheadBench.Repetition::turnMs).toList());
    double bareMs = median(counted.stream().map(OverheadBench.Repetition::baselineMs).toList());
    double chatMs = median(counted.stream().map(OverheadBench.Repetition::routerChatMs).toList());
    double noopMs =
        median(counted.stream().map(OverheadBench.Repetition::baselineActivityMs).toList());
    double byValueMs = median(counted.stream().map(OverheadBench.Repetition::byValueMs).toList());
    double byValueChatMs =
        median(counted.stream().map(OverheadBench.Repetition::byValueChatMs).toList());
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("benchmark", "overhead");
      doc.put("turns", n);
      doc.put("messageChars", chars);
      doc.put("repetitions", reps);
      doc.put("medianTurnMs", turnMs);
      doc.put("medianBaselineStepMs", bareMs);
      doc.put("medianByValueTurnMs", byValueMs);
      doc.put("ratio", turnMs / bareMs);
      doc.put("ratioToByValue", turnMs / byValueMs);
      printJson(doc);
      return ExitCode.OK;
    }
    println(
        "tally bench overhead: "
            + n
            + " driver turns vs "
            + n
            + " turns of a by-value loop (no Tally) vs "
            + n
            + " bare workflow steps, driver messages of "
            + chars
            + " chars");
    println(
        String.format(
            Locale.ROOT,
            "%4s %10s %12s %10s %10s %12s %12s %13s %9s",
            "rep",
            "ms/turn",
            "by-value ms",
            "bare ms",
            "vs value",
            "vs bare",
            "RouterChat",
            "by-value call",
            "no-op"));
    for (int i = 0; i < reps.size(); i++) {
      OverheadBench.Repetition r = reps.get(i);
      println(
          String.format(
              Locale.ROOT,
              "%4s %10.2f %12.2f %10.2f %10.2f %12.2f %12.2f %13.2f %9.2f",
              i == 0 ? "warm" : Integer.toString(i),
              r.turnMs(),
              r.byValueMs(),
              r.baselineMs(),
              r.ratioToByValue(),
              r.ratio(),
              r.routerChatMs(),
              r.byValueChatMs(),
              r.baselineActivityMs()));
    }
    println(
        String.format(
            Locale.ROOT,
            "median: %.2f ms per driver turn, %.2f ms per by-value turn (ratio %.2f), %.2f ms per"
                + " bare step (ratio %.2f); inside RouterChat %.2f ms vs %.2f ms inside the"
                + " by-value call and %.2f ms inside the no-op; history events per turn %.1f"
                + " vs %.1f by value",
            turnMs,
            byValueMs,
            turnMs / byValueMs,
            bareMs,
            turnMs / bareMs,
            chatMs,
            byValueChatMs,
            noopMs,
            reps.get(reps.size() - 1).eventsPerTurn(),
            reps.get(reps.size() - 1).byValueEventsPerTurn()));
    return ExitCode.OK;
  }

  private int longRun(Map<String, String> env) throws IOException {
    int n = turns == null || turns.isEmpty() ? 10_000 : turns.get(0);
    if (n < 2) {
      throw new CliException(ExitCode.USAGE, "--turns: expected 2 or more, got " + n);
    }
    if (continueAsNewAfterEvents != null
        && continueAsNewAfterEvents < RunRequest.MIN_CONTINUE_AS_NEW_AFTER_EVENTS) {
      throw new CliException(
          ExitCode.USAGE,
          "--continue-as-new-after-events: expected an integer >= "
              + RunRequest.MIN_CONTINUE_AS_NEW_AFTER_EVENTS
              + ", got "
              + continueAsNewAfterEvents);
    }
    LongBench.Result r = LongBench.run(n, continueAsNewAfterEvents, env);
    boolean ok = r.ledgerUnbroken() && r.rebuiltEqualsSpentTotal() && r.spentTotalEqualsBilled();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("benchmark", "long");
      doc.put("result", r);
      doc.put("endToStartRatio", r.endToStartRatio());
      doc.put("outsideRouterEndToStartRatio", r.outsideRouterEndToStartRatio());
      doc.put("rebuiltEqualsSpentTotal", r.rebuiltEqualsSpentTotal());
      doc.put("spentTotalEqualsBilled", r.spentTotalEqualsBilled());
      printJson(doc);
    } else {
      println(
          "tally bench long: one supervised run of "
              + n
              + " driver turns, scripted router, embedded server, continueAsNewAfterEvents "
              + (continueAsNewAfterEvents == null
                  ? RunRequest.DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS + " (default)"
                  : continueAsNewAfterEvents));
      println(
          String.format(
              Locale.ROOT,
              "turns %d in %.1f s · runs in the chain %d · largest history %d events, %d bytes",
              r.turns(),
              r.wallSeconds(),
              r.runs(),
              r.largestHistoryEvents(),
              r.largestHistoryBytes()));
      println(
          String.format(
              Locale.ROOT,
              "time per turn: %.2f ms over the first tenth, %.2f ms over the last (end/start"
                  + " %.2f)",
              r.startMsPerTurn(),
              r.endMsPerTurn(),
              r.endToStartRatio()));
      println(
          String.format(
              Locale.ROOT,
              "  of which the model call (RouterChat, whose request carries the driver's"
                  + " window of the conversation): %.2f ms at the start, %.2f ms at the end; outside it: %.2f ms"
                  + " and %.2f ms (end/start %.2f)",
              r.startRouterMs(),
              r.endRouterMs(),
              r.startMsPerTurn() - r.startRouterMs(),
              r.endMsPerTurn() - r.endRouterMs(),
              r.outsideRouterEndToStartRatio()));
      println(
          "ledger rebuilt from the chain: "
              + r.ledgerEntries()
              + " entries, "
              + (r.ledgerUnbroken() ? "unbroken" : "BROKEN (a turn missing or an entry twice)")
              + "; "
              + RunView.spendLine(r.rebuiltTotal()));
      println(
          "spentTotal "
              + RunView.spendLine(r.spentTotal())
              + (r.rebuiltEqualsSpentTotal() ? " = rebuilt" : " != rebuilt")
              + "; router billed "
              + Money.count(r.billed().tokens())
              + " tokens ("
              + Money.count(r.billed().promptTokens())
              + " in / "
              + Money.count(r.billed().completionTokens())
              + " out), "
              + Money.usd(r.billed().costUsd())
              + " in "
              + r.billed().calls()
              + " calls"
              + (r.spentTotalEqualsBilled() ? " = spentTotal" : " != spentTotal"));
    }
    if (!ok) {
      throw new CliException(
          ExitCode.FAILED,
          "bench long: the ledger does not add up (unbroken "
              + r.ledgerUnbroken()
              + ", rebuilt = spentTotal "
              + r.rebuiltEqualsSpentTotal()
              + ", spentTotal = billed "
              + r.spentTotalEqualsBilled()
              + ")");
    }
    return ExitCode.OK;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
