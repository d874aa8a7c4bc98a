package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.supervise.Toolsets;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request the backend sends and how it reads a completion, over real loopback HTTP. */
class OpenAiChatBackendTest {
  private final StubRouter stub = StubRouter.start();
  private final String key = "sk-test-" + UUID.randomUUID();

  @AfterEach
  void close() {
    stub.close();
  }

  private OpenAiChatBackend backend(String apiKey) {
    return new OpenAiChatBackend(stub.baseUrl(), apiKey, Duration.ofSeconds(10));
  }

  private static ChatCall call(List<ChatMessage> messages, List<ToolSpec> tools, Double temp) {
    return new ChatCall("gpt-test", messages, tools, temp, "wf-1/run-1/7");
  }

  @Test
  void request_withToolsAndKey_sendsOpenAiShapeAndHeaders() {
    ToolCall earlier =
        new ToolCall("call_9", "spawn_worker", Json.parse("{\"profile\":\"chat\",\"task\":\"x\"}"));
    List<ChatMessage> messages =
        List.of(
            ChatMessage.system("be brief"),
            ChatMessage.user("do it"),
            ChatMessage.assistant("", List.of(earlier)),
            ChatMessage.tool("call_9", "spawn_worker", "{\"workerId\":\"r:s1\"}"));

    backend(key).complete(call(messages, Toolsets.named(Toolsets.COORDINATION), 0.3));

    StubRouter.Received r = stub.last();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v1/chat/completions");
    assertThat(r.header("Authorization")).isEqualTo("Bearer " + key);
    assertThat(r.header("Idempotency-Key")).isEqualTo("wf-1/run-1/7");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = r.json();
    assertThat(body.get("model").asText()).isEqualTo("gpt-test");
    assertThat(body.get("tool_choice").asText()).isEqualTo("auto");
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
    JsonNode tools = body.get("tools");
    assertThat(tools).hasSize(Toolsets.named(Toolsets.COORDINATION).size());
    assertThat(tools.get(0).get("type").asText()).isEqualTo("function");
    assertThat(tools.get(0).at("/function/name").asText()).isEqualTo("spawn_worker");
    assertThat(tools.get(0).at("/function/description").asText()).isNotBlank();
    assertThat(tools.get(0).at("/function/parameters/type").asText()).isEqualTo("object");
    JsonNode wire = body.get("messages");
    assertThat(wire).hasSize(4);
    assertThat(wire.get(0).get("role").asText()).isEqualTo("system");
    JsonNode assistant = wire.get(2);
    assertThat(assistant.get("content").isNull()).isTrue();
    JsonNode wireCall = assistant.get("tool_calls").get(0);
    assertThat(wireCall.get("id").asText()).isEqualTo("call_9");
    assertThat(wireCall.get("type").asText()).isEqualTo("function");
    assertThat(wireCall.at("/function/name").asText()).isEqualTo("spawn_worker");
    // Arguments travel as a JSON string, as the OpenAI format requires.
    assertThat(wireCall.at("/function/arguments").isTextual()).isTrue();
    assertThat(Json.parse(wireCall.at("/function/arguments").asText()))
        .isEqualTo(Json.parse("{\"profile\":\"chat\",\"task\":\"x\"}"));
    JsonNode tool = wire.get(3);
    assertThat(tool.get("role").asText()).isEqualTo("tool");
    assertThat(tool.get("tool_call_id").asText()).isEqualTo("call_9");
    assertThat(tool.get("content").asText()).isEqualTo("{\"workerId\":\"r:s1\"}");
  }

  @Test
  void request_withoutTools_omitsToolsAndToolChoice() {
    backend(key).complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    JsonNode body = stub.last().json();
    assertThat(body.has("tools")).isFalse();
    assertThat(body.has("tool_choice")).isFalse();
    assertThat(body.has("temperature")).isFalse();
  }

  @Test
  void request_withoutKey_sendsNoAuthorizationHeader() {
    backend(null).complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    assertThat(stub.last().header("Authorization")).isNull();
    assertThat(stub.last().header("Idempotency-Key")).isEqualTo("wf-1/run-1/7");
  }

