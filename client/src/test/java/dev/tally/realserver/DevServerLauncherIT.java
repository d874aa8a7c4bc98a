package dev.tally.realserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.devserver.DevServerException;
import dev.tally.devserver.DevServerOptions;
import dev.tally.devserver.TemporalCli;
import dev.tally.devserver.TemporalDevServer;
import dev.tally.embedded.TallySearchAttributes;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher against the real binary: ports, namespaces, attributes, retention, stop. */
class DevServerLauncherIT {
  private static Path cli;

  @TempDir Path dir;

  @BeforeAll
  static void findCli() {
    cli = TemporalCli.find(System.getenv()).orElse(null);
    RequiredTool.need(cli != null, "the temporal CLI", TemporalCli.HOW_TO_INSTALL);
  }

  @Test
  void start_newDatabase_answersWithAttributesRetentionAndUiOnLoopback() throws Exception {
    DevServerOptions options =
        DevServerOptions.of(cli, dir.resolve("t.db"), dir.resolve("server.log"))
            .withNamespaces(List.of("team-a"))
            .withRetention(Duration.ofDays(7));
    try (TemporalDevServer server = TemporalDevServer.start(options)) {
      assertThat(server.address()).startsWith("127.0.0.1:");
      assertThat(Files.exists(dir.resolve("t.db"))).isTrue();
      for (String ns : List.of("default", "team-a")) {
        assertThat(customAttributes(server, ns)).containsAllEntriesOf(TallySearchAttributes.ALL);
        assertThat(retentionSeconds(server, ns)).isEqualTo(Duration.ofDays(7).toSeconds());
      }
      // The UI's own server answers its API from this frontend: the settings say news is off.
      HttpResponse<String> ui =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.uiUrl() + "/api/v1/settings")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ui.statusCode()).isEqualTo(200);
      assertThat(ui.body()).contains("\"DisableNewsFetch\":true");
    }
  }

  @Test
  void restart_sameDatabase_keepsNamespacesAndAddsMissingAttributes() {
    DevServerOptions options =
        DevServerOptions.of(cli, dir.resolve("t.db"), dir.resolve("server.log"))
            .withNamespaces(List.of("team-b"));
    int port;
    try (TemporalDevServer first = TemporalDevServer.start(options.withPorts(0, -1))) {
      port = first.port();
    }
    try (TemporalDevServer again = TemporalDevServer.start(options.withPorts(port, -1))) {
      assertThat(again.uiUrl()).isNull();
      assertThat(customAttributes(again, "team-b")).containsAllEntriesOf(TallySearchAttributes.ALL);
      assertThat(retentionSeconds(again, "team-b"))
          .isEqualTo(DevServerOptions.DEFAULT_RETENTION.toSeconds());
    }
  }

  @Test
  void start_binaryThatIsNoServer_failsNamingTheLogInsteadOfWaiting() throws Exception {
    Path fake = dir.resolve("temporal");
    Files.writeString(fake, "#!/bin/sh\necho 'no such command: server' >&2\nexit 3\n");
    fake.toFile().setExecutable(true);
    DevServerOptions options = DevServerOptions.of(fake, dir.resolve("t.db"), dir.resolve("s.log"));
    assertThatThrownBy(() -> TemporalDevServer.start(options))
        .isInstanceOf(DevServerException.class)
        .hasMessageContaining("exited with 3")
        .hasMessageContaining("no such command: server");
  }

  @Test
  void find_explicitVariableNamingNothing_isAnErrorNotAFallback() {
    assertThatThrownBy(
            () -> TemporalCli.find(Map.of(TemporalCli.ENV, dir.resolve("nope").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(TemporalCli.ENV)
        .hasMessageContaining("nope");
  }

  private static Map<String, io.temporal.api.enums.v1.IndexedValueType> customAttributes(
      TemporalDevServer server, String ns) {
    WorkflowServiceStubs service = stubs(server);
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      return operator
          .blockingStub()
          .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(ns).build())
          .getCustomAttributesMap();
    } finally {
      operator.shutdownNow();
      service.shutdownNow();
    }
  }

  private static long retentionSeconds(TemporalDevServer server, String ns) {
    WorkflowServiceStubs service = stubs(server);
    try {
      return service
          .blockingStub()
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(ns).build())
          .getConfig()
          .getWorkflowExecutionRetentionTtl()
          .getSeconds();
    } finally {
      service.shutdownNow();
    }
  }

  private static WorkflowServiceStubs stubs(TemporalDevServer server) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
  }
}
