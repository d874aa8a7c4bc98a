package dev.tally.router.scripted;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.UsdSource;
import dev.tally.router.ChatCall;
import dev.tally.router.ChatCompletion;
import dev.tally.router.ChatMessage;
import dev.tally.router.OpenAiChatBackend;
import dev.tally.router.PriceCatalog;
import dev.tally.router.ToolCall;
import dev.tally.router.ToolSpec;
import dev.tally.router.TurnCost;
import dev.tally.router.Usage;
import dev.tally.supervise.Toolsets;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scripted router over real loopback HTTP, read by the production client. */
class ScriptedRouterTest {
  private static final List<ToolSpec> TOOLS = Toolsets.named(Toolsets.COORDINATION);
  private static final String TASK = "Write a haiku about double-entry ledgers";

  private ScriptedRouter router;
  private final List<ChatCompletion> parsed = new ArrayList<>();
  private int calls;

  @AfterEach
  void close() {
    if (router != null) {
      router.close();
    }
  }

  private OpenAiChatBackend backend() {
    return new OpenAiChatBackend(router.baseUrl(), null, Duration.ofSeconds(10));
  }

  private ChatCompletion call(List<ChatMessage> conversation, List<ToolSpec> tools) {
    ChatCompletion c =
        backend()
            .complete(
                new ChatCall(ScriptedRouter.MODEL, conversation, tools, null, "key-" + calls++));
    parsed.add(c);
    return c;
  }

  /** A driver turn: sends the conversation, appends the reply, returns it. */
  private ChatCompletion driverTurn(List<ChatMessage> conversation) {
    ChatCompletion c = call(conversation, TOOLS);
    conversation.add(
        ChatMessage.assistant(c.content(), c.toolCalls().isEmpty() ? null : c.toolCalls()));
    return c;
  }

  private static void answer(List<ChatMessage> conversation, ToolCall call, String result) {
    conversation.add(ChatMessage.tool(call.id(), call.name(), result));
  }

  private static String settled(int worker) {
    return "{\"outRef\":\"sha256:00\",\"score\":1.0,\"status\":\"done\",\"type\":\"settled\","
        + "\"valid\":true,\"workerId\":\"run:s"
        + worker
        + "\"}";
  }

  private static List<ChatMessage> newDriverConversation() {
    List<ChatMessage> conversation = new ArrayList<>();
    conversation.add(ChatMessage.system("You coordinate workers."));
    conversation.add(ChatMessage.user(TASK));
    return conversation;
  }

  @Test
  void driver_playsSpawnAwaitStop_andSaysItIsScripted() {
    router = ScriptedRouter.start(0, 3);
    List<ChatMessage> conversation = newDriverConversation();

    ChatCompletion spawn = driverTurn(conversation);
    assertThat(spawn.toolCalls()).hasSize(3).allMatch(c -> c.name().equals("spawn_worker"));
    assertThat(spawn.toolCalls())
        .extracting(c -> c.arguments().get("label").asText())
        .containsExactly("w1", "w2", "w3");
    assertThat(spawn.toolCalls())
        .allMatch(c -> c.arguments().get("profile").asText().equals("chat"));
    Set<String> tasks = new HashSet<>();
    spawn.toolCalls().forEach(c -> tasks.add(c.arguments().get("task").asText()));
    assertThat(tasks).hasSize(3).allMatch(t -> t.contains(TASK));
    for (int i = 0; i < 3; i++) {
      answer(conversation, spawn.toolCalls().get(i), "{\"workerId\":\"run:s" + (i + 1) + "\"}");
    }

    for (int settledSoFar = 0; settledSoFar < 3; settledSoFar++) {
      ChatCompletion await = driverTurn(conversation);
      assertThat(await.toolCalls()).extracting(ToolCall::name).containsExactly("await_event");
      answer(conversation, await.toolCalls().get(0), settled(settledSoFar + 1));
    }

    ChatCompletion stop = driverTurn(conversation);
    assertThat(stop.toolCalls()).extracting(ToolCall::name).containsExactly("stop");
    answer(conversation, stop.toolCalls().get(0), "{\"stopped\":true}");

    ChatCompletion last = driverTurn(conversation);
    assertThat(last.toolCalls()).isEmpty();
    assertThat(parsed).allMatch(c -> c.content().startsWith(ScriptedRouter.PREFIX));
    assertThat(parsed).allMatch(c -> c.model().equals(ScriptedRouter.MODEL));
    assertThat(last.content()).contains("scripted");
  }

  @Test
  void driver_pendingAwaitResult_keepsAwaiting() {
    router = ScriptedRouter.start(0, 1);
    List<ChatMessage> conversation = newDriverConversation();
    ChatCompletion spawn = driverTurn(conversation);
    answer(conversation, spawn.toolCalls().get(0), "{\"workerId\":\"run:s1\"}");

    ChatCompletion first = driverTurn(conversation);
    answer(conversation, first.toolCalls().get(0), "{\"live\":[],\"pending\":true}");
    ChatCompletion second = driverTurn(conversation);

    assertThat(second.toolCalls()).extracting(ToolCall::name).containsExactly("await_event");
  }

  @Test
  void driver_refusedSpawnAndIdle_isNotAwaitedForever() {
    router = ScriptedRouter.start(0, 2);
    List<ChatMessage> conversation = newDriverConversation();
    ChatCompletion spawn = driverTurn(conversation);
    answer(conversation, spawn.toolCalls().get(0), "{\"workerId\":\"run:s1\"}");
    answer(conversation, spawn.toolCalls().get(1), "{\"error\":\"budget-exhausted\"}");

    ChatCompletion await = driverTurn(conversation);
    answer(conversation, await.toolCalls().get(0), settled(1));
    ChatCompletion next = driverTurn(conversation);

    assertThat(next.toolCalls()).extracting(ToolCall::name).containsExactly("stop");
  }

