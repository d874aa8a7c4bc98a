package dev.tally.cli;

import dev.tally.ledger.Budget;
import dev.tally.ledger.EarlierRuns;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.PoolReadout;
import dev.tally.ledger.Spend;
import dev.tally.ledger.Verdict;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.RunStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Human renderings of a run: progress, outcome, worker tree, ledger table. */
final class RunView {
  private static final int BAR_WIDTH = 20;
  private static final int OUTPUT_PREVIEW = 600;

  private RunView() {}

  /**
   * One line of progress: turns, workers, tokens and dollars against the budget.
   *
   * @param request the run's input when known, for the ceilings
   */
  static String progress(RunStatus s, RunRequest request) {
    PoolReadout pool = s.pool();
    Spend spent = s.spent() != null ? s.spent() : Spend.ZERO;
    Budget budget = request == null ? null : request.budget();
    StringBuilder b = new StringBuilder();
    Long tokenLimit = budget != null ? budget.maxTokens() : tokenLimit(pool, spent);
    if (tokenLimit != null && tokenLimit > 0) {
      b.append(bar(spent.tokens(), tokenLimit)).append(' ');
    }
    b.append("turn ").append(s.turn());
    if (request != null && request.maxTurnsOrDefault() > 0) {
      b.append('/').append(request.maxTurnsOrDefault());
    }
    b.append(" · workers ").append(workerCounts(s.workers()));
    b.append(" · tokens ").append(Money.tokens(spent));
    if (tokenLimit != null) {
      b.append(" / ").append(Money.count(tokenLimit));
    }
    if (pool != null && pool.reservedTokens() > 0) {
      b.append(" (").append(Money.count(pool.reservedTokens())).append(" reserved)");
    }
    b.append(" · ").append(Money.usd(spent));
    BigDecimal usdLimit = budget != null ? budget.maxUsd() : null;
    if (usdLimit != null) {
      b.append(" of ").append(Money.usd(usdLimit));
    } else if (budget != null || (pool != null && !pool.usdCapped())) {
      b.append(" (dollars uncapped)");
    }
    b.append(" · ").append(s.phase());
    return b.toString();
  }

  private static Long tokenLimit(PoolReadout pool, Spend spent) {
    return pool == null ? null : pool.tokensLeft() + pool.reservedTokens() + spent.tokens();
  }

