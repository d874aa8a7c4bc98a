package dev.tally.supervise;

import dev.tally.ledger.Budget;
import dev.tally.ledger.PoolReadout;
import java.util.Locale;

/**
 * The budget a driver reads on every turn: what is left of each ceiling, what live workers hold,
 * what a default worker reserves, the time to the deadline and the turn. It travels in the {@code
 * RouterChat} input only (the activity puts it after the last message), so it never grows the
 * stored conversation or the history beyond its own few dozen bytes.
 *
 * <p>Format, one line of {@code key=value} pairs a model (or a script) can read: {@code [tally
 * budget] tokensLeft=51234/60000, iterationsLeft=5/8, usdLeft=0.4312/0.50, reservedTokens=16000,
 * liveWorkers=2, perWorker=8000 tokens/1 iterations/$0.05, deadlineIn=252s, turn=3/16}; {@code
 * usdLeft=uncapped} without a dollar cap, {@code deadlineIn=none} without a deadline.
 */
final class BudgetLine {
  static final String PREFIX = "[tally budget]";

  private BudgetLine() {}

  static String of(RunState s, long nowMs) {
    PoolReadout r = s.pool.readout();
    Budget root = s.pool.root();
    Budget per = s.request.perWorker();
    String usd =
        r.usdCapped()
            ? r.usdLeft().toPlainString() + "/" + root.maxUsd().toPlainString()
            : "uncapped";
    String perUsd = per.usdCapped() ? "/$" + per.maxUsd().toPlainString() : "";
    String deadline =
        r.deadlineAtMs() == null ? "none" : Math.max(0, (r.deadlineAtMs() - nowMs) / 1000) + "s";
    return String.format(
        Locale.ROOT,
        "%s tokensLeft=%d/%d, iterationsLeft=%d/%d, usdLeft=%s, reservedTokens=%d, liveWorkers=%d,"
            + " perWorker=%d tokens/%d iterations%s, deadlineIn=%s, turn=%d/%d",
        PREFIX,
        r.tokensLeft(),
        root.tokens(),
        r.iterationsLeft(),
        root.iterations(),
        usd,
        r.reservedTokens(),
        s.live().size(),
        per.tokens(),
        per.iterations(),
        perUsd,
        deadline,
        s.turn,
        s.request.turnCap());
  }
}
