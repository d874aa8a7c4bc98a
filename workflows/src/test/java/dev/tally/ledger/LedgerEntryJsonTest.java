package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ledger entries travel as Meter inputs; anyone reading history must get them back exactly. */
class LedgerEntryJsonTest {
  private static final Spend SPEND =
      new Spend(2, 1_200, 340, new BigDecimal("0.01875"), 4_321, true, UsdSource.CATALOG);

  private static LedgerEntry roundTrip(LedgerEntry entry) throws Exception {
    String text = Json.CANONICAL.writeValueAsString(entry);
    return Json.CANONICAL.readValue(text, LedgerEntry.class);
  }

  private static JsonNode wire(LedgerEntry entry) throws Exception {
    return Json.parse(Json.CANONICAL.writeValueAsString(entry));
  }

  @Test
  void spawned_roundTrip_keepsKindAndEveryField() throws Exception {
    LedgerEntry e =
        new LedgerEntry.Spawned(
            "root:s1",
            "root",
            "first try",
            "chat",
            Budget.of(3, 4_000).withMaxUsd(new BigDecimal("0.50")).withDeadlineMs(60_000L),
            1);

    assertThat(wire(e).get("kind").asText()).isEqualTo("spawned");
    assertThat(roundTrip(e)).isEqualTo(e);
  }

  @Test
  void settled_withVerdictAndViolation_roundTripsExactly() throws Exception {
    LedgerEntry e =
        new LedgerEntry.Settled(
            "root:s2",
            LedgerEntry.Settled.DONE,
            "sha256:" + "ab".repeat(32),
            new Verdict(true, 0.75, "non-empty answer"),
            SPEND,
            null,
            null,
            new BudgetViolation(
                List.of(
                    new BudgetViolation.Overspend(
                        "tokens", BigDecimal.valueOf(1_000), BigDecimal.valueOf(1_540)))),
            3);

    JsonNode node = wire(e);

    assertThat(node.get("kind").asText()).isEqualTo("settled");
    assertThat(node.get("budgetViolation").get("overspent").get(0).get("channel").asText())
        .isEqualTo("tokens");
    assertThat(node.has("reason")).as("absent fields stay off the wire").isFalse();
    assertThat(roundTrip(e)).isEqualTo(e);
  }

  @Test
  void settledDown_infraWithReason_roundTripsExactly() throws Exception {
    LedgerEntry e =
        new LedgerEntry.Settled(
            "root:s3",
            LedgerEntry.Settled.DOWN,
            null,
            null,
            Spend.unknown(1),
            Settlement.UNKNOWN_USD_UNDER_CAP,
            true,
            null,
            4);

    assertThat(wire(e).get("infra").asBoolean()).isTrue();
    assertThat(roundTrip(e)).isEqualTo(e);
  }

  @Test
  void metered_roundTrip_keepsKindAndSpend() throws Exception {
    LedgerEntry e = new LedgerEntry.Metered("root", SPEND, "openai/gpt-4o-mini", 7, 8);

    assertThat(wire(e).get("kind").asText()).isEqualTo("metered");
    assertThat(wire(e).get("spend").get("usd").decimalValue()).isEqualByComparingTo("0.01875");
    assertThat(roundTrip(e)).isEqualTo(e);
  }

  @Test
  void cancelled_roundTrip_keepsKindAndSpend() throws Exception {
    LedgerEntry e = new LedgerEntry.Cancelled("root:s4", "driver stopped", SPEND, 5);

    assertThat(wire(e).get("kind").asText()).isEqualTo("cancelled");
    assertThat(roundTrip(e)).isEqualTo(e);
  }

  @Test
  void read_handWrittenEntryWithUnknownField_parsesByKind() throws Exception {
    String text =
        "{\"kind\":\"metered\",\"id\":\"root\",\"model\":\"m\",\"turn\":2,\"seq\":3,"
            + "\"addedLater\":true,\"spend\":{\"iterations\":0,\"inputTokens\":10,"
            + "\"outputTokens\":5,\"usd\":0.001,\"ms\":0,\"tokensKnown\":true,"
            + "\"usdSource\":\"BILLED\"}}";

    LedgerEntry e = Json.CANONICAL.readValue(text, LedgerEntry.class);

    assertThat(e).isInstanceOf(LedgerEntry.Metered.class);
    assertThat(e.key("run-1")).isEqualTo("run-1/metered/3");
    assertThat(((LedgerEntry.Metered) e).spend().tokens()).isEqualTo(15);
  }

  @Test
  void list_ofMixedKinds_roundTripsAsAList() throws Exception {
    List<LedgerEntry> entries =
        List.of(
            new LedgerEntry.Spawned("root:s1", "root", "a", "chat", Budget.of(1, 10), 1),
            new LedgerEntry.Metered("root", SPEND, "m", 0, 1),
            new LedgerEntry.Cancelled("root:s1", "stop", SPEND, 1));
    String text =
        Json.CANONICAL
            .writerFor(
                Json.CANONICAL
                    .getTypeFactory()
                    .constructCollectionType(List.class, LedgerEntry.class))
            .writeValueAsString(entries);

    List<LedgerEntry> back =
        Json.CANONICAL.readValue(
            text,
            Json.CANONICAL.getTypeFactory().constructCollectionType(List.class, LedgerEntry.class));

    assertThat(back).isEqualTo(entries);
  }
}