  static String bar(long used, long limit) {
    int filled = (int) Math.min(BAR_WIDTH, Math.max(0, used * BAR_WIDTH / Math.max(1, limit)));
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  static String workerCounts(List<RunStatus.WorkerView> workers) {
    if (workers == null || workers.isEmpty()) {
      return "none yet";
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String st : List.of("live", "done", "down", "cancelled")) {
      counts.put(st, 0);
    }
    for (RunStatus.WorkerView w : workers) {
      counts.merge(w.status(), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    counts.forEach(
        (st, n) -> {
          if (n > 0 || st.equals("live")) {
            parts.add(n + " " + st);
          }
        });
    return String.join(", ", parts);
  }

  /** The outcome block: kind, winner or reason, the answer, the spend and its breakdown. */
  static List<String> outcome(RunResult r, boolean scripted) {
    List<String> out = new ArrayList<>();
    if (RunResult.WINNER.equals(r.kind())) {
      Verdict v = r.verdict();
      out.add(
          "Outcome: WINNER "
              + r.winnerId()
              + (v == null ? "" : String.format(Locale.ROOT, " (score %.2f)", v.score())));
      if (r.output() != null) {
        out.add(
            (scripted ? "Answer (scripted, not a model's): " : "Answer: ") + preview(r.output()));
      }
    } else {
      out.add(
          "Outcome: NO_WINNER ("
              + r.reason()
              + ")"
              + (r.detail() == null ? "" : ": " + r.detail()));
      if (r.error() != null) {
        out.add("Error: " + r.error().type() + ": " + r.error().message());
      }
    }
    if (r.downCount() > 0) {
      out.add("Workers down: " + r.downCount());
    }
    out.add("Spent:              " + spendLine(r.spentTotal()));
    if (r.spentBreakdown() != null) {
      out.add("  driver inference: " + spendLine(r.spentBreakdown().driverInference()));
      out.add("  child work:       " + spendLine(r.spentBreakdown().childWork()));
    }
    return out;
  }

  static String spendLine(Spend s) {
    if (s == null) {
      return "-";
    }
    return Money.tokens(s)
        + " tokens ("
        + Money.count(s.inputTokens())
        + " in / "
        + Money.count(s.outputTokens())
        + " out) · "
        + Money.usd(s)
        + " · "
        + s.iterations()
        + (s.iterations() == 1 ? " iteration" : " iterations");
  }

  private static String preview(String text) {
    String one = text.replaceAll("\\s*\\R\\s*", " ").trim();
    return one.length() <= OUTPUT_PREVIEW ? one : one.substring(0, OUTPUT_PREVIEW) + "…";
  }

  /**
   * The worker tree from ledger entries. {@code nested} gives the ledger of a nested driver's node
   * (its own history), or an empty list when it is not available.
   */
  static List<String> workerTree(
      String rootId,
      List<LedgerEntry> entries,
      String winnerId,
      Function<String, List<LedgerEntry>> nested) {
    List<String> out = new ArrayList<>();
    out.add(rootId + "  " + driverSummary(rootId, entries));
    appendChildren(out, "", rootId, entries, winnerId, nested, 0);
    return out;
  }

  private static void appendChildren(
      List<String> out,
      String indent,
      String parentId,
      List<LedgerEntry> entries,
      String winnerId,
      Function<String, List<LedgerEntry>> nested,
      int depth) {
    List<LedgerEntry.Spawned> children = new ArrayList<>();
    for (LedgerEntry e : entries) {
      if (e instanceof LedgerEntry.Spawned s && parentId.equals(s.parent())) {
        children.add(s);
      }
    }
    for (int i = 0; i < children.size(); i++) {
      LedgerEntry.Spawned child = children.get(i);
      boolean last = i == children.size() - 1;
      out.add(
          indent
              + (last ? "└── " : "├── ")
              + child.id()
              + "  "
              + child.profile()
              + "  "
              + settlement(child.id(), entries)
              + (child.label() == null || child.label().isBlank()
                  ? ""
                  : "  \"" + child.label() + "\"")
              + (child.id().equals(winnerId) ? "  ★ winner" : ""));
      if ("driver".equals(child.profile()) && depth < 8) {
        List<LedgerEntry> sub = nested.apply(child.id());
        if (!sub.isEmpty()) {
          String subIndent = indent + (last ? "    " : "│   ");
          out.add(subIndent + "(" + driverSummary(child.id(), sub) + ")");
          appendChildren(out, subIndent, child.id(), sub, null, nested, depth + 1);
        }
      }
    }
  }

  private static String driverSummary(String nodeId, List<LedgerEntry> entries) {
    int turns = 0;
    // Entries read from one continued run alone: the runs before it count as their carried sum.
    Spend driver = EarlierRuns.totals(entries).driverInference();
    for (LedgerEntry e : entries) {
      if (e instanceof LedgerEntry.Metered m && nodeId.equals(m.id())) {
        turns++;
        driver = driver.plus(m.spend());
      }
    }
    return "driver: "
        + turns
        + (turns == 1 ? " turn" : " turns")
        + (EarlierRuns.any(entries) ? " in this run (earlier runs carried)" : "")
        + ", "
        + Money.tokens(driver)
        + " tokens, "
        + Money.usd(driver);
  }

  private static String settlement(String id, List<LedgerEntry> entries) {
    for (LedgerEntry e : entries) {
      if (e instanceof LedgerEntry.Settled s && id.equals(s.id())) {
        StringBuilder b = new StringBuilder(s.status());
        if (s.verdict() != null) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "  %s %.2f",
                  s.verdict().valid() ? "valid" : "invalid",
                  s.verdict().score()));
        }
        b.append("  ")
            .append(Money.tokens(s.spent()))
            .append(" tokens  ")
            .append(Money.usd(s.spent()));
        if (s.reason() != null) {
          b.append("  (").append(s.reason()).append(')');
        }
        return b.toString();
      }
      if (e instanceof LedgerEntry.Cancelled c && id.equals(c.id())) {
        return "cancelled  "
            + Money.tokens(c.spent())
            + " tokens  "
            + Money.usd(c.spent())
            + (c.reason() == null ? "" : "  (" + c.reason() + ")");
      }
    }
    return "live";
  }

