package dev.tally.chain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.LedgerState;

/**
 * Input of {@link MeterChainWorkflow}.
 *
 * @param runs how many runs the chain has (continue-as-new {@code runs - 1} times)
 * @param batchesPerRun {@code Meter} batches each run writes (one metered turn, one spawned and one
 *     settled worker each)
 * @param run this run's index in the chain, 0 for the first
 * @param carried the ledger state the previous run handed on, null for the first run
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MeterChainInput(int runs, int batchesPerRun, int run, LedgerState carried) {
  public static MeterChainInput first(int runs, int batchesPerRun) {
    return new MeterChainInput(runs, batchesPerRun, 0, null);
  }

  MeterChainInput next(LedgerState state) {
    return new MeterChainInput(runs, batchesPerRun, run + 1, state);
  }
}
