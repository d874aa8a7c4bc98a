package dev.tally.embedded;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The Java SDK's in-memory Temporal test server, served over gRPC on 127.0.0.1 only.
 *
 * <p>{@code TestServer.createPortBoundServer} listens on every interface with no TLS and no auth;
 * this class builds the same services on a loopback-bound Netty server instead, so nothing outside
 * this machine can reach it. It runs in real time (time skipping locked) like a real server, keeps
 * everything in memory, and never moves work off a dead worker's sticky queue.
 */
public final class LoopbackTemporalServer implements TemporalServer {
  /** The only interface the server listens on. */
  public static final String HOST = "127.0.0.1";

  private final TestServicesStarter services;
  private final Server server;

  private LoopbackTemporalServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /**
   * Starts the server on {@code port} of 127.0.0.1, or on a free port when {@code port} is 0.
   *
   * @throws IOException when the port cannot be bound (usually: it is in use)
   */
  public static LoopbackTemporalServer start(int port) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: expected 0..65535, got " + port);
    }
    // Time skipping locked: the server runs on the wall clock like a real one.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    try {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getByName(HOST), port));
      GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
      Server server = builder.build().start();
      return new LoopbackTemporalServer(services, server);
    } catch (IOException | RuntimeException e) {
      services.close();
      throw e;
    }
  }

  @Override
  public int port() {
    return server.getPort();
  }

  /** {@code 127.0.0.1:<port>}, what clients and workers pass as their target. */
  @Override
  public String address() {
    return HOST + ":" + port();
  }

  /** Never: it keeps everything in memory. */
  @Override
  public boolean persistent() {
    return false;
  }

  /** None: the test server has no Web UI. */
  @Override
  public String uiUrl() {
    return null;
  }

  @Override
  public void ensureSearchAttributes(String namespace) {
    registerSearchAttributes(namespace, TallySearchAttributes.ALL);
  }

  /**
   * Registers custom search attributes in {@code namespace}. The test server knows only its
   * built-in {@code Custom*} attributes and refuses any other name until it is registered.
   */
  public void registerSearchAttributes(String namespace, Map<String, IndexedValueType> attributes) {
    Objects.requireNonNull(namespace, "namespace");
    if (attributes.isEmpty()) {
      return;
    }
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget(address())
                .validateAndBuildWithDefaults());
    try {
      operator
          .blockingStub()
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(namespace)
                  .putAllSearchAttributes(attributes)
                  .build());
    } finally {
      operator.shutdownNow();
    }
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    services.close();
  }
}