  @Test
  void driver_minAwaitsAndFiller_shapeALongRunOfSizedTurns() {
    router = ScriptedRouter.start(0, new ScriptedRouter.Options(0, 3, 2048));
    List<ChatMessage> conversation = newDriverConversation();

    List<String> names = new ArrayList<>();
    for (int turn = 0; turn < 4; turn++) {
      ChatCompletion c = driverTurn(conversation);
      assertThat(c.content()).hasSize(2048).startsWith(ScriptedRouter.PREFIX);
      names.add(c.toolCalls().get(0).name());
      answer(conversation, c.toolCalls().get(0), "{\"idle\":true}");
    }

    assertThat(names).containsExactly("await_event", "await_event", "await_event", "stop");
  }

  @Test
  void worker_withoutTools_getsADeterministicScriptedAnswerAboutItsTask() {
    router = ScriptedRouter.start(0, 3);
    List<ChatMessage> conversation =
        List.of(
            ChatMessage.system("You are a worker."), ChatMessage.user("Part 2 of 3 of: " + TASK));

    ChatCompletion a = call(conversation, List.of());
    ChatCompletion b = call(conversation, List.of());

    assertThat(a.toolCalls()).isEmpty();
    assertThat(a.content())
        .startsWith(ScriptedRouter.PREFIX + " This answer is scripted")
        .contains("Part 2 of 3 of: " + TASK);
    assertThat(b.content()).isEqualTo(a.content());
  }

  @Test
  void usage_isCountedFromTheMessageText() {
    router = ScriptedRouter.start(0, 3);
    // 7 + 13 = 20 characters of prompt: 5 tokens.
    List<ChatMessage> conversation =
        List.of(ChatMessage.system("1234567"), ChatMessage.user("abcdefghijklm"));

    ChatCompletion c = call(conversation, List.of());

    long completionTokens = (c.content().length() + 3) / 4;
    assertThat(c.usage()).isEqualTo(new Usage(5, completionTokens));
    assertThat(c.billedCostUsd())
        .isEqualByComparingTo(
            new BigDecimal("0.50")
                .multiply(BigDecimal.valueOf(5))
                .add(new BigDecimal("1.50").multiply(BigDecimal.valueOf(completionTokens)))
                .divide(BigDecimal.valueOf(1_000_000)));
  }

  @Test
  void billed_totalsEqualWhatTheClientParsed_andPriceAsBilled() {
    router = ScriptedRouter.start(0, 2);
    List<ChatMessage> conversation = newDriverConversation();
    ChatCompletion spawn = driverTurn(conversation);
    for (ToolCall c : spawn.toolCalls()) {
      call(List.of(ChatMessage.user(c.arguments().get("task").asText())), List.of());
      answer(conversation, c, "{\"workerId\":\"run:s" + c.id() + "\"}");
    }
    driverTurn(conversation);

    long in = 0;
    long out = 0;
    BigDecimal usd = BigDecimal.ZERO;
    PriceCatalog catalog = PriceCatalog.bundled();
    for (ChatCompletion c : parsed) {
      in += c.usage().inputTokens();
      out += c.usage().outputTokens();
      TurnCost cost = catalog.cost(c.model(), c.model(), c.usage(), c.billedCostUsd(), true);
      assertThat(cost.source()).isEqualTo(UsdSource.BILLED);
      usd = usd.add(cost.usd());
    }
    BilledTotals totals = router.totals();
    assertThat(totals.calls()).isEqualTo(parsed.size()).isEqualTo(4);
    assertThat(totals.promptTokens()).isEqualTo(in);
    assertThat(totals.completionTokens()).isEqualTo(out);
    assertThat(totals.costUsd()).isEqualByComparingTo(usd);
    assertThat(router.billed())
        .extracting(BilledCall::role)
        .containsExactly("driver", "worker", "worker", "driver");
  }

  @Test
  void idempotencyKey_repeated_getsTheSameAnswerBilledOnce() {
    router = ScriptedRouter.start(0, 3);
    ChatCall same =
        new ChatCall(
            ScriptedRouter.MODEL, List.of(ChatMessage.user("hi")), List.of(), null, "run/1/7");

    ChatCompletion first = backend().complete(same);
    ChatCompletion again = backend().complete(same);

    assertThat(again).isEqualTo(first);
    assertThat(router.billed()).hasSize(1);
    assertThat(router.billed().get(0).idempotencyKey()).isEqualTo("run/1/7");
  }

  @Test
  void http_wrongPathOrBadBody_getsOpenAiStyleErrors() throws IOException, InterruptedException {
    router = ScriptedRouter.start(0, 1);
    HttpClient http = HttpClient.newHttpClient();
    String root = router.baseUrl().replace("/v1", "");

    HttpResponse<String> wrongPath =
        http.send(
            HttpRequest.newBuilder(URI.create(root + "/v1/models")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> badBody =
        http.send(
            HttpRequest.newBuilder(URI.create(router.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{nope"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(wrongPath.statusCode()).isEqualTo(404);
    assertThat(badBody.statusCode()).isEqualTo(400);
    assertThat(badBody.body()).contains("\"error\"").contains(ScriptedRouter.PREFIX);
    assertThat(router.billed()).isEmpty();
  }

  @Test
  void baseUrl_isLoopbackEndingInV1() {
    router = ScriptedRouter.start(0, 1);

    assertThat(router.baseUrl()).startsWith("http://127.0.0.1:").endsWith("/v1");
    assertThat(router.config().baseUrl()).isEqualTo(router.baseUrl());
    assertThat(router.config().defaultModel("driver")).isEqualTo(ScriptedRouter.MODEL);
  }
}
