package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.ledger.UsdSource;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceCatalogTest {
  private final PriceCatalog bundled = PriceCatalog.bundled();

  @Test
  void bundled_hasVersionAndCommonModelsAndTheScriptedModel() {
    assertThat(bundled.version()).isNotBlank();
    assertThat(bundled.price("gpt-4o-mini")).isPresent();
    assertThat(bundled.price("claude-sonnet-4-5")).isPresent();
    assertThat(bundled.price("openai/gpt-4o")).isPresent();
    PriceCatalog.ModelPrice scripted = bundled.price(ScriptedRouter.MODEL).orElseThrow();
    assertThat(scripted.input().signum()).isPositive();
    assertThat(scripted.output().signum()).isPositive();
  }

  @Test
  void bundled_scriptedModelPrice_matchesWhatTheScriptedRouterBills() {
    PriceCatalog.ModelPrice scripted = bundled.price(ScriptedRouter.MODEL).orElseThrow();

    assertThat(scripted.input()).isEqualByComparingTo(ScriptedRouter.PRICE.input());
    assertThat(scripted.output()).isEqualByComparingTo(ScriptedRouter.PRICE.output());
  }

  @Test
  void cost_billedCharge_winsAsBilled() {
    TurnCost c =
        bundled.cost("gpt-4o", "gpt-4o", new Usage(1000, 1000), new BigDecimal("0.0042"), true);

    assertThat(c.source()).isEqualTo(UsdSource.BILLED);
    assertThat(c.usd()).isEqualByComparingTo("0.0042");
  }

  @Test
  void cost_catalogModel_isExactCatalogPrice() {
    PriceCatalog catalog =
        PriceCatalog.parse(
            "{\"version\":\"t1\",\"models\":{\"m\":{\"input\":2.5,\"output\":10}}}", "test");

    TurnCost c = catalog.cost("m", "m", new Usage(1234, 567), null, true);

    // 1234 * 2.5 + 567 * 10 = 3085 + 5670 = 8755 micro-dollars.
    assertThat(c.source()).isEqualTo(UsdSource.CATALOG);
    assertThat(c.usd()).isEqualByComparingTo("0.008755");
  }

  @Test
  void cost_answeringModelUnpriced_fallsBackToRequestedModel() {
    TurnCost c =
        bundled.cost("gpt-4o-mini-2099-01-01", "gpt-4o-mini", new Usage(1_000_000, 0), null, true);

    assertThat(c.source()).isEqualTo(UsdSource.CATALOG);
    assertThat(c.usd()).isEqualByComparingTo(bundled.price("gpt-4o-mini").orElseThrow().input());
  }

  @Test
  void cost_pricedModelWithoutUsage_isUnknown() {
    TurnCost c = bundled.cost("gpt-4o", "gpt-4o", null, null, false);

    assertThat(c).isEqualTo(TurnCost.UNKNOWN);
  }

  @Test
  void cost_unpricedModelWithoutCap_isUnknown() {
    TurnCost c = bundled.cost("mystery-model", "mystery-model", new Usage(10, 10), null, false);

    assertThat(c.source()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(c.usd()).isNull();
  }

  @Test
  void cost_unpricedModelUnderCap_failsNamingModelAndFix() {
    ApplicationFailure f =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> bundled.cost("mystery-model", "mystery-model", new Usage(10, 10), null, true));

    assertThat(f.getType()).isEqualTo(Failures.UNPRICED_MODEL);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage())
        .contains("\"mystery-model\"")
        .contains("TALLY_PRICE_CATALOG")
        .contains("maxUsd");
  }

  @Test
  void load_overrideFile_addsAndReplacesModels(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("prices.json");
    Files.writeString(
        file,
        "{\"version\":\"ops-3\",\"models\":{"
            + "\"my-model\":{\"input\":1,\"output\":2},"
            + "\"gpt-4o\":{\"input\":0.01,\"output\":0.02}}}");

    PriceCatalog catalog = PriceCatalog.load(file);

    assertThat(catalog.version()).contains("ops-3").contains(bundled.version());
    assertThat(catalog.price("my-model").orElseThrow().output()).isEqualByComparingTo("2");
    assertThat(catalog.price("gpt-4o").orElseThrow().input()).isEqualByComparingTo("0.01");
    assertThat(catalog.price("gpt-4o-mini")).isEqualTo(bundled.price("gpt-4o-mini"));
  }

  @Test
  void load_nullPath_isTheBundledCatalog() {
    assertThat(PriceCatalog.load(null).prices()).isEqualTo(bundled.prices());
  }

  @Test
  void parse_badEntries_failNamingTheField() {
    assertThatThrownBy(
            () ->
                PriceCatalog.parse(
                    "{\"version\":\"1\",\"models\":{\"m\":{\"input\":1}}}", "f.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("f.json")
        .hasMessageContaining("models.m.output");
    assertThatThrownBy(() -> PriceCatalog.parse("{\"models\":{}}", "f.json"))
        .hasMessageContaining("version");
    assertThatThrownBy(
            () ->
                PriceCatalog.parse(
                    "{\"version\":\"1\",\"models\":{\"m\":{\"input\":-1,\"output\":1}}}", "f.json"))
        .hasMessageContaining("non-negative");
  }

  @Test
  void fromFile_missingFile_failsNamingFileAndVariable(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");

    assertThatThrownBy(() -> PriceCatalog.fromFile(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("TALLY_PRICE_CATALOG");
  }
}
