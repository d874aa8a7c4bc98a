package dev.tally.visibility;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Answers which search attributes the worker's namespace has registered, from the operator API over
 * the worker's own connection, remembered for {@link #REMEMBER} so that a burst of new runs asks
 * the server once.
 */
public final class VisibilityActivitiesImpl implements VisibilityActivities {
  /** How long an answer is reused; registering attributes is rare and takes effect within this. */
  static final Duration REMEMBER = Duration.ofSeconds(30);

  private final OperatorServiceStubs operator;
  private final String namespace;
  private final Clock clock;
  private Set<String> known;
  private Instant knownAt;

  VisibilityActivitiesImpl(OperatorServiceStubs operator, String namespace, Clock clock) {
    this.operator = Objects.requireNonNull(operator, "operator");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Over the worker's connection to {@code namespace}; the channel stays the caller's. */
  public static VisibilityActivitiesImpl create(WorkflowServiceStubs service, String namespace) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    return new VisibilityActivitiesImpl(operator, namespace, Clock.systemUTC());
  }

  @Override
  public synchronized RegisteredAttributes registeredSearchAttributes(AttributeQuery query) {
    Instant now = clock.instant();
    if (known == null || now.isAfter(knownAt.plus(REMEMBER))) {
      try {
        known = list();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
          // The Java SDK's test server cannot list its attributes: say that nothing is known.
          return RegisteredAttributes.unlisted();
        }
        throw e;
      }
      knownAt = now;
    }
    return new RegisteredAttributes(query.names().stream().filter(known::contains).toList(), true);
  }

  private Set<String> list() {
    ListSearchAttributesResponse r =
        operator
            .blockingStub()
            .listSearchAttributes(
                ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build());
    return Set.copyOf(r.getCustomAttributesMap().keySet());
  }
}
