package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.blob.InMemoryBlobStore;
import dev.tally.ledger.UsdSource;
import dev.tally.supervise.Failures;
import dev.tally.supervise.Toolsets;
import dev.tally.testkit.StderrTap;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code RouterChat} activity through a real Temporal test server and real loopback HTTP: the
 * production activity options decide retries, as they do in a run.
 */
class RouterChatActivityTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(ChatProbeWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final StubRouter stub = StubRouter.start();
  private final String key = "sk-test-" + UUID.randomUUID();
  private final InMemoryBlobStore blobs = new InMemoryBlobStore();
  private String taskQueue;

  @AfterEach
  void close() {
    stub.close();
  }

  private RouterConfig config(String driverModel, String workerModel) {
    return new RouterConfig(
        stub.baseUrl(), key, driverModel, workerModel, null, Duration.ofSeconds(10));
  }

  private void register(
      TestWorkflowEnvironment env, Worker worker, RouterConfig config, PriceCatalog catalog) {
    taskQueue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(
        new RouterChatActivitiesImpl(
            new OpenAiChatBackend(config.baseUrl(), config.apiKey(), config.requestTimeout()),
            new ConversationStore(blobs),
            catalog,
            config));
    env.start();
  }

  private void register(TestWorkflowEnvironment env, Worker worker) {
    register(env, worker, config("driver-default", "worker-default"), PriceCatalog.bundled());
  }

  private static ChatTurnRequest request(
      String role, String model, String ref, List<ChatMessage> append, boolean capped) {
    return new ChatTurnRequest("run-1", "run-1", 0, role, model, null, ref, append, null, capped);
  }

  private static ChatTurnRequest hello() {
    return request("worker", null, null, List.of(ChatMessage.user("hello")), false);
  }

  private ChatTurnReply chat(WorkflowClient client, String workflowId, ChatTurnRequest r) {
    ChatProbeWorkflow probe =
        client.newWorkflowStub(
            ChatProbeWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(taskQueue).build());
    return probe.chat(r);
  }

  /**
   * Every event of a workflow's history in protobuf text form, where payloads appear as their JSON
   * text (the JSON form would hide them in base64).
   */
  private static String historyText(WorkflowClient client, String workflowId) {
    StringBuilder b = new StringBuilder();
    client.fetchHistory(workflowId).getEvents().forEach(e -> b.append(e).append('\n'));
    return b.toString();
  }

  private static ApplicationFailure activityFailure(WorkflowFailedException e) {
    assertThat(e.getCause()).isInstanceOf(ActivityFailure.class);
    assertThat(e.getCause().getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) e.getCause().getCause();
  }

  @Test
  void completionEchoingTheKey_isRedactedInReplyHistoryAndStore(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);
    stub.then(
        200,
        StubRouter.completion(
            "your key is " + key,
            "[{\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"stop\","
                + "\"arguments\":\"{\\\"reason\\\":\\\"Bearer "
                + key
                + "\\\"}\"}}]",
            "{\"prompt_tokens\":3,\"completion_tokens\":4}"));

    ChatTurnReply reply = chat(client, "probe-redact", hello());

    assertThat(reply.content()).doesNotContain(key).contains("[redacted]");
    assertThat(reply.toolCalls().get(0).arguments().toString()).doesNotContain(key);
    assertThat(historyText(client, "probe-redact")).doesNotContain(key);
    assertThat(new ConversationStore(blobs).load(reply.conversationRef()).toString())
        .doesNotContain(key);
  }

  @Test
  void idempotencyKey_isStableAcrossRetriesOfOneCallAndDiffersBetweenCalls(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);
    stub.then(503, "{\"error\":{\"message\":\"overloaded\"}}");

    ChatTurnReply first = chat(client, "probe-a", hello());
    chat(client, "probe-b", hello());

    List<StubRouter.Received> calls = stub.received();
    assertThat(calls).hasSize(3);
    String retriedKey = calls.get(0).header("Idempotency-Key");
    assertThat(retriedKey).startsWith("probe-a/").isEqualTo(calls.get(1).header("Idempotency-Key"));
    assertThat(calls.get(2).header("Idempotency-Key"))
        .startsWith("probe-b/")
        .isNotEqualTo(retriedKey);
    assertThat(first.content()).isEqualTo("hello");
  }

  @Test
  void retryAfter_onTransientStatus_isHonouredAndTheCallSucceeds(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);
    stub.then(
        StubRouter.Canned.of(429, "{\"error\":\"slow down\"}").withHeader("Retry-After", "2"));
    stub.then(500, "");

    ChatTurnReply reply = chat(client, "probe-retry", hello());

    assertThat(stub.received()).hasSize(3);
    assertThat(reply.usage()).isEqualTo(new Usage(10, 5));
  }

  @Test
  void permanentFailure_isNotRetriedAndNeverCarriesTheKey(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);
    stub.then(200, StubRouter.PLAIN_COMPLETION);
    stub.then(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + key + "\"}}");

    WorkflowFailedException e;
    String history;
    String log;
    try (StderrTap err = new StderrTap()) {
      chat(client, "probe-ok", hello());
      e =
          catchThrowableOfType(
              WorkflowFailedException.class, () -> chat(client, "probe-401", hello()));
      history = historyText(client, "probe-401") + historyText(client, "probe-ok");
      log = err.text();
    }

    ApplicationFailure f = activityFailure(e);
    assertThat(f.getType()).isEqualTo(Failures.ROUTER_UNAUTHORIZED);
    assertThat(stub.received()).hasSize(2);
    // The key reached the router as a header, and nowhere else.
    assertThat(stub.received().get(1).header("Authorization")).isEqualTo("Bearer " + key);
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(t.getMessage()).doesNotContain(key);
    }
    assertThat(history).contains("HTTP 401").contains("hello").doesNotContain(key);
    assertThat(log).contains("router chat run=run-1").doesNotContain(key);
  }

  @Test
  void conversation_travelsByReference_backendSeesAllHistorySeesOnlyTheAppend(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);
    String systemPrompt = "A long system prompt that must not be copied into every turn's input.";
    stub.then(200, StubRouter.completion("first answer", null, null));
    stub.then(200, StubRouter.completion("second answer", null, null));

    ChatTurnReply one =
        chat(
            client,
            "turn-1",
            request(
                "worker",
                null,
                null,
                List.of(ChatMessage.system(systemPrompt), ChatMessage.user("question one")),
                false));
    ChatTurnReply two =
        chat(
            client,
            "turn-2",
            request(
                "worker",
                null,
                one.conversationRef(),
                List.of(ChatMessage.user("question two")),
                false));

    assertThat(stub.received().get(1).json().get("messages"))
        .extracting(m -> m.get("role").asText() + ":" + m.get("content").asText())
        .containsExactly(
            "system:" + systemPrompt,
            "user:question one",
            "assistant:first answer",
            "user:question two");
    assertThat(historyText(client, "turn-2"))
        .contains("question two")
        .doesNotContain(systemPrompt)
        .doesNotContain("first answer");
    List<ChatMessage> stored = new ConversationStore(blobs).load(two.conversationRef());
    assertThat(stored).hasSize(5);
    assertThat(stored.get(4)).isEqualTo(ChatMessage.assistant("second answer", null));
  }

  @Test
  void model_defaultsByRoleAndRequestOverrides(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);

    chat(client, "m-driver", request("driver", null, null, List.of(ChatMessage.user("a")), false));
    chat(client, "m-worker", request("worker", null, null, List.of(ChatMessage.user("a")), false));
    chat(
        client, "m-over", request("worker", "picked", null, List.of(ChatMessage.user("a")), false));

    assertThat(stub.received())
        .extracting(r -> r.json().get("model").asText())
        .containsExactly("driver-default", "worker-default", "picked");
  }

  @Test
  void model_noneConfigured_failsNotConfiguredNamingTheVariable(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker, config(null, null), PriceCatalog.bundled());

    WorkflowFailedException e =
        catchThrowableOfType(
            WorkflowFailedException.class,
            () ->
                chat(
                    client,
                    "no-model",
                    request("driver", null, null, List.of(ChatMessage.user("a")), false)));

    ApplicationFailure f = activityFailure(e);
    assertThat(f.getType()).isEqualTo(Failures.ROUTER_NOT_CONFIGURED);
    assertThat(f.getOriginalMessage()).contains("TALLY_DRIVER_MODEL");
    assertThat(stub.received()).isEmpty();
  }

  @Test
  void baseUrl_notConfigured_failsOnceNamingTheVariable(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    taskQueue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(
        RouterChatActivitiesImpl.create(
            RouterConfig.fromEnv(Map.of("TALLY_WORKER_MODEL", "m")), blobs));
    env.start();

    WorkflowFailedException e =
        catchThrowableOfType(WorkflowFailedException.class, () -> chat(client, "no-url", hello()));

    ApplicationFailure f = activityFailure(e);
    assertThat(f.getType()).isEqualTo(Failures.ROUTER_NOT_CONFIGURED);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("TALLY_ROUTER_BASE_URL");
  }

  @Test
  void toolset_coordination_isOfferedToTheModel(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);

    chat(
        client,
        "tools",
        new ChatTurnRequest(
            "run-1",
            "run-1",
            0,
            "driver",
            null,
            0.2,
            null,
            List.of(ChatMessage.user("coordinate")),
            Toolsets.COORDINATION,
            false));

    assertThat(stub.last().json().get("tools"))
        .extracting(t -> t.at("/function/name").asText())
        .containsExactly(
            Toolsets.SPAWN_WORKER,
            Toolsets.AWAIT_EVENT,
            Toolsets.OBSERVE_WORKER,
            Toolsets.STEER_WORKER,
            Toolsets.CANCEL_WORKER,
            Toolsets.STOP);
    assertThat(stub.last().json().get("temperature").asDouble()).isEqualTo(0.2);
  }

  @Test
  void cost_billedCatalogAndUnknown_areReportedWithTheirSource(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    PriceCatalog catalog =
        PriceCatalog.parse(
            "{\"version\":\"t\",\"models\":{\"priced\":{\"input\":1,\"output\":3}}}", "test");
    register(env, worker, config("d", "w"), catalog);
    String usage = "{\"prompt_tokens\":100,\"completion_tokens\":20";
    stub.then(200, StubRouter.completion("a", null, usage + ",\"cost\":0.5}"));
    stub.then(200, StubRouter.completion("b", null, usage + "}").replace("stub-model", "priced"));
    stub.then(200, StubRouter.completion("c", null, usage + "}"));

    ChatTurnReply billed = chat(client, "c-billed", hello());
    ChatTurnReply cataloged = chat(client, "c-catalog", hello());
    ChatTurnReply unknown = chat(client, "c-unknown", hello());

    assertThat(billed.usdSource()).isEqualTo(UsdSource.BILLED);
    assertThat(billed.costUsd()).isEqualByComparingTo("0.5");
    assertThat(cataloged.usdSource()).isEqualTo(UsdSource.CATALOG);
    // 100 * 1 + 20 * 3 = 160 micro-dollars.
    assertThat(cataloged.costUsd()).isEqualByComparingTo(new BigDecimal("0.000160"));
    assertThat(cataloged.model()).isEqualTo("priced");
    assertThat(unknown.usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(unknown.costUsd()).isNull();
    assertThat(unknown.usage()).isEqualTo(new Usage(100, 20));
  }

  @Test
  void unpricedModel_underDollarCap_failsOnceAsUnpricedModel(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);
    stub.then(
        200, StubRouter.completion("x", null, "{\"prompt_tokens\":1,\"completion_tokens\":1}"));

    WorkflowFailedException e =
        catchThrowableOfType(
            WorkflowFailedException.class,
            () ->
                chat(
                    client,
                    "unpriced",
                    request("worker", null, null, List.of(ChatMessage.user("a")), true)));

    ApplicationFailure f = activityFailure(e);
    assertThat(f.getType()).isEqualTo(Failures.UNPRICED_MODEL);
    assertThat(f.getOriginalMessage()).contains("stub-model").contains("TALLY_PRICE_CATALOG");
    assertThat(stub.received()).hasSize(1);
  }

  @Test
  void missingConversation_failsOnceAsConversationMissing(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    register(env, worker);
    String ref = "sha256:" + "ab".repeat(32);

    WorkflowFailedException e =
        catchThrowableOfType(
            WorkflowFailedException.class,
            () ->
                chat(
                    client,
                    "missing",
                    request("worker", null, ref, List.of(ChatMessage.user("a")), false)));

    ApplicationFailure f = activityFailure(e);
    assertThat(f.getType()).isEqualTo(Failures.CONVERSATION_MISSING);
    assertThat(f.getOriginalMessage()).contains(ref);
    assertThat(stub.received()).isEmpty();
  }
}
