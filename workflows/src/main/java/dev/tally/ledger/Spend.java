package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * What some work really cost. Dollars are exact decimals so that sums rebuilt from history equal
 * the run's own totals to the last digit.
 *
 * @param iterations child rounds (driver turns are metered with zero)
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 * @param usd dollars; a floor when {@code usdSource} is {@link UsdSource#UNKNOWN}
 * @param ms wall time, informational; the pool never reads it
 * @param tokensKnown false when work happened without a usage receipt: the counts are a floor
 * @param usdSource where the dollars came from
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Spend(
    long iterations,
    long inputTokens,
    long outputTokens,
    BigDecimal usd,
    long ms,
    boolean tokensKnown,
    UsdSource usdSource) {

  /** Nothing spent, known exactly. */
  public static final Spend ZERO = new Spend(0, 0, 0, BigDecimal.ZERO, 0, true, UsdSource.BILLED);

  public Spend {
    usd = usd == null ? BigDecimal.ZERO : usd;
    usdSource = usdSource == null ? UsdSource.UNKNOWN : usdSource;
  }

  /** Work that happened with no usage receipt and no price: a floor of zero on every channel. */
  public static Spend unknown(long iterations) {
    return new Spend(iterations, 0, 0, BigDecimal.ZERO, 0, false, UsdSource.UNKNOWN);
  }

  /** Input plus output tokens, the unit the pool conserves. */
  @JsonIgnore
  public long tokens() {
    return inputTokens + outputTokens;
  }

  @JsonIgnore
  public boolean usdKnown() {
    return usdSource != UsdSource.UNKNOWN;
  }

  /** The sum of two spends; unknown flags propagate. */
  public Spend plus(Spend other) {
    Objects.requireNonNull(other, "other");
    return new Spend(
        iterations + other.iterations,
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        usd.add(other.usd),
        ms + other.ms,
        tokensKnown && other.tokensKnown,
        usdSource.worst(other.usdSource));
  }

  public Spend withIterations(long n) {
    return new Spend(n, inputTokens, outputTokens, usd, ms, tokensKnown, usdSource);
  }

  /** Same numbers compared exactly, dollars by value (so 1.50 equals 1.5). */
  public boolean sameAs(Spend other) {
    return other != null
        && iterations == other.iterations
        && inputTokens == other.inputTokens
        && outputTokens == other.outputTokens
        && usd.compareTo(other.usd) == 0
        && tokensKnown == other.tokensKnown
        && usdSource == other.usdSource;
  }
}
