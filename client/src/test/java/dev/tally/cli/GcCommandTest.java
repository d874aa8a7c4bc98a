package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.blob.FilesystemBlobStore;
import dev.tally.json.Json;
import dev.tally.router.ChatMessage;
import dev.tally.router.ConversationStore;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tally gc} through the real path: run states from the embedded Temporal server, blobs in
 * the worker's own filesystem store, a real supervised run's conversation among them.
 */
class GcCommandTest {
  @RegisterExtension static final EmbeddedStackExtension stack = new EmbeddedStackExtension();

  private static WorkflowStub startIdle(WorkflowClient client, String id) {
    // A queue no worker polls: the workflow stays open and does nothing.
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "SupervisedRun",
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue("nobody-polls").build());
    stub.start(Json.parse("{\"task\":\"idle\"}"));
    return stub;
  }

  private static List<String> ownersInStore(FilesystemBlobStore store) {
    List<String> owners = new ArrayList<>();
    store.forEachBlob(
        b -> {
          Optional<byte[]> bytes = store.get(b.ref());
          bytes.flatMap(ConversationStore::ownerOf).ifPresent(owners::add);
        });
    return owners;
  }

  @Test
  void gc_olderThanZero_deletesClosedRunsConversationsAndKeepsTheOpenRuns() {
    WorkflowClient client = stack.stack().connection().client();
    Cli.Result run =
        Cli.run(
            stack.env(),
            "run",
            "--task",
            "gc me",
            "--id",
            "gc-finished",
            "--wait",
            "--json",
            "--address",
            stack.address());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    WorkflowStub open = startIdle(client, "gc-open");
    WorkflowStub terminated = startIdle(client, "gc-terminated");
    terminated.terminate("done with it");
    FilesystemBlobStore store =
        new FilesystemBlobStore(Path.of(stack.dataDir().toString(), "blobs"));
    ConversationStore conversations = new ConversationStore(store, 0);
    String openRef =
        conversations.append(
            "gc-open",
            conversations.append("gc-open", null, List.of(ChatMessage.user("still going"))),
            List.of(ChatMessage.assistant("yes", null)));
    conversations.append("gc-terminated", null, List.of(ChatMessage.user("over")));
    assertThat(ownersInStore(store)).contains("gc-finished", "gc-open", "gc-terminated");

    Cli.Result dry =
        Cli.run(stack.env(), "gc", "--older-than", "0s", "--dry-run", "--address", stack.address());
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out()).startsWith("would delete ");
    assertThat(ownersInStore(store)).contains("gc-finished", "gc-terminated");

    Cli.Result gc =
        Cli.run(stack.env(), "gc", "--older-than", "0s", "--json", "--address", stack.address());

    assertThat(gc.exitCode()).as(gc.toString()).isZero();
    assertThat(Json.parse(gc.out()).at("/report/deletedOwners").toString())
        .contains("gc-finished")
        .contains("gc-terminated")
        .doesNotContain("gc-open");
    List<String> left = ownersInStore(store);
    assertThat(left).doesNotContain("gc-finished", "gc-terminated").contains("gc-open");
    assertThat(conversations.load(openRef)).hasSize(2);
    open.terminate("test over");
  }

  @Test
  void gc_olderThanNotADuration_isAUsageErrorNamingTheOption() {
    Cli.Result r =
        Cli.run(stack.env(), "gc", "--older-than", "a month", "--address", stack.address());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--older-than: expected a duration").contains("'a month'");
  }

  @Test
  void gc_noOwnerKnownToTemporal_refusesAsAWrongNamespaceUnlessTold() throws Exception {
    Path other = java.nio.file.Files.createTempDirectory("tally-gc-ghosts");
    java.util.Map<String, String> env =
        java.util.Map.of("TEMPORAL_ADDRESS", stack.address(), "TALLY_DATA_DIR", other.toString());
    FilesystemBlobStore store = new FilesystemBlobStore(other.resolve("blobs"));
    new ConversationStore(store, 0).append("never-ran", null, List.of(ChatMessage.user("hm")));

    Cli.Result refused = Cli.run(env, "gc", "--older-than", "0s", "--address", stack.address());

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(refused.err()).contains("none of the 1 run(s)").contains("deleted nothing");
    assertThat(ownersInStore(store)).containsExactly("never-ran");

    Cli.Result forced =
        Cli.run(
            env, "gc", "--older-than", "0s", "--forget-unknown-runs", "--address", stack.address());

    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    assertThat(ownersInStore(store)).isEmpty();
  }
}
