package dev.tally.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.chain.MeterChain;
import dev.tally.devserver.TemporalCli;
import dev.tally.export.HistorySource;
import dev.tally.export.RunChain;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.supervise.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chain-aware ledger reader on a real Temporal server: a workflow that continues-as-new five
 * times, writing its entries through the real {@code Meter} local activity, read back through the
 * client and through {@code temporal workflow show -o json} files.
 */
class LedgerChainIT {
  @RegisterExtension static final RealTemporalExtension TEMPORAL = new RealTemporalExtension();

  private static final String ID = "meter-chain-real";
  private static final int RUNS = 6;
  private static final int BATCHES = 4;

  private static MeterChain worker;
  private static RunResult result;

  @BeforeAll
  static void runChain() {
    worker = MeterChain.worker(TEMPORAL.connection().client());
    result = worker.run(ID, RUNS, BATCHES);
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void chainRead_realServer_everyEntryOnceAndTotalsOfTheLastRun() {
    RunChain chain = RunChain.read(HistorySource.of(TEMPORAL.connection().client()), ID);

    assertThat(chain.runs()).hasSize(RUNS);
    List<LedgerEntry> entries = chain.ledger();
    assertThat(entries).hasSize(MeterChain.expectedEntries(RUNS, BATCHES));
    Set<String> keys = new HashSet<>();
    entries.forEach(e -> assertThat(keys.add(e.key(ID))).as(e.key(ID)).isTrue());
    for (int r = 1; r < RUNS; r++) {
      LedgerEntry first =
          RunChain.of(ID, List.of(chain.runs().get(r).historyJson())).ledger().get(0);
      assertThat(first).isInstanceOf(LedgerEntry.Carried.class);
      assertThat(((LedgerEntry.Carried) first).fromRunId())
          .isEqualTo(chain.runs().get(r - 1).runId());
    }
    assertThat(chain.totals().spentTotal().sameAs(result.spentTotal())).isTrue();
    assertThat(LedgerTotals.of(chain.lastRunLedger()).spentTotal().sameAs(result.spentTotal()))
        .isTrue();
  }

  @Test
  void chainOfShowFiles_temporalCli_sameEntriesAsTheClientRead() throws Exception {
    RunChain fromClient = RunChain.read(HistorySource.of(TEMPORAL.connection().client()), ID);
    List<String> shown = new ArrayList<>();
    for (RunChain.Run run : fromClient.runs()) {
      shown.add(show(run.runId()));
    }

    RunChain fromFiles = RunChain.of(ID, shown);

    assertThat(fromFiles.ledger()).isEqualTo(fromClient.ledger());
    assertThat(fromFiles.totals()).isEqualTo(fromClient.totals());
  }

  /** {@code temporal workflow show -w ID -r RUN -o json}, as anyone with the CLI would run it. */
  private static String show(String runId) throws IOException, InterruptedException {
    String cli = TemporalCli.find(System.getenv()).orElseThrow().toString();
    Process p =
        new ProcessBuilder(
                cli,
                "workflow",
                "show",
                "--address",
                TEMPORAL.address(),
                "-w",
                ID,
                "-r",
                runId,
                "-o",
                "json")
            .redirectErrorStream(false)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes())).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }
}
