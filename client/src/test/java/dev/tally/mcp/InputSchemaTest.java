package dev.tally.mcp;

import static dev.tally.mcp.InputSchema.Field.optional;
import static dev.tally.mcp.InputSchema.Field.required;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputSchemaTest {
  private final InputSchema schema =
      InputSchema.of(
          required("goal", InputSchema.text(), "what to do"),
          optional("variants", InputSchema.integer(1, 8), "how many"),
          optional(
              "config",
              InputSchema.object(
                  optional("maxDiffLines", InputSchema.integer(1, Long.MAX_VALUE), "n")),
              "checks"));

  @Test
  void json_strictObject_listsRequiredRangesAndNestedStrictness() {
    Map<String, Object> json = schema.json();

    assertThat(json).containsEntry("additionalProperties", false);
    assertThat(json.get("required")).isEqualTo(List.of("goal"));
    assertThat(Json.CANONICAL.valueToTree(json).at("/properties/variants").toString())
        .isEqualTo(
            "{\"description\":\"how many\",\"maximum\":8,\"minimum\":1,\"type\":\"integer\"}");
    assertThat(
            Json.CANONICAL
                .valueToTree(json)
                .at("/properties/config/additionalProperties")
                .asBoolean())
        .isFalse();
    assertThat(
            Json.CANONICAL
                .valueToTree(json)
                .at("/properties/config/properties/maxDiffLines")
                .has("maximum"))
        .isFalse();
  }

  @Test
  void problems_everyProblemAtOnce_withFieldExpectedAndGot() {
    List<Problem> problems =
        schema.problems(
            Json.parse("{\"variants\":9,\"extra\":true,\"config\":{\"maxDiffLines\":0}}"));

    assertThat(problems)
        .containsExactlyInAnyOrder(
            new Problem(
                "extra", "no such field (allowed: goal, variants, config)", "true (a boolean)"),
            new Problem("goal", "a non-blank string (required)", "nothing"),
            new Problem("variants", "an integer in 1..8", "9 (a number)"),
            new Problem("config.maxDiffLines", "an integer >= 1", "0 (a number)"));
  }

  @Test
  void problems_integralDoubleAndValidInput_accepted() {
    assertThat(schema.problems(Json.parse("{\"goal\":\"g\",\"variants\":2.0}"))).isEmpty();
  }

  @Test
  void fromRule_workflowRuleText_splitsIntoFieldExpectedGotWithoutArgsPrefix() {
    assertThat(Problem.fromRule("args.repoRoot: expected an absolute path, got \"x\" (a string)"))
        .isEqualTo(new Problem("repoRoot", "an absolute path", "\"x\" (a string)"));
  }
}
