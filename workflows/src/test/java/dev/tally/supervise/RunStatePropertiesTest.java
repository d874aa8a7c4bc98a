package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.json.Json;
import dev.tally.ledger.Admission;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerState;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.ledger.Verdict;
import dev.tally.router.ChatMessage;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The one state record of a supervised run (SPEC §8): at every step of a random run, what a
 * continued run rebuilds from {@link RunState#carried()} carries exactly the same state again, and
 * the pool's identity {@code limit == free + reserved + committed} holds across every raise.
 */
class RunStatePropertiesTest {
  private static final String ID = "run-prop";

  enum Op {
    SPAWN,
    SETTLE_DONE,
    SETTLE_DOWN,
    CANCEL_WORKER,
    DRIVER_TURN,
    READ_EVENT,
    FEEDBACK,
    RAISE,
    CANCEL_RUN
  }

  @Property(tries = 1_000)
  void carriedState_restoredAtEveryStep_carriesTheSameStateAgain(
      @ForAll("runs") List<Op> ops, @ForAll("capped") boolean usdCapped) {
    Budget root = new Budget(40L, 200_000L, usdCapped ? new BigDecimal("2.00") : null, 3_600_000L);
    Budget perWorker = new Budget(2L, 20_000L, usdCapped ? new BigDecimal("0.10") : null, null);
    RunRequest request =
        new RunRequest(
            TextNode.valueOf("property"), root, perWorker, 0, null, null, null, null, null);
    RunState s = RunState.fresh(ID, "run", 0, request, false, new Inbox(), 1_700_000_000_000L);
    int step = 0;
    for (Op op : ops) {
      apply(s, op, step++);
      Statistics.label("op").collect(op);
      assertThat(s.pool.conserved()).as("pool identity after %s", op).isTrue();
      assertRestoresExactly(s);
    }
  }

  private static void assertRestoresExactly(RunState s) {
    CarriedState carried = s.carried();
    RunState restored =
        RunState.resume(ID, s.request.continuedWith(carried), new Inbox(), "previous-run");
    CarriedState again = restored.carried();
    LedgerState l = carried.ledger();
    // The only difference a continue makes: the carried entry it starts with, counted once.
    LedgerState expectedLedger =
        new LedgerState(
            l.runId(),
            l.spawnSeq(),
            l.cursorSeq(),
            l.meterSeq(),
            l.carrySeq() + 1,
            l.raiseSeq(),
            l.totals());
    assertThat(Json.canonical(again.ledger())).isEqualTo(Json.canonical(expectedLedger));
    assertThat(Json.canonical(withLedger(again, expectedLedger)))
        .isEqualTo(Json.canonical(withLedger(carried, expectedLedger)));
    assertThat(restored.pool.readout()).isEqualTo(s.pool.readout());
    assertThat(restored.request.budget()).isEqualTo(s.request.budget());
  }

  private static CarriedState withLedger(CarriedState c, LedgerState ledger) {
    return new CarriedState(
        c.pool(),
        ledger,
        c.workers(),
        c.settledCount(),
        c.downCount(),
        c.events(),
        c.inbox(),
        c.turn(),
        c.conversationRef(),
        c.unsent(),
        c.lastError(),
        c.startedAtMs(),
        c.exportEntries(),
        c.durationsMs());
  }

  /** One step of a run, done the way Crew, Supervisor and BudgetRaise do it, without Temporal. */
  private static void apply(RunState s, Op op, int step) {
    switch (op) {
      case SPAWN -> {
        Budget want = s.request.perWorker();
        if (s.pool.reserve(want) instanceof Admission.Admitted a) {
          String id = ID + ":s" + s.ledger.nextSpawnOrdinal();
          s.ledger.spawned(id, ID, "w", WorkerProfiles.CHAT, want);
          s.workers.put(id, new WorkerSlot(id, WorkerProfiles.CHAT, "w", a.ticket(), step));
        }
      }
      case SETTLE_DONE, SETTLE_DOWN, CANCEL_WORKER -> {
        WorkerSlot w = s.live().isEmpty() ? null : s.live().get(0);
        if (w == null) {
          return;
        }
        Spend spent = spend(w.ticket.tokens() / 3, 1, s.pool.root().usdCapped());
        s.pool.reconcile(w.ticket.id(), spent);
        w.endedAtMs = step + 1;
        s.settledCount++;
        s.settled.add(w);
        if (op == Op.CANCEL_WORKER) {
          w.status = WorkerOutcome.CANCELLED;
          w.reason = "cancelled";
          s.ledger.cancelled(w.id, "cancelled", spent);
          return;
        }
        boolean done = op == Op.SETTLE_DONE;
        w.status = done ? WorkerOutcome.DONE : WorkerOutcome.DOWN;
        w.outcome =
            done
                ? WorkerOutcome.leaf(w.id, "done", "out " + step, spent, null, null, "m", 1, "ok")
                : WorkerOutcome.leaf(w.id, "down", null, spent, "boom", Boolean.TRUE, "m", 1, "");
        if (!done) {
          s.downCount++;
        }
        Verdict v = done ? w.outcome.verdict() : null;
        s.ledger.settled(
            w.id, w.status, done ? w.outcome.outRef() : null, v, spent, w.reason, null, null, "m");
        s.events.addLast(
            Json.CANONICAL.createObjectNode().put("type", "settled").put("workerId", w.id));
      }
      case DRIVER_TURN -> {
        Spend spend = spend(150, 0, s.pool.root().usdCapped());
        s.ledger.metered(ID, spend, "m", s.turn++);
        s.pool.observe(spend);
        s.unsent.clear();
        s.unsent.add(ChatMessage.tool("c" + step, "await_event", "{}"));
        s.conversationRef = "sha256:" + step;
        s.lastError = step % 2 == 0 ? null : "await_event: something";
      }
      case READ_EVENT -> s.events.pollFirst();
      case FEEDBACK -> s.inbox.feedback(new Feedback(0.5, "l" + step, null, "p"));
      case RAISE -> {
        BudgetRaise raise = new BudgetRaise(s);
        Budget up = new Budget(null, s.pool.root().tokens() + 1_000, null, null);
        assertThat(raise.problems(up)).isEmpty();
        long freeBefore = s.pool.readout().tokensLeft();
        raise.apply(up);
        assertThat(s.pool.readout().tokensLeft()).isEqualTo(freeBefore + 1_000);
      }
      case CANCEL_RUN -> s.inbox.cancel(new CancelRequest("stop " + step));
    }
  }

  private static Spend spend(long tokens, long iterations, boolean usd) {
    return new Spend(
        iterations,
        tokens / 2,
        tokens - tokens / 2,
        usd ? new BigDecimal("0.0001") : BigDecimal.ZERO,
        0,
        true,
        usd ? UsdSource.BILLED : UsdSource.UNKNOWN);
  }

  @Provide
  Arbitrary<List<Op>> runs() {
    return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<Boolean> capped() {
    return Arbitraries.of(true, false);
  }
}