  @Test
  void endpoint_baseWithTrailingSlash_postsToChatCompletions() {
    OpenAiChatBackend b = new OpenAiChatBackend(stub.baseUrl() + "/", null, Duration.ofSeconds(10));

    b.complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    assertThat(b.endpoint().toString()).isEqualTo(stub.baseUrl() + "/chat/completions");
    assertThat(stub.last().path()).isEqualTo("/v1/chat/completions");
  }

  @Test
  void parse_contentToolCallsAndUsage_areReturned() {
    stub.then(
        200,
        StubRouter.completion(
            null,
            "[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"spawn_worker\","
                + "\"arguments\":\"{\\\"profile\\\":\\\"chat\\\",\\\"task\\\":\\\"t\\\"}\"}},"
                + "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"await_event\","
                + "\"arguments\":\"{}\"}}]",
            "{\"prompt_tokens\":120,\"completion_tokens\":30,\"total_tokens\":150}"));

    ChatCompletion c =
        backend(key).complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    assertThat(c.content()).isEmpty();
    assertThat(c.toolCalls())
        .extracting(ToolCall::id, ToolCall::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("call_a", "spawn_worker"),
            org.assertj.core.groups.Tuple.tuple("call_b", "await_event"));
    assertThat(c.toolCalls().get(0).arguments().get("task").asText()).isEqualTo("t");
    assertThat(c.usage()).isEqualTo(new Usage(120, 30));
    assertThat(c.billedCostUsd()).isNull();
    assertThat(c.model()).isEqualTo("stub-model");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"{not json\"", // broken JSON text
        "\"[1,2]\"", // JSON, but not an object
        "\"\"", // empty
        "null" // absent
      })
  void parse_malformedToolArguments_becomeEmptyObject(String arguments) {
    stub.then(
        200,
        StubRouter.completion(
            "",
            "[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"stop\","
                + "\"arguments\":"
                + arguments
                + "}}]",
            null));

    ChatCompletion c =
        backend(key).complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    assertThat(c.toolCalls()).hasSize(1);
    assertThat(c.toolCalls().get(0).name()).isEqualTo("stop");
    assertThat(c.toolCalls().get(0).arguments()).isEqualTo(Json.CANONICAL.createObjectNode());
  }

  @Test
  void parse_missingUsage_hasNoUsage() {
    stub.then(200, StubRouter.completion("hi", null, null));

    ChatCompletion c =
        backend(key).complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    assertThat(c.usage()).isNull();
    assertThat(c.billedCostUsd()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"prompt_tokens\":10}",
        "{\"completion_tokens\":10}",
        "{\"prompt_tokens\":10,\"completion_tokens\":\"5\"}",
        "{\"prompt_tokens\":null,\"completion_tokens\":5}",
        "{\"prompt_tokens\":-1,\"completion_tokens\":5}",
        "\"lots\""
      })
  void parse_partialUsage_hasNoUsage(String usage) {
    stub.then(200, StubRouter.completion("hi", null, usage));

    ChatCompletion c =
        backend(key).complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    assertThat(c.usage()).isNull();
  }

  @Test
  void parse_usageCost_isBilledExactly() {
    stub.then(
        200,
        StubRouter.completion(
            "hi", null, "{\"prompt_tokens\":7,\"completion_tokens\":3,\"cost\":0.000123456789}"));

    ChatCompletion c =
        backend(key).complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    assertThat(c.usage()).isEqualTo(new Usage(7, 3));
    assertThat(c.billedCostUsd()).isEqualByComparingTo(new BigDecimal("0.000123456789"));
    assertThat(c.billedCostUsd().toPlainString()).isEqualTo("0.000123456789");
  }

  @Test
  void parse_missingModel_fallsBackToRequestedModel() {
    stub.then(200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}");

    ChatCompletion c =
        backend(key).complete(call(List.of(ChatMessage.user("hi")), List.of(), null));

    assertThat(c.model()).isEqualTo("gpt-test");
    assertThat(c.content()).isEqualTo("ok");
  }
}
