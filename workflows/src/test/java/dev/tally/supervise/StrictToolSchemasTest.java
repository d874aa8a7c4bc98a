package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tally.json.Json;
import dev.tally.router.ToolSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The coordination tools' schemas any OpenAI-compatible router accepts: each one validates against
 * a meta-schema of strict function calling's rules (closed objects, only the keywords that mode
 * knows), every object lists all its properties as required, and the calls a model makes validate
 * against the tools' own schemas, checked with a JSON Schema validator.
 */
class StrictToolSchemasTest {
  /** What strict mode allows in a schema, as a JSON Schema over schemas. */
  private static final String STRICT_META_SCHEMA =
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
          + "\"$ref\":\"#/$defs/object\","
          + "\"$defs\":{"
          + "\"object\":{\"type\":\"object\",\"required\":[\"type\",\"properties\",\"required\","
          + "\"additionalProperties\"],\"properties\":{\"type\":{\"const\":\"object\"},"
          + "\"description\":{\"type\":\"string\"},"
          + "\"properties\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#/$defs/any\"}},"
          + "\"required\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
          + "\"additionalProperties\":{\"const\":false}},\"additionalProperties\":false},"
          + "\"any\":{\"anyOf\":[{\"$ref\":\"#/$defs/object\"},{\"$ref\":\"#/$defs/leaf\"},"
          + "{\"$ref\":\"#/$defs/union\"}]},"
          + "\"union\":{\"type\":\"object\",\"required\":[\"anyOf\"],\"properties\":{"
          + "\"anyOf\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/any\"}},"
          + "\"description\":{\"type\":\"string\"}},\"additionalProperties\":false},"
          + "\"leaf\":{\"type\":\"object\",\"required\":[\"type\"],\"properties\":{"
          + "\"type\":{\"anyOf\":[{\"$ref\":\"#/$defs/typeName\"},{\"type\":\"array\","
          + "\"items\":{\"$ref\":\"#/$defs/typeName\"}}]},"
          + "\"description\":{\"type\":\"string\"},"
          + "\"enum\":{\"type\":\"array\"},"
          + "\"items\":{\"$ref\":\"#/$defs/any\"}},\"additionalProperties\":false},"
          + "\"typeName\":{\"enum\":[\"string\",\"number\",\"integer\",\"boolean\",\"array\","
          + "\"null\"]}}}";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private static List<ToolSpec> tools() {
    return Toolsets.named(Toolsets.COORDINATION);
  }

  @Test
  void everyToolSchema_followsStrictFunctionCallingRules() {
    Schema strict = REGISTRY.getSchema(STRICT_META_SCHEMA);
    for (ToolSpec tool : tools()) {
      List<Error> errors = strict.validate(tool.parameters());
      assertThat(errors).as(tool.name() + " " + tool.parameters()).isEmpty();
      assertEveryObjectRequiresAllItsProperties(tool.name(), tool.parameters());
    }
  }

  @Test
  void metaSchema_rejectsWhatStrictModeRejects() {
    Schema strict = REGISTRY.getSchema(STRICT_META_SCHEMA);

    assertThat(strict.validate(Json.parse("{\"type\":\"object\",\"properties\":{}}")))
        .as("an object left open")
        .isNotEmpty();
    assertThat(
            strict.validate(
                Json.parse(
                    "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\","
                        + "\"minimum\":0}},\"required\":[\"n\"],\"additionalProperties\":false}")))
        .as("a keyword strict mode does not know")
        .isNotEmpty();
    assertThat(
            strict.validate(
                Json.parse(
                    "{\"type\":\"object\",\"properties\":{\"task\":{\"description\":\"x\"}},"
                        + "\"required\":[\"task\"],\"additionalProperties\":false}")))
        .as("a property without a type")
        .isNotEmpty();
  }

  @Test
  void callsAModelMakes_validateAgainstTheToolSchemas() {
    assertValid(
        Toolsets.SPAWN_WORKER,
        "{\"profile\":\"chat\",\"task\":\"answer\",\"label\":null,\"budget\":null}");
    assertValid(
        Toolsets.SPAWN_WORKER,
        "{\"profile\":\"driver\",\"task\":\"sub-goal\",\"label\":\"d\",\"budget\":"
            + "{\"maxIterations\":2,\"maxTokens\":20000,\"maxUsd\":null,\"deadlineMs\":null}}");
    assertValid(
        Toolsets.SPAWN_WORKER,
        "{\"profile\":\"sandbox\",\"task\":\"{\\\"profile\\\":\\\"coder\\\",\\\"args\\\":{}}\","
            + "\"label\":null,\"budget\":null}");
    assertValid(Toolsets.AWAIT_EVENT, "{\"kinds\":null}");
    assertValid(Toolsets.STOP, "{\"reason\":null,\"winner\":\"run-1:s2\"}");
    assertValid(Toolsets.CANCEL_WORKER, "{\"workerId\":\"run-1:s1\",\"reason\":null}");
    assertInvalid(Toolsets.SPAWN_WORKER, "{\"profile\":\"poet\",\"task\":\"x\"}");
    assertInvalid(Toolsets.STOP, "{\"reason\":null,\"winner\":null,\"extra\":1}");
  }

  private static void assertValid(String tool, String arguments) {
    assertThat(schemaOf(tool).validate(Json.parse(arguments))).as(arguments).isEmpty();
  }

  private static void assertInvalid(String tool, String arguments) {
    assertThat(schemaOf(tool).validate(Json.parse(arguments))).as(arguments).isNotEmpty();
  }

  private static Schema schemaOf(String tool) {
    return REGISTRY.getSchema(
        tools().stream().filter(t -> t.name().equals(tool)).findFirst().orElseThrow().parameters());
  }

  /** Strict mode's rule that a schema cannot say: every property of an object is required. */
  private static void assertEveryObjectRequiresAllItsProperties(String where, JsonNode schema) {
    if (schema.has("properties")) {
      Set<String> names = new TreeSet<>();
      schema.path("properties").fieldNames().forEachRemaining(names::add);
      Set<String> required = new TreeSet<>();
      schema.path("required").forEach(r -> required.add(r.asText()));
      assertThat(required).as(where + " required").isEqualTo(names);
    }
    List<JsonNode> children = new ArrayList<>();
    schema.path("properties").forEach(children::add);
    schema.path("anyOf").forEach(children::add);
    if (schema.has("items")) {
      children.add(schema.get("items"));
    }
    for (Iterator<JsonNode> it = children.iterator(); it.hasNext(); ) {
      assertEveryObjectRequiresAllItsProperties(where, it.next());
    }
  }
}
