package dev.tally.research;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResearchFindingsParserTest {
  private static final String RESULT =
      """
      {"answer": "It is tall.",
       "facts": [{"claim": "height", "value": 330, "verbatimPassage": "330 metres tall",
                  "sourceRef": "wiki", "citation": "https://en.wikipedia.org/wiki/Eiffel_Tower"}],
       "sources": [{"ref": "wiki", "title": "Eiffel Tower", "text": "It is 330 metres tall."}]}
      """;

  @Test
  void parse_plainObject_readsAnswerFactsAndSources() {
    ResearchFindings f = ResearchFindingsParser.parse(RESULT);

    assertThat(f.answer()).isEqualTo("It is tall.");
    assertThat(f.facts())
        .singleElement()
        .satisfies(
            fact -> {
              assertThat(fact.valueText()).isEqualTo("330");
              assertThat(fact.sourceRef()).isEqualTo("wiki");
            });
    assertThat(f.sourceTexts()).containsEntry("wiki", "It is 330 metres tall.");
  }

  @Test
  void parse_fencedBlockAfterProse_readsTheLastBlock() {
    String text =
        "Here is what I found.\n```json\n{\"answer\":\"old\",\"facts\":[]}\n```\n"
            + "Corrected:\n```json\n"
            + RESULT
            + "```\nDone.";

    assertThat(ResearchFindingsParser.parse(text).answer()).isEqualTo("It is tall.");
  }

  @Test
  void parse_notJson_failsWithTheParseError() {
    assertThatThrownBy(() -> ResearchFindingsParser.parse("{\"answer\": \"x\", \"facts\": [}"))
        .isInstanceOf(MalformedResearchResult.class)
        .hasMessageStartingWith("research result: not valid JSON: ")
        .hasMessageContaining("line 1");
  }

  @Test
  void parse_proseOnly_failsSayingThereIsNoObject() {
    assertThatThrownBy(() -> ResearchFindingsParser.parse("The tower is tall, trust me."))
        .isInstanceOf(MalformedResearchResult.class)
        .hasMessageContaining("got text without one: 'The tower is tall, trust me.'");
  }

  @Test
  void parse_wrongShapes_listsEveryBadField() {
    String text =
        "{\"answer\": 3, \"facts\": [{\"claim\": 1, \"value\": [1]}, \"x\"], \"sources\": {}}";

    assertThatThrownBy(() -> ResearchFindingsParser.parse(text))
        .isInstanceOf(MalformedResearchResult.class)
        .hasMessageContaining("answer: expected a non-blank string, got '3'")
        .hasMessageContaining("facts[0].claim: expected a string, got '1'")
        .hasMessageContaining("facts[0].value: expected a string or a number, got '[1]'")
        .hasMessageContaining("facts[1]: expected an object")
        .hasMessageContaining("sources: expected an array");
  }

  @Test
  void parse_missingFacts_fails() {
    assertThatThrownBy(() -> ResearchFindingsParser.parse("{\"answer\": \"a\"}"))
        .hasMessageContaining("facts: expected an array of facts, got nothing");
  }
}
