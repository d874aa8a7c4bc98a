package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import org.junit.jupiter.api.Test;

class DelegationIdsTest {
  private static DelegationRequest coder(String argsJson, String namespace) {
    return DelegationRequest.of(DelegationProfiles.CODER, Json.parse(argsJson), namespace);
  }

  @Test
  void taskId_hasProfileAndSixteenHexDigits() {
    String id = DelegationIds.taskId(coder("{\"goal\":\"g\",\"repoRoot\":\"/r\"}", null));

    assertThat(id).matches("dlg-coder-[0-9a-f]{16}");
  }

  @Test
  void taskId_identicalInput_isIdentical() {
    String a = DelegationIds.taskId(coder("{\"goal\":\"g\",\"repoRoot\":\"/r\"}", "ns"));
    String b = DelegationIds.taskId(coder("{\"goal\":\"g\",\"repoRoot\":\"/r\"}", "ns"));

    assertThat(a).isEqualTo(b);
  }

  @Test
  void taskId_keyOrderAndNullFields_doNotMatter() {
    String plain =
        DelegationIds.taskId(
            coder(
                "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"config\":{\"testCmd\":\"t\",\"maxDiffLines\":5}}",
                null));
    String shuffled =
        DelegationIds.taskId(
            coder(
                "{\"config\":{\"maxDiffLines\":5,\"typecheckCmd\":null,\"testCmd\":\"t\"},"
                    + "\"contextHint\":null,\"repoRoot\":\"/r\",\"goal\":\"g\"}",
                null));

    assertThat(shuffled).isEqualTo(plain);
  }

  @Test
  void taskId_changedInput_isNew() {
    String base = DelegationIds.taskId(coder("{\"goal\":\"g\",\"repoRoot\":\"/r\"}", null));

    assertThat(DelegationIds.taskId(coder("{\"goal\":\"g2\",\"repoRoot\":\"/r\"}", null)))
        .isNotEqualTo(base);
    assertThat(DelegationIds.taskId(coder("{\"goal\":\"g\",\"repoRoot\":\"/r\"}", "ns")))
        .isNotEqualTo(base);
    assertThat(
            DelegationIds.taskId(
                coder(
                    "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"config\":{\"maxDiffLines\":9}}", null)))
        .isNotEqualTo(base);
  }

  @Test
  void taskId_sameArgsOtherProfile_hashesDifferently() {
    JsonNode args = Json.parse("{\"question\":\"q\",\"namespace\":\"n\"}");
    String research = DelegationIds.taskId(DelegationRequest.of("researcher", args, null));
    String code = DelegationIds.taskId(DelegationRequest.of("coder", args, null));

    assertThat(research).startsWith("dlg-researcher-");
    assertThat(hashOf(research)).isNotEqualTo(hashOf(code));
  }

  private static String hashOf(String taskId) {
    return taskId.substring(taskId.lastIndexOf('-') + 1);
  }

  @Test
  void taskId_timingKnobs_doNotChangeTheTask() {
    DelegationRequest r = coder("{\"goal\":\"g\",\"repoRoot\":\"/r\"}", null);

    assertThat(DelegationIds.taskId(r.withTiming(100L, 2_000L))).isEqualTo(DelegationIds.taskId(r));
  }

  @Test
  void sessionId_isDerivedFromTaskAndVariant() {
    assertThat(DelegationIds.sessionId("dlg-coder-0123456789abcdef", 2))
        .isEqualTo("dlg-coder-0123456789abcdef-v2");
  }
}
