package dev.tally.worker;

import dev.tally.json.TallyDataConverter;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC connection to a Temporal frontend and the workflow client on top of it, opened the same
 * way by the worker process and the CLI.
 *
 * @param address the {@code host:port} it points at
 * @param namespace the namespace of {@link #client()}
 * @param stubs the raw service stubs (for RPCs the client does not wrap)
 * @param client the workflow client
 */
public record TemporalConnection(
    String address, String namespace, WorkflowServiceStubs stubs, WorkflowClient client)
    implements AutoCloseable {

  public TemporalConnection {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(stubs, "stubs");
    Objects.requireNonNull(client, "client");
  }

  /**
   * Opens a connection. The channel connects lazily: the first call reveals an unreachable host.
   */
  public static TemporalConnection open(
      String address, String namespace, WorkflowClientInterceptor... interceptors) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder()
                .setNamespace(namespace)
                .setDataConverter(TallyDataConverter.create())
                .setInterceptors(interceptors)
                .build());
    return new TemporalConnection(address, namespace, stubs, client);
  }

  @Override
  public void close() {
    stubs.shutdown();
    if (!stubs.awaitTermination(5, TimeUnit.SECONDS)) {
      stubs.shutdownNow();
    }
  }
}
