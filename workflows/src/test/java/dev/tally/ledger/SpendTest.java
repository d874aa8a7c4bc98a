package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.json.Json;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SpendTest {

  @Test
  void plus_twoKnownSpends_sumsEveryChannel() {
    Spend a = new Spend(1, 100, 20, new BigDecimal("0.010"), 300, true, UsdSource.BILLED);
    Spend b = new Spend(2, 5, 7, new BigDecimal("0.5"), 40, true, UsdSource.BILLED);

    Spend sum = a.plus(b);

    assertThat(sum.iterations()).isEqualTo(3);
    assertThat(sum.inputTokens()).isEqualTo(105);
    assertThat(sum.outputTokens()).isEqualTo(27);
    assertThat(sum.tokens()).isEqualTo(132);
    assertThat(sum.usd()).isEqualByComparingTo("0.51");
    assertThat(sum.ms()).isEqualTo(340);
    assertThat(sum.tokensKnown()).isTrue();
    assertThat(sum.usdSource()).isEqualTo(UsdSource.BILLED);
  }

  @Test
  void plus_oneSpendWithoutUsageReceipt_sumTokensAreAFloor() {
    Spend known = new Spend(0, 10, 10, BigDecimal.ONE, 0, true, UsdSource.BILLED);
    Spend floor = new Spend(0, 0, 0, BigDecimal.ZERO, 0, false, UsdSource.BILLED);

    assertThat(known.plus(floor).tokensKnown()).isFalse();
    assertThat(floor.plus(known).tokensKnown()).isFalse();
  }

  @Test
  void plus_unknownPriceAnywhere_sumDollarsAreUnknownAndStayUnknown() {
    Spend priced = new Spend(0, 10, 10, BigDecimal.ONE, 0, true, UsdSource.CATALOG);

    Spend sum = priced.plus(Spend.unknown(1)).plus(Spend.ZERO).plus(priced);

    assertThat(sum.usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(sum.usdKnown()).isFalse();
    assertThat(sum.iterations()).isEqualTo(1);
    assertThat(sum.usd()).isEqualByComparingTo("2");
  }

  @Test
  void worst_everyPair_picksTheLessCertainSource() {
    assertThat(UsdSource.BILLED.worst(UsdSource.BILLED)).isEqualTo(UsdSource.BILLED);
    assertThat(UsdSource.BILLED.worst(UsdSource.CATALOG)).isEqualTo(UsdSource.CATALOG);
    assertThat(UsdSource.CATALOG.worst(UsdSource.BILLED)).isEqualTo(UsdSource.CATALOG);
    assertThat(UsdSource.CATALOG.worst(UsdSource.CATALOG)).isEqualTo(UsdSource.CATALOG);
    assertThat(UsdSource.BILLED.worst(UsdSource.UNKNOWN)).isEqualTo(UsdSource.UNKNOWN);
    assertThat(UsdSource.UNKNOWN.worst(UsdSource.BILLED)).isEqualTo(UsdSource.UNKNOWN);
    assertThat(UsdSource.CATALOG.worst(UsdSource.UNKNOWN)).isEqualTo(UsdSource.UNKNOWN);
    assertThat(UsdSource.UNKNOWN.worst(UsdSource.CATALOG)).isEqualTo(UsdSource.UNKNOWN);
    assertThat(UsdSource.UNKNOWN.worst(UsdSource.UNKNOWN)).isEqualTo(UsdSource.UNKNOWN);
  }

  @Test
  void sameAs_dollarsAtDifferentScales_equalByValue() {
    Spend a = new Spend(1, 2, 3, new BigDecimal("1.50"), 0, true, UsdSource.BILLED);
    Spend b = new Spend(1, 2, 3, new BigDecimal("1.5"), 0, true, UsdSource.BILLED);

    assertThat(a.equals(b)).as("record equals is scale-sensitive").isFalse();
    assertThat(a.sameAs(b)).isTrue();
    assertThat(b.sameAs(a)).isTrue();
  }

  @Test
  void sameAs_anyNumberOrFlagDiffers_notSame() {
    Spend base = new Spend(1, 2, 3, new BigDecimal("1.50"), 0, true, UsdSource.BILLED);

    assertThat(base.sameAs(new Spend(2, 2, 3, new BigDecimal("1.50"), 0, true, UsdSource.BILLED)))
        .isFalse();
    assertThat(base.sameAs(new Spend(1, 3, 3, new BigDecimal("1.50"), 0, true, UsdSource.BILLED)))
        .isFalse();
    assertThat(base.sameAs(new Spend(1, 2, 4, new BigDecimal("1.50"), 0, true, UsdSource.BILLED)))
        .isFalse();
    assertThat(base.sameAs(new Spend(1, 2, 3, new BigDecimal("1.51"), 0, true, UsdSource.BILLED)))
        .isFalse();
    assertThat(base.sameAs(new Spend(1, 2, 3, new BigDecimal("1.50"), 0, false, UsdSource.BILLED)))
        .isFalse();
    assertThat(base.sameAs(new Spend(1, 2, 3, new BigDecimal("1.50"), 0, true, UsdSource.CATALOG)))
        .isFalse();
    assertThat(base.sameAs(null)).isFalse();
  }

  @Test
  void constructor_missingDollarsAndSource_readsAsUnknownFloorOfZero() {
    Spend s = new Spend(0, 1, 1, null, 0, true, null);

    assertThat(s.usd()).isEqualByComparingTo("0");
    assertThat(s.usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(s.usdKnown()).isFalse();
  }

  @Test
  void unknown_workWithoutReceipt_isAFloorOnEveryFlag() {
    Spend s = Spend.unknown(3);

    assertThat(s.iterations()).isEqualTo(3);
    assertThat(s.tokens()).isZero();
    assertThat(s.tokensKnown()).isFalse();
    assertThat(s.usdKnown()).isFalse();
  }

  @Test
  void json_derivedFields_stayOffTheWireAndRoundTrip() throws Exception {
    Spend s = new Spend(1, 100, 20, new BigDecimal("0.0125"), 5, false, UsdSource.CATALOG);

    String text = Json.CANONICAL.writeValueAsString(s);

    assertThat(Json.parse(text).has("tokens")).isFalse();
    assertThat(Json.parse(text).has("usdKnown")).isFalse();
    assertThat(Json.parse(text).get("usdSource").asText()).isEqualTo("CATALOG");
    assertThat(Json.CANONICAL.readValue(text, Spend.class)).isEqualTo(s);
  }
}
