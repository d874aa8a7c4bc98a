package dev.tally.router;

import dev.tally.blob.BlobStore;
import dev.tally.supervise.Failures;
import dev.tally.supervise.Toolsets;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code RouterChat} activity: loads the conversation by reference, appends the new messages,
 * calls the model, stores the new messages and the reply as the conversation's next segment, and
 * prices the call.
 *
 * <p>Only the appended messages and the reply pass through workflow history; the conversation
 * itself lives in the blob store, so each turn adds a bounded number of bytes to history however
 * long the conversation has grown.
 */
public final class RouterChatActivitiesImpl implements RouterChatActivities {
  private static final Logger log = LoggerFactory.getLogger(RouterChatActivitiesImpl.class);

  private final ChatBackend backend;
  private final ConversationStore conversations;
  private final PriceCatalog catalog;
  private final RouterConfig config;
  private final CompletionRedactor redactor;

  public RouterChatActivitiesImpl(
      ChatBackend backend,
      ConversationStore conversations,
      PriceCatalog catalog,
      RouterConfig config) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.conversations = Objects.requireNonNull(conversations, "conversations");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.config = Objects.requireNonNull(config, "config");
    this.redactor = new CompletionRedactor(config.apiKey());
  }

  /**
   * The production wiring: an {@link OpenAiChatBackend} for {@code config}, conversations in {@code
   * blobs}, and the bundled price catalog under the configured override file.
   */
  public static RouterChatActivitiesImpl create(RouterConfig config, BlobStore blobs) {
    Objects.requireNonNull(config, "config");
    ChatBackend backend =
        config.configured()
            ? new OpenAiChatBackend(config.baseUrl(), config.apiKey(), config.requestTimeout())
            : call -> {
              throw notConfigured(
                  RouterConfig.BASE_URL_ENV
                      + " is not set on this worker: set it to an OpenAI-compatible base URL"
                      + " ending in /v1");
            };
    return new RouterChatActivitiesImpl(
        backend,
        new ConversationStore(blobs),
        PriceCatalog.load(config.priceCatalogPath()),
        config);
  }

  /**
   * What the model is sent: the conversation, with a driver's budget line after the last message
   * (its newest tool result or its task), where the model reads it last and a provider's prompt
   * cache keeps everything before it. The line is never stored: the next turn carries a fresh one.
   */
  /** What the budget line adds to the request's size, as the estimate measures messages. */
  private static long budgetLineBytes(List<ChatMessage> before, List<ChatMessage> after) {
    if (before == after || before.isEmpty()) {
      return 0;
    }
    int last = before.size() - 1;
    return InputEstimate.messageBytes(List.of(after.get(last)))
        - InputEstimate.messageBytes(List.of(before.get(last)));
  }

  static List<ChatMessage> withBudgetLine(List<ChatMessage> conversation, String line) {
    if (line == null || line.isBlank() || conversation.isEmpty()) {
      return conversation;
    }
    List<ChatMessage> sent = new ArrayList<>(conversation);
    int last = sent.size() - 1;
    sent.set(last, sent.get(last).followedBy(line));
    return sent;
  }

  @Override
  public ChatTurnReply routerChat(ChatTurnRequest request) {
    Objects.requireNonNull(request, "request");
    ActivityExecutionContext context = Activity.getExecutionContext();
    AttemptLog attempts = new AttemptLog(context);
    String model;
    List<ToolSpec> tools;
    List<ChatMessage> conversation;
    List<ChatMessage> sent;
    Long maxTokens;
    try {
      model = model(request);
      tools = tools(request.toolset());
      ConversationStore.Loaded loaded = conversations.loadMeasured(request.conversationRef());
      conversation = new ArrayList<>(loaded.messages());
      conversation.addAll(request.append());
      List<ChatMessage> window =
          ChatTurnRequest.DRIVER.equals(request.role())
              ? DriverWindow.of(conversation)
              : conversation;
      sent = withBudgetLine(window, request.budgetLine());
      long sentBytes =
          window == conversation
              ? loaded.estimateBytes() + InputEstimate.messageBytes(request.append())
              : InputEstimate.messageBytes(window);
      maxTokens =
          CallAdmission.maxTokens(
              request,
              sentBytes + budgetLineBytes(window, sent),
              sent.size(),
              tools,
              catalog.price(model));
    } catch (RuntimeException e) {
      // Nothing was sent: a retry (a store that was unreachable) must not count this attempt.
      attempts.notSent();
      throw e;
    }
    String key = idempotencyKey();

    ChatCompletion answered =
        attempts.send(
            model,
            () ->
                backend.complete(
                    new ChatCall(model, sent, tools, request.temperature(), key, maxTokens)),
            this::receiptOf);
    ChatCompletion completion = redactor.redact(answered);

    TurnCost cost =
        catalog.cost(
            completion.model(),
            model,
            completion.usage(),
            completion.billedCostUsd(),
            request.usdCapped());
    ChatMessage reply =
        ChatMessage.assistant(
            completion.content(), completion.toolCalls().isEmpty() ? null : completion.toolCalls());
    conversation.add(reply);
    // Only this turn's messages are stored, linked to the conversation so far.
    List<ChatMessage> added = new ArrayList<>(request.append());
    added.add(reply);
    String workflowId = Activity.getExecutionContext().getInfo().getWorkflowId();
    String ref =
        storeAfterBilledCall(
            () -> conversations.append(workflowId, request.conversationRef(), added),
            completion,
            cost,
            attempts.unreceipted());
    Usage usage = completion.usage();
    log.info(
        "router chat run={} node={} turn={} model={} messages={} toolCalls={} tokens={} usd={} ({})",
        request.runId(),
        request.nodeId(),
        request.turn(),
        completion.model(),
        conversation.size(),
        completion.toolCalls().size(),
        usage == null ? "unknown" : usage.inputTokens() + "+" + usage.outputTokens(),
        cost.usd() == null ? "unknown" : cost.usd().toPlainString(),
        cost.source());
    return new ChatTurnReply(
        ref,
        completion.content(),
        completion.toolCalls(),
        usage,
        cost.usd(),
        cost.source(),
        completion.model(),
        attempts.unreceipted() == 0 ? null : attempts.unreceipted());
  }

  /**
   * Stores the conversation after a call the router has answered (and billed). A failure here is
   * not retried: a retry would send and pay for the same call again. It carries the call's receipt
   * so the workflow meters it.
   */
  private String storeAfterBilledCall(
      java.util.function.Supplier<String> store,
      ChatCompletion completion,
      TurnCost cost,
      int unreceipted) {
    try {
      return store.get();
    } catch (RuntimeException e) {
      AttemptReceipt receipt =
          new AttemptReceipt(
              completion.model(), completion.usage(), cost.usd(), cost.source(), unreceipted);
      throw ApplicationFailure.newBuilder()
          .setType(Failures.CONVERSATION_STORE_FAILED)
          .setMessage(
              "the router answered (and billed) but the conversation could not be stored: "
                  + (e instanceof ApplicationFailure typed
                      ? typed.getType() + " " + typed.getOriginalMessage()
                      : e.getClass().getSimpleName()
                          + (e.getMessage() == null ? "" : " " + e.getMessage()))
                  + "; not retried, so the call is not paid for twice. Fix the blob store"
                  + " (TALLY_DATA_DIR or the S3 settings) and start the run again.")
          .setNonRetryable(true)
          .setDetails(completion.model(), completion.usage(), receipt)
          .build();
    }
  }

  /** The receipt a failed, possibly billed call carries: its usage and price when known. */
  private AttemptReceipt receiptOf(
      String model, Usage usage, java.math.BigDecimal billed, int unreceipted) {
    TurnCost cost;
    try {
      cost = catalog.cost(model, model, usage, billed, false);
    } catch (ApplicationFailure e) {
      cost = TurnCost.UNKNOWN;
    }
    return new AttemptReceipt(model, usage, cost.usd(), cost.source(), unreceipted);
  }

  private String model(ChatTurnRequest request) {
    if (request.model() != null && !request.model().isBlank()) {
      return request.model();
    }
    String fallback = config.defaultModel(request.role());
    if (fallback == null) {
      boolean driver = ChatTurnRequest.DRIVER.equals(request.role());
      throw notConfigured(
          "no model for a "
              + request.role()
              + " turn: set "
              + (driver ? RouterConfig.DRIVER_MODEL_ENV : RouterConfig.WORKER_MODEL_ENV)
              + " on the worker or "
              + (driver ? "driver.model" : "driver.workerModel")
              + " in the RunRequest");
    }
    return fallback;
  }

  private static List<ToolSpec> tools(String toolset) {
    try {
      return Toolsets.named(toolset);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newBuilder()
          .setType(Failures.ROUTER_BAD_REQUEST)
          .setMessage(e.getMessage())
          .setNonRetryable(true)
          .build();
    }
  }

  /**
   * A key that is the same for every attempt of one activity and different for every other call:
   * the activity id is only unique within a run, and a continued-as-new run reuses the workflow id,
   * so the run id is part of the key.
   */
  private static String idempotencyKey() {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    return info.getWorkflowId() + "/" + info.getWorkflowRunId() + "/" + info.getActivityId();
  }

  private static ApplicationFailure notConfigured(String message) {
    return ApplicationFailure.newBuilder()
        .setType(Failures.ROUTER_NOT_CONFIGURED)
        .setMessage(message)
        .setNonRetryable(true)
        .build();
  }
}
