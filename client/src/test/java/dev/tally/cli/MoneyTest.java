package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {
  private static Spend spend(String usd, UsdSource source, boolean tokensKnown) {
    return new Spend(1, 1200, 34, new BigDecimal(usd), 0, tokensKnown, source);
  }

  @Test
  void usd_knownSources_showAmountAndSource() {
    assertThat(Money.usd(spend("0.5", UsdSource.BILLED, true))).isEqualTo("$0.50 (billed)");
    assertThat(Money.usd(spend("0.0123", UsdSource.CATALOG, true))).isEqualTo("$0.0123 (catalog)");
  }

  @Test
  void usd_unknownSource_isAFloorNeverDollarZero() {
    String shown = Money.usd(spend("0", UsdSource.UNKNOWN, true));

    assertThat(shown).isEqualTo("≥ $0.00 (unknown)");
    assertThat(Money.usd(spend("0.0042", UsdSource.UNKNOWN, true)))
        .isEqualTo("≥ $0.0042 (unknown)");
  }

  @Test
  void usd_amounts_roundToSixDecimalsKeepingTwo() {
    assertThat(Money.usd(new BigDecimal("1"))).isEqualTo("$1.00");
    assertThat(Money.usd(new BigDecimal("0.0000125"))).isEqualTo("$0.000013");
    assertThat(Money.usd(new BigDecimal("12.345678"))).isEqualTo("$12.345678");
    assertThat(Money.usd((BigDecimal) null)).isEqualTo("uncapped");
  }

  @Test
  void tokens_withoutUsageReceipt_areAFloor() {
    assertThat(Money.tokens(spend("0", UsdSource.BILLED, true))).isEqualTo("1,234");
    assertThat(Money.tokens(spend("0", UsdSource.BILLED, false))).isEqualTo("≥ 1,234");
  }
}
