package dev.tally.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The pure parts of the observer: grouping failures, counting ops, building the playbook. */
class DigestsAndPlaybooksTest {
  @Test
  void groups_failuresByReasonAndErrorType_largestFirstWithNewestExamples() {
    List<Op> failures =
        List.of(
            failed("a", "budget-exhausted", null, 1),
            failed("b", "driver-failed", "RouterNotFound", 2),
            failed("c", "budget-exhausted", null, 3),
            failed("d", "driver-failed", "RouterTimeout", 4),
            failed("e", "budget-exhausted", null, 5),
            failed("f", "budget-exhausted", null, 6));

    List<Digest.FailureGroup> groups = Digests.groups(failures);

    assertThat(groups)
        .extracting(g -> g.reason() + "/" + g.errorType() + "×" + g.count())
        .containsExactly(
            "budget-exhausted/null×4",
            "driver-failed/RouterNotFound×1",
            "driver-failed/RouterTimeout×1");
    assertThat(groups.get(0).examples())
        .extracting(Digest.Example::runId)
        .containsExactly("f", "e", "c");
    assertThat(Digests.donts(failures))
        .extracting(Digest.Dont::line)
        .anyMatch(
            l -> l.startsWith("don't repeat what ended budget-exhausted 4× under maxTokens 100"));
  }

  @Test
  void aggregates_unknownDollarsAnywhere_makeTheTotalAFloorAndCountTheUnpricedOps() {
    OpsAggregates a =
        OpsAggregates.EMPTY
            .plus(
                won(
                    "w1",
                    "m1",
                    new Spend(0, 10, 5, new BigDecimal("0.25"), 0, true, UsdSource.BILLED)))
            .plus(won("w2", "m2", Spend.unknown(0)));

    assertThat(a.total().ops()).isEqualTo(2);
    assertThat(a.total().usdUnknownOps()).isEqualTo(1);
    assertThat(a.total().spent().usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(a.total().spent().usd()).isEqualByComparingTo("0.25");
    assertThat(a.byModel().keySet()).containsExactly("m1", "m2");
  }

  @Test
  void playbook_onlyClassesWithEnoughSuccesses_andAnExcerptIsBoundedAndMatchesSubsets() {
    Map<String, ClassStats> classes = new TreeMap<>();
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ops.add(
          won(
              "x" + i,
              "m",
              new Spend(0, 100, 50, new BigDecimal("0.01"), 0, true, UsdSource.BILLED)));
    }
    ops.add(withLabels(won("y", "m", Spend.ZERO), Map.of("team", "b")));
    for (Op op : ops) {
      classes.merge(op.taskClass(), ClassStats.empty(op).plus(op), (c, ignored) -> c.plus(op));
    }
    Digest digest =
        new Digest(
            1,
            0,
            Digest.ON_DEMAND,
            0,
            0,
            1,
            List.of(),
            List.of(new Digest.Dont("run{team=a}", "don't x")),
            null);

    Playbook playbook = Playbooks.build(7, classes, digest, 3);

    assertThat(playbook.entries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskClass()).isEqualTo("run{team=a}");
              assertThat(e.successRate()).isEqualTo(1.0);
              assertThat(e.typicalUsd()).isEqualByComparingTo("0.01");
              assertThat(e.typicalTokens()).isEqualTo(150);
              assertThat(e.models()).containsExactly("m (3)");
              assertThat(e.budgets()).containsExactly("maxTokens=100 (3)");
              assertThat(e.donts()).containsExactly("don't x");
            });
    PlaybookExcerpt wider =
        Playbooks.excerpt(playbook, new PlaybookRequest("run", Map.of("team", "a", "lang", "go")));
    assertThat(wider.entries()).hasSize(1);
    assertThat(wider.text()).startsWith("Playbook v7").contains("3 of 3 succeeded");
    assertThat(Playbooks.excerpt(playbook, new PlaybookRequest("run", Map.of("team", "b"))).text())
        .isEmpty();
    assertThat(
            Playbooks.excerpt(playbook, new PlaybookRequest("coder", Map.of("team", "a")))
                .entries())
        .isEmpty();
  }

  @Test
  void excerptText_manyLongEntries_isCutAtTheBound() {
    List<PlaybookEntry> entries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      entries.add(
          new PlaybookEntry(
              "run{k=" + i + "}",
              "run",
              Map.of("k", "" + i),
              5,
              5,
              1.0,
              BigDecimal.ONE,
              UsdSource.BILLED,
              1,
              1,
              List.of("m".repeat(400)),
              List.of(),
              List.of("d".repeat(400))));
    }
    assertThat(Playbooks.text(1, entries)).hasSize(Playbooks.MAX_TEXT_CHARS).endsWith("…");
  }

  @Test
  void op_problems_nameEveryBadField() {
    Op bad =
        new Op(
            null, " ", "job", "run", "default", null, false, null, null, null, null, -1, null, null,
            null, null, 0, null);

    assertThat(bad.problems())
        .anyMatch(p -> p.startsWith("opId:"))
        .anyMatch(p -> p.startsWith("runId:"))
        .anyMatch(p -> p.startsWith("kind: expected run or delegation, got job"))
        .anyMatch(p -> p.startsWith("outcome:"))
        .anyMatch(p -> p.startsWith("durationMs:"));
  }

  private static Op failed(String id, String reason, String errorType, long at) {
    return new Op(
        id + "/1",
        id,
        Op.RUN,
        "run",
        "default",
        Op.NO_WINNER,
        false,
        reason,
        errorType,
        "said " + id,
        Spend.ZERO,
        1,
        List.of(),
        Map.of(),
        Budget.of(1, 100),
        "sha256:" + id,
        at,
        null);
  }

  private static Op won(String id, String model, Spend spent) {
    return new Op(
        id + "/1",
        id,
        Op.RUN,
        "run",
        "default",
        Op.WINNER,
        true,
        null,
        null,
        null,
        spent,
        10,
        List.of(model),
        Map.of("team", "a"),
        Budget.of(1, 100),
        "sha256:" + id,
        0,
        null);
  }

  private static Op withLabels(Op op, Map<String, String> labels) {
    return new Op(
        op.opId(),
        op.runId(),
        op.kind(),
        op.profile(),
        op.namespace(),
        op.outcome(),
        op.succeeded(),
        op.reason(),
        op.errorType(),
        op.detail(),
        op.spent(),
        op.durationMs(),
        op.models(),
        labels,
        op.budget(),
        op.taskHash(),
        op.closedAtMs(),
        op.playbookVersion());
  }
}
