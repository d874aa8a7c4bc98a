package dev.tally.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tally.worker.TemporalConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The embedded Temporal server: loopback only, real gRPC, custom search attributes. */
class LoopbackTemporalServerTest {
  private static final SearchAttributeKey<String> PROBE =
      SearchAttributeKey.forKeyword("TallyProbe");

  @Test
  void start_portZero_listensOn127001() throws IOException {
    try (LoopbackTemporalServer server = LoopbackTemporalServer.start(0)) {
      assertThat(server.port()).isPositive();
      assertThat(server.address()).isEqualTo("127.0.0.1:" + server.port());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2000);
        assertThat(s.isConnected()).isTrue();
      }
    }
  }

  @Test
  void start_otherInterfacesOfThisMachine_refuseConnections() throws IOException {
    Optional<InetAddress> external = nonLoopbackIpv4();
    assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 interface");
    try (LoopbackTemporalServer server = LoopbackTemporalServer.start(0);
        Socket s = new Socket()) {
      assertThatThrownBy(
              () -> s.connect(new InetSocketAddress(external.get(), server.port()), 2000))
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void registerSearchAttributes_unknownAttributeRefusedBefore_acceptedAfter() throws IOException {
    try (LoopbackTemporalServer server = LoopbackTemporalServer.start(0);
        TemporalConnection connection = TemporalConnection.open(server.address(), "default")) {
      assertThatThrownBy(() -> startWithProbe(connection, "before"))
          .isInstanceOf(WorkflowServiceException.class)
          .cause()
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

      server.registerSearchAttributes(
          "default", Map.of(PROBE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      WorkflowStub after = startWithProbe(connection, "after");

      assertThat(after.describe().getTypedSearchAttributes().get(PROBE)).isEqualTo("value");
    }
  }

  private static WorkflowStub startWithProbe(TemporalConnection connection, String id) {
    WorkflowStub stub =
        connection
            .client()
            .newUntypedWorkflowStub(
                "AnyType",
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue("nobody-polls")
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder().set(PROBE, "value").build())
                    .build());
    stub.start();
    return stub;
  }

  @Test
  void start_portInUse_throwsIOException() throws IOException {
    try (LoopbackTemporalServer first = LoopbackTemporalServer.start(0)) {
      assertThatThrownBy(() -> LoopbackTemporalServer.start(first.port()))
          .isInstanceOf(IOException.class);
    }
  }

  private static Optional<InetAddress> nonLoopbackIpv4() throws IOException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }
}
