package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.chain.MeterChain;
import dev.tally.export.HistoryExport;
import dev.tally.export.HistorySource;
import dev.tally.export.RunChain;
import dev.tally.export.RunStats;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.supervise.RunResult;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chain-aware ledger reader and the commands built on it, over a workflow that really
 * continued-as-new on the embedded (SDK test) server, writing its entries through the real {@code
 * Meter} local activity.
 */
class LedgerChainCommandsTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static final String ID = "meter-chain-cli";
  private static final int RUNS = 4;
  private static final int BATCHES = 3;

  private static MeterChain chainWorker;
  private static RunResult result;

  @BeforeAll
  static void runChain() {
    chainWorker = MeterChain.worker(STACK.stack().connection().client());
    result = chainWorker.run(ID, RUNS, BATCHES);
  }

  @AfterAll
  static void stop() {
    chainWorker.close();
  }

  private static RunChain chain() {
    return RunChain.read(HistorySource.of(STACK.stack().connection().client()), ID);
  }

  @Test
  void chainRead_continuedRuns_everyEntryOnceInOrderWithTheLastRunsTotals() {
    RunChain chain = chain();

    assertThat(chain.runs()).hasSize(RUNS);
    List<LedgerEntry> entries = chain.ledger();
    assertThat(entries).hasSize(MeterChain.expectedEntries(RUNS, BATCHES));
    Set<String> keys = new HashSet<>();
    entries.forEach(e -> assertThat(keys.add(e.key(ID))).as(e.key(ID)).isTrue());
    assertThat(entries)
        .filteredOn(e -> e instanceof LedgerEntry.Metered)
        .extracting(e -> ((LedgerEntry.Metered) e).turn())
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(entries).filteredOn(e -> e instanceof LedgerEntry.Carried).hasSize(RUNS - 1);
    for (int r = 1; r < RUNS; r++) {
      assertThat(chain.runs().get(r).runId()).isNotNull();
      List<LedgerEntry> own = LedgerRebuilder.fromHistoryJson(chain.runs().get(r).historyJson());
      assertThat(own.get(0)).isInstanceOf(LedgerEntry.Carried.class);
      assertThat(((LedgerEntry.Carried) own.get(0)).fromRunId())
          .isEqualTo(chain.runs().get(r - 1).runId());
    }
    LedgerTotals totals = chain.totals();
    assertThat(totals.spentTotal().sameAs(result.spentTotal())).isTrue();
    assertThat(totals.spentTotal().sameAs(sumOfItems(entries))).isTrue();
    assertThat(LedgerTotals.of(chain.lastRunLedger()).spentTotal().sameAs(result.spentTotal()))
        .as("the last run read alone")
        .isTrue();
    assertThat(LedgerRebuilder.fromChain(chain.historyJsons())).isEqualTo(entries);
    assertThat(chain.gaps().none()).isTrue();
  }

  @Test
  void runStats_oneContinuedRunAloneAndWholeChain_sameTotalAndDriverShare() {
    RunChain chain = chain();
    RunStats whole =
        RunStats.of(List.of(new RunStats.Run(ID, "completed", result, null, chain.ledger())));
    RunStats alone =
        RunStats.of(
            List.of(new RunStats.Run(ID, "completed", result, null, chain.lastRunLedger())));

    assertThat(whole.total().sameAs(result.spentTotal())).isTrue();
    assertThat(alone.total().sameAs(result.spentTotal())).isTrue();
    assertThat(
            whole
                .costByProfile()
                .get(RunStats.DRIVER)
                .sameAs(result.spentBreakdown().driverInference()))
        .isTrue();
    assertThat(
            alone
                .costByProfile()
                .get(RunStats.DRIVER)
                .sameAs(result.spentBreakdown().driverInference()))
        .isTrue();
    assertThat(
            whole
                .costByModel()
                .get("model-driver")
                .sameAs(result.spentBreakdown().driverInference()))
        .as("every driver turn itemised by its model")
        .isTrue();
  }

  @Test
  void ledgerCommand_chain_readsEveryRunAndMatchesQueryAndSpentTotal() {
    Cli.Result r = Cli.run(STACK.env(), "ledger", ID, "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = Json.parse(r.out());
    assertThat(doc.path("runs").asInt()).isEqualTo(RUNS);
    assertThat(doc.path("entries")).hasSize(MeterChain.expectedEntries(RUNS, BATCHES));
    assertThat(doc.path("check").path("ok").asBoolean()).isTrue();
    assertThat(doc.path("check").path("ledgerQuery").asText()).isEqualTo("compared");
    assertThat(doc.path("check").path("spentTotal").asText()).isEqualTo("compared");

    Cli.Result text = Cli.run(STACK.env(), "ledger", ID);
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out())
        .contains("across " + RUNS + " runs (continued-as-new)")
        .contains("carried")
        .contains("continued-as-new from run ")
        .contains("raised");
  }

  @Test
  void exportCommand_chain_oneStartEveryTurnAndTheChainTotal() {
    Cli.Result r = Cli.run(STACK.env(), "export", ID, "--jsonl");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<JsonNode> records = r.out().lines().map(Json::parse).toList();
    assertThat(records).filteredOn(n -> type(n).equals("run-started")).hasSize(1);
    assertThat(records).filteredOn(n -> type(n).equals("turn")).hasSize(RUNS * BATCHES);
    assertThat(records).filteredOn(n -> type(n).equals("dispatch")).hasSize(RUNS * BATCHES);
    assertThat(records).filteredOn(n -> type(n).equals("continued")).hasSize(RUNS - 1);
    assertThat(records).filteredOn(n -> type(n).equals("raised")).hasSize(1);
    JsonNode end = records.get(records.size() - 1);
    assertThat(type(end)).isEqualTo("run-ended");
    assertThat(end.path("ledgerTotal")).isEqualTo(end.path("spentTotal"));
    assertThat(end.path("ledgerTotal").path("inputTokens").asLong())
        .isEqualTo(result.spentTotal().inputTokens());
  }

  @Test
  void export_lastRunAlone_budgetAndTotalStartFromCarried() {
    RunChain chain = chain();
    List<ObjectNode> alone = HistoryExport.records(ID, chain.last().historyJson());

    assertThat(type(alone.get(1))).isEqualTo("continued");
    JsonNode end = alone.get(alone.size() - 1);
    assertThat(end.path("ledgerTotal").path("inputTokens").asLong())
        .isEqualTo(result.spentTotal().inputTokens());
    assertThat(alone).filteredOn(n -> type(n).equals("turn")).hasSize(BATCHES);
  }

  private static String type(JsonNode record) {
    return record.path("record").asText();
  }

  /** The sum of every itemised entry, carried totals left out. */
  private static Spend sumOfItems(List<LedgerEntry> entries) {
    Spend sum = Spend.ZERO;
    for (LedgerEntry e : entries) {
      if (e instanceof LedgerEntry.Metered m) {
        sum = sum.plus(m.spend());
      } else if (e instanceof LedgerEntry.Settled s) {
        sum = sum.plus(s.spent());
      } else if (e instanceof LedgerEntry.Cancelled c) {
        sum = sum.plus(c.spent());
      }
    }
    return sum;
  }
}
