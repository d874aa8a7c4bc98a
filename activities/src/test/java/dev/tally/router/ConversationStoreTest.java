package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.blob.FilesystemBlobStore;
import dev.tally.json.Json;
import dev.tally.supervise.Failures;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationStoreTest {
  @TempDir Path dir;

  private static final List<ChatMessage> CONVERSATION =
      List.of(
          ChatMessage.system("coordinate"),
          ChatMessage.user("write a haiku"),
          ChatMessage.assistant(
              "", List.of(new ToolCall("call_1", "spawn_worker", Json.parse("{\"task\":\"h\"}")))),
          ChatMessage.tool("call_1", "spawn_worker", "{\"workerId\":\"r:s1\"}"),
          ChatMessage.assistant("done", null));

  @Test
  void storeThenLoad_roundTripsEveryField() {
    ConversationStore store = new ConversationStore(new FilesystemBlobStore(dir));

    String ref = store.store(CONVERSATION);

    assertThat(store.load(ref)).isEqualTo(CONVERSATION);
  }

  @Test
  void store_sameConversation_sameRefFromAnotherStoreInstance() {
    ConversationStore a = new ConversationStore(new FilesystemBlobStore(dir));
    ConversationStore b = new ConversationStore(new FilesystemBlobStore(dir));

    String ref = a.store(CONVERSATION);

    assertThat(b.store(CONVERSATION)).isEqualTo(ref);
    assertThat(b.load(ref)).isEqualTo(CONVERSATION);
  }

  @Test
  void load_nullRef_isANewEmptyConversation() {
    assertThat(new ConversationStore(new FilesystemBlobStore(dir)).load(null)).isEmpty();
  }

  @Test
  void load_missingRef_isNonRetryableConversationMissingNamingTheRef() {
    ConversationStore store = new ConversationStore(new FilesystemBlobStore(dir));
    String ref = Json.sha256Ref(new byte[] {7});

    ApplicationFailure f = catchThrowableOfType(ApplicationFailure.class, () -> store.load(ref));

    assertThat(f.getType()).isEqualTo(Failures.CONVERSATION_MISSING);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains(ref);
  }

  @Test
  void load_malformedRef_isNonRetryableConversationMissing() {
    ConversationStore store = new ConversationStore(new FilesystemBlobStore(dir));

    ApplicationFailure f =
        catchThrowableOfType(ApplicationFailure.class, () -> store.load("sha256:../../x"));

    assertThat(f.getType()).isEqualTo(Failures.CONVERSATION_MISSING);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("sha256:../../x");
  }
}
