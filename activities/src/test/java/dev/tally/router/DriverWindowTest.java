package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a driver turn sends of a long conversation. */
class DriverWindowTest {
  private static List<ChatMessage> conversation(int turns) {
    List<ChatMessage> c = new ArrayList<>();
    c.add(ChatMessage.system("You coordinate workers."));
    c.add(ChatMessage.user("the task"));
    for (int i = 0; i < turns; i++) {
      c.add(
          ChatMessage.assistant(
              "", List.of(new ToolCall("c" + i, "await_event", dev.tally.json.Json.parse("{}")))));
      c.add(ChatMessage.tool("c" + i, "await_event", "{\"idle\":true,\"turn\":" + i + "}"));
    }
    return c;
  }

  @Test
  void shortConversation_sentWhole() {
    List<ChatMessage> c = conversation(10);

    assertThat(DriverWindow.of(c)).isSameAs(c);
  }

  @Test
  void longConversation_promptTaskNoteAndTheNewestThatFit_startingAtACall() {
    List<ChatMessage> c = conversation(5_000);

    List<ChatMessage> sent = DriverWindow.of(c, 2_000);

    assertThat(sent.get(0)).isEqualTo(c.get(0));
    assertThat(sent.get(1)).isEqualTo(c.get(1));
    assertThat(sent.get(2).role()).isEqualTo("user");
    assertThat(sent.get(2).content()).startsWith("[tally] ").contains("earlier messages");
    assertThat(sent.get(3).role()).isEqualTo("assistant");
    assertThat(sent.get(sent.size() - 1)).isEqualTo(c.get(c.size() - 1));
    assertThat(InputEstimate.tokens(sent.subList(3, sent.size()), null)).isLessThanOrEqualTo(2_000);
    int hidden = Integer.parseInt(sent.get(2).content().replaceAll("\\D+(\\d+).*", "$1"));
    assertThat(hidden + sent.size() - 3).isEqualTo(c.size() - 2);
  }

  @Test
  void windowStaysTheSameSize_howeverLongTheConversationGrows() {
    int at1000 = DriverWindow.of(conversation(1_000), 2_000).size();
    int at9000 = DriverWindow.of(conversation(9_000), 2_000).size();

    assertThat(at9000).isEqualTo(at1000);
  }
}