  /**
   * The ledger as a table, one row per entry in history order, then its totals. Node ids are shown
   * relative to {@code runId}: {@code (run)} for the run's own driver, {@code :s1} for its first
   * worker.
   */
  static List<String> ledgerTable(String runId, List<LedgerEntry> entries) {
    TextTable t = new TextTable(">#", "KIND", ">SEQ", "NODE", ">IN", ">OUT", "USD", "DETAIL");
    int n = 0;
    for (LedgerEntry e : entries) {
      n++;
      if (e instanceof LedgerEntry.Metered m) {
        t.row(
            n,
            m.kind(),
            m.seq(),
            relative(runId, m.id()),
            tokenCell(m.spend(), m.spend().inputTokens()),
            tokenCell(m.spend(), m.spend().outputTokens()),
            Money.usd(m.spend()),
            "turn " + m.turn() + (m.model() == null ? "" : " · " + m.model()));
      } else if (e instanceof LedgerEntry.Spawned s) {
        t.row(
            n,
            s.kind(),
            s.seq(),
            relative(runId, s.id()),
            "",
            "",
            "",
            s.profile()
                + (s.label() == null ? "" : " \"" + s.label() + "\"")
                + " · reserves "
                + budgetText(s.budget()));
      } else if (e instanceof LedgerEntry.Settled s) {
        t.row(
            n,
            s.kind(),
            s.seq(),
            relative(runId, s.id()),
            tokenCell(s.spent(), s.spent().inputTokens()),
            tokenCell(s.spent(), s.spent().outputTokens()),
            Money.usd(s.spent()),
            s.status()
                + (s.reason() == null ? "" : " (" + s.reason() + ")")
                + (s.outRef() == null ? "" : " · " + shortRef(s.outRef()))
                + (s.budgetViolation() == null ? "" : " · over budget"));
      } else if (e instanceof LedgerEntry.Cancelled c) {
        t.row(
            n,
            c.kind(),
            c.seq(),
            relative(runId, c.id()),
            tokenCell(c.spent(), c.spent().inputTokens()),
            tokenCell(c.spent(), c.spent().outputTokens()),
            Money.usd(c.spent()),
            c.reason());
      } else if (e instanceof LedgerEntry.Carried c) {
        // Totals so far, not spend of this row: the cells stay empty so no column double-counts.
        t.row(
            n,
            c.kind(),
            c.seq(),
            relative(runId, c.id()),
            "",
            "",
            "",
            "continued-as-new from run "
                + c.fromRunId()
                + " · so far "
                + spendLine(c.totals().spentTotal()));
      } else if (e instanceof LedgerEntry.Raised r) {
        t.row(
            n,
            r.kind(),
            r.seq(),
            relative(runId, r.id()),
            "",
            "",
            "",
            "ceilings now " + budgetText(r.budget()));
      }
    }
    List<String> out = new ArrayList<>(t.lines());
    LedgerTotals totals = LedgerTotals.of(entries);
    out.add("");
    out.add("Total:              " + spendLine(totals.spentTotal()));
    out.add("  driver inference: " + spendLine(totals.driverInference()));
    out.add("  child work:       " + spendLine(totals.childWork()));
    return out;
  }

  static String relative(String runId, String nodeId) {
    if (nodeId.equals(runId)) {
      return "(run)";
    }
    return nodeId.startsWith(runId + ":") ? nodeId.substring(runId.length()) : nodeId;
  }

  private static String tokenCell(Spend s, long n) {
    return (s.tokensKnown() ? "" : "≥") + Money.count(n);
  }

  static String budgetText(Budget b) {
    if (b == null) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    if (b.maxTokens() != null) {
      parts.add(Money.count(b.maxTokens()) + " tokens");
    }
    if (b.maxIterations() != null) {
      parts.add(b.maxIterations() + (b.maxIterations() == 1 ? " iteration" : " iterations"));
    }
    parts.add(b.maxUsd() == null ? "dollars uncapped" : Money.usd(b.maxUsd()));
    if (b.deadlineMs() != null) {
      parts.add("deadline " + (b.deadlineMs() / 1000) + " s");
    }
    return String.join(", ", parts);
  }

  private static String shortRef(String ref) {
    return ref.length() > 19 ? ref.substring(0, 19) + "…" : ref;
  }
}
