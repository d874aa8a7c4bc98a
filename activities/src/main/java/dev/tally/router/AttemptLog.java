package dev.tally.router;

import dev.tally.supervise.Failures;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One attempt of a router call, kept honest across Temporal's retries and cancellable.
 *
 * <p>The heartbeat details hold how many earlier attempts of this call were sent and ended without
 * a receipt (a timeout, a worker that died mid-call). A retry (attempt 2 on) counts itself there
 * before sending, so even a worker killed mid-call leaves a record the next attempt reads; when a
 * receipt arrives it takes itself off again. A failure that may have been billed, or that follows
 * such attempts, carries an {@link AttemptReceipt} so the workflow meters it.
 *
 * <p>The first attempt does not announce itself: that heartbeat is a synchronous round trip to the
 * server before every model call, and the first attempt needs no record to be counted. Every way it
 * can end other than a receipt or death leaves one (its failures record what they cost, its long
 * calls heartbeat), so a retry that finds no record at all follows a first attempt that died
 * without saying, and counts it as sent: unknown, never free. Retries still announce, so this
 * inference only ever covers attempt 1.
 *
 * <p>While the HTTP call runs on its own thread, the activity heartbeats; a cancelled activity
 * learns of it on a heartbeat, aborts the request, and reports the cancellation.
 */
final class AttemptLog {
  /** How often a waiting call heartbeats (the SDK throttles what reaches the server). */
  static final Duration HEARTBEAT_EVERY = Duration.ofMillis(250);

  /** Failures after which the router may have billed without a receipt. */
  private static final Set<String> UNRECEIPTED = Set.of(Failures.ROUTER_TIMEOUT);

  private static final ExecutorService CALLS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "router-call");
            t.setDaemon(true);
            return t;
          });

  /** Prices a receipt: model, usage (or null), billed dollars (or null), unreceipted attempts. */
  interface Pricer {
    AttemptReceipt receipt(String model, Usage usage, BigDecimal billed, int unreceipted);
  }

  private final ActivityExecutionContext context;
  private final boolean retry;
  private final int earlier;

  /** Whether this attempt's heartbeat details count it as sent. */
  private boolean announced;

  AttemptLog(ActivityExecutionContext context) {
    this.context = context;
    this.retry = context.getInfo().getAttempt() > 1;
    // No record on a retry: the first attempt ended without leaving one, so it died mid-call.
    this.earlier = context.getHeartbeatDetails(Integer.class).orElse(retry ? 1 : 0);
  }

  /** Earlier attempts of this call that were sent and ended without a receipt. */
  int unreceipted() {
    return earlier;
  }

  /**
   * Records that this attempt ends without sending anything (it failed before the call), so the
   * next attempt does not count it as sent. Only the first attempt needs to: a retry is not counted
   * until it announces itself.
   */
  void notSent() {
    if (retry) {
      return;
    }
    try {
      context.heartbeat(earlier);
    } catch (ActivityCompletionException e) {
      // Cancelled meanwhile: the failure being reported matters more than the record.
    }
  }

  /** Sends {@code call} once, heartbeating until it answers; see the class comment. */
  ChatCompletion send(String model, Supplier<ChatCompletion> call, Pricer pricer) {
    if (retry) {
      announce();
    }
    Future<ChatCompletion> pending = CALLS.submit(call::get);
    try {
      while (true) {
        try {
          ChatCompletion completion =
              pending.get(HEARTBEAT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
          if (announced) {
            context.heartbeat(earlier);
          }
          return completion;
        } catch (TimeoutException stillWaiting) {
          announce();
        }
      }
    } catch (ActivityCompletionException cancelledOrShuttingDown) {
      // Cancelled (or the worker is stopping): abort the HTTP exchange so nothing more is spent.
      pending.cancel(true);
      throw cancelledOrShuttingDown;
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "router call interrupted (worker shutting down)", Failures.ROUTER_TIMEOUT);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ApplicationFailure app) {
        throw withReceipt(app, model, pricer);
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("router call failed: " + cause, cause);
    }
  }

  private ApplicationFailure withReceipt(ApplicationFailure app, String model, Pricer pricer) {
    boolean malformed = Failures.ROUTER_MALFORMED_RESPONSE.equals(app.getType());
    boolean unreceipted = UNRECEIPTED.contains(app.getType());
    if (!malformed && !unreceipted) {
      // Not billed (a 4xx or 5xx answer, a refused connection): this attempt takes itself off.
      context.heartbeat(earlier);
      if (earlier == 0) {
        return app;
      }
    }
    Usage usage = malformed ? detail(app, 1, Usage.class) : null;
    BigDecimal billed = malformed ? detail(app, 2, BigDecimal.class) : null;
    // A 2xx without a readable receipt was billed at a cost nobody knows, like a timeout.
    int count = earlier + (unreceipted || (malformed && usage == null) ? 1 : 0);
    if (!unreceipted || !announced) {
      context.heartbeat(count);
    }
    AttemptReceipt receipt = pricer.receipt(model, usage, billed, count);
    ApplicationFailure.Builder b =
        ApplicationFailure.newBuilder()
            .setType(app.getType())
            .setMessage(
                app.getOriginalMessage()
                    + (count == 0 ? "" : " (" + count + " attempt(s) of unknown cost so far)"))
            .setNonRetryable(app.isNonRetryable())
            .setDetails(model, usage, receipt);
    if (app.getNextRetryDelay() != null) {
      b.setNextRetryDelay(app.getNextRetryDelay());
    }
    return b.build();
  }

  private void announce() {
    announced = true;
    context.heartbeat(earlier + 1);
  }

  private static <T> T detail(ApplicationFailure app, int index, Class<T> type) {
    return app.getDetails().getSize() > index ? app.getDetails().get(index, type) : null;
  }
}
