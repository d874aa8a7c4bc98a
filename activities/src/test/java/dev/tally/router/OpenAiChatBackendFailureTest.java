package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.supervise.Failures;
import io.temporal.failure.ApplicationFailure;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How the backend classifies every way a router call can fail, over real loopback HTTP. */
class OpenAiChatBackendFailureTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private final StubRouter stub = StubRouter.start();
  private final String key = "sk-test-" + UUID.randomUUID();

  @AfterEach
  void close() {
    stub.close();
  }

  private ApplicationFailure failureOf(Duration timeout) {
    OpenAiChatBackend backend =
        new OpenAiChatBackend(stub.baseUrl(), key, timeout, Clock.fixed(NOW, ZoneOffset.UTC));
    ApplicationFailure f =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                backend.complete(
                    new ChatCall(
                        "gpt-test", List.of(ChatMessage.user("hi")), List.of(), null, "k-1")));
    assertThat(f).as("the call should have failed").isNotNull();
    return f;
  }

  private ApplicationFailure failureOf() {
    return failureOf(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 409, 425, 429, 500, 502, 503, 504})
  void status_transient_isRetryable(int status) {
    stub.then(status, "{\"error\":{\"message\":\"try later\"}}");

    ApplicationFailure f = failureOf();

    assertThat(f.getType()).isEqualTo(Failures.ROUTER_TRANSIENT);
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(Failures.ROUTER_NON_RETRYABLE).doesNotContain(f.getType());
    assertThat(f.getOriginalMessage()).contains("HTTP " + status).contains("try later");
    assertThat(f.getNextRetryDelay()).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "400, RouterBadRequest",
    "422, RouterBadRequest",
    "401, RouterUnauthorized",
    "403, RouterUnauthorized",
    "404, RouterNotFound",
    "402, RouterQuotaExhausted",
    "405, RouterBadRequest"
  })
  void status_permanent_isNonRetryableWithType(int status, String type) {
    stub.then(status, "{\"error\":{\"message\":\"nope\"}}");

    ApplicationFailure f = failureOf();

    assertThat(f.getType()).isEqualTo(type);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(Failures.ROUTER_NON_RETRYABLE).contains(f.getType());
    assertThat(f.getOriginalMessage()).contains("HTTP " + status).contains("nope");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"error\":{\"code\":\"insufficient_quota\",\"message\":\"You exceeded your current quota\"}}",
        "{\"error\":{\"message\":\"Insufficient credits to run this model\"}}"
      })
  void status429_quotaBody_isQuotaExhaustedNonRetryable(String body) {
    stub.then(StubRouter.Canned.of(429, body).withHeader("Retry-After", "5"));

    ApplicationFailure f = failureOf();

    assertThat(f.getType()).isEqualTo(Failures.ROUTER_QUOTA_EXHAUSTED);
    assertThat(f.isNonRetryable()).isTrue();
  }

  @Test
  void retryAfterSeconds_becomesNextRetryDelay() {
    stub.then(StubRouter.Canned.of(429, "{}").withHeader("Retry-After", "7"));

    ApplicationFailure f = failureOf();

    assertThat(f.getType()).isEqualTo(Failures.ROUTER_TRANSIENT);
    assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterHttpDate_becomesNextRetryDelayFromNow() {
    String at =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(NOW.plusSeconds(90), ZoneOffset.UTC));
    stub.then(StubRouter.Canned.of(503, "busy").withHeader("Retry-After", at));

    ApplicationFailure f = failureOf();

    assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void readTimeout_isRetryableRouterTimeout() {
    stub.thenHang();

    ApplicationFailure f = failureOf(Duration.ofMillis(300));

    assertThat(f.getType()).isEqualTo(Failures.ROUTER_TIMEOUT);
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(Failures.ROUTER_NON_RETRYABLE).doesNotContain(Failures.ROUTER_TIMEOUT);
    assertThat(f.getOriginalMessage()).contains("300 ms");
  }

  @Test
  void connectionRefused_isRetryableTransient() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OpenAiChatBackend backend =
        new OpenAiChatBackend("http://127.0.0.1:" + port + "/v1", key, Duration.ofSeconds(5));

    ApplicationFailure f =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                backend.complete(
                    new ChatCall("m", List.of(ChatMessage.user("hi")), List.of(), null, "k")));

    assertThat(f.getType()).isEqualTo(Failures.ROUTER_TRANSIENT);
    assertThat(f.isNonRetryable()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "<html>gateway says hi</html>",
        "{\"object\":\"list\",\"data\":[]}",
        "{\"choices\":[]}",
        "{\"choices\":[{\"message\":{\"content\":42}}]}",
        "{\"choices\":[{\"message\":{\"content\":\"x\",\"tool_calls\":{}}}]}",
        "{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"a\",\"function\":{}}]}}]}",
        ""
      })
  void success_bodyNotACompletion_isMalformedNonRetryable(String body) {
    stub.then(200, body);

    ApplicationFailure f = failureOf();

    assertThat(f.getType()).isEqualTo(Failures.ROUTER_MALFORMED_RESPONSE);
    assertThat(f.isNonRetryable()).isTrue();
  }

  @Test
  void errorMessages_bodyEchoingTheKey_neverContainTheKey() {
    // OpenAI echoes the key it was given on a 401; the message must not carry it on.
    stub.then(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + key + "\"}}");
    stub.then(500, "upstream got header Authorization: Bearer " + key);
    stub.then(200, "not json, but here is the key " + key);

    List<ApplicationFailure> failures = List.of(failureOf(), failureOf(), failureOf());

    assertThat(failures)
        .extracting(ApplicationFailure::getType)
        .containsExactly(
            Failures.ROUTER_UNAUTHORIZED,
            Failures.ROUTER_TRANSIENT,
            Failures.ROUTER_MALFORMED_RESPONSE);
    for (ApplicationFailure f : failures) {
      assertThat(f.getMessage()).doesNotContain(key).contains("[redacted]");
      assertThat(f.getOriginalMessage()).doesNotContain(key);
    }
  }

  @Test
  void errorMessages_longBody_areCutToAnExcerpt() {
    stub.then(400, "x".repeat(10_000));

    ApplicationFailure f = failureOf();

    assertThat(f.getOriginalMessage().length()).isLessThan(RouterFailures.BODY_EXCERPT_CHARS + 300);
    assertThat(f.getOriginalMessage()).endsWith("...");
  }
}
