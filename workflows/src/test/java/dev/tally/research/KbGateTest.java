package dev.tally.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KbGateTest {
  static final String SOURCE =
      "The Eiffel Tower is 330 metres tall.\nIt was completed in 1889 and\n  drew 5,889,000 visitors.";

  private static ResearchFact fact(String passage) {
    return new ResearchFact("a claim", null, passage, SOURCE, null, "https://example.org/eiffel");
  }

  private static final KbGate DEFAULT = new KbGate(KbGateOptions.defaults(), List.of());

  @Test
  void judge_groundedFactWithValue_accepts() {
    ResearchFact f =
        new ResearchFact(
            "height", IntNode.valueOf(330), "Eiffel Tower is 330 metres tall", SOURCE, null, null);

    assertThat(DEFAULT.judge(f, Map.of())).isEqualTo(FactVerdict.accept());
  }

  @Test
  void judge_blankClaim_vetoedByClaimRule() {
    ResearchFact f = new ResearchFact(" ", null, "Eiffel Tower is 330 metres", SOURCE, null, null);

    assertThat(DEFAULT.judge(f, Map.of()).vetoedBy()).isEqualTo(KbGate.CLAIM);
  }

  @Test
  void judge_passageShorterThanMinimum_vetoedNamingTheLengths() {
    FactVerdict v = DEFAULT.judge(fact("  330 metres "), Map.of());

    assertThat(v.vetoedBy()).isEqualTo(KbGate.PASSAGE_NON_EMPTY);
    assertThat(v.reason()).isEqualTo("verbatimPassage: expected at least 12 characters, got 10");
  }

  @Test
  void judge_missingPassage_vetoedAsEmpty() {
    assertThat(DEFAULT.judge(fact(null), Map.of()).vetoedBy()).isEqualTo(KbGate.PASSAGE_NON_EMPTY);
  }

  @Test
  void judge_minPassageCharsOption_isTheFloor() {
    KbGate strict = new KbGate(new KbGateOptions(40, List.of()), List.of());

    assertThat(strict.judge(fact("The Eiffel Tower is 330 metres tall."), Map.of()).vetoedBy())
        .isEqualTo(KbGate.PASSAGE_NON_EMPTY);
  }

  @Test
  void judge_passageAbsentFromSource_vetoedByPassagePresent() {
    FactVerdict v = DEFAULT.judge(fact("The Eiffel Tower is 300 metres tall."), Map.of());

    assertThat(v.vetoedBy()).isEqualTo(KbGate.PASSAGE_PRESENT);
    assertThat(v.reason()).contains("not found verbatim");
  }

  @Test
  void judge_passageWrappedDifferently_stillPresent() {
    assertThat(DEFAULT.judge(fact("completed in 1889 and drew 5,889,000"), Map.of()).accepted())
        .isTrue();
  }

  @Test
  void judge_passageInDifferentCase_isNotVerbatim() {
    assertThat(DEFAULT.judge(fact("the eiffel tower is 330 metres"), Map.of()).vetoedBy())
        .isEqualTo(KbGate.PASSAGE_PRESENT);
  }

  @Test
  void judge_sourceRefResolvesThroughSources() {
    ResearchFact f = new ResearchFact("c", null, "completed in 1889", null, "wiki", null);

    assertThat(DEFAULT.judge(f, Map.of("wiki", SOURCE)).accepted()).isTrue();
  }

  @Test
  void judge_unknownSourceRef_vetoedNamingTheKnownRefs() {
    ResearchFact f = new ResearchFact("c", null, "completed in 1889", null, "blog", null);

    FactVerdict v = DEFAULT.judge(f, Map.of("wiki", SOURCE));

    assertThat(v.vetoedBy()).isEqualTo(KbGate.PASSAGE_PRESENT);
    assertThat(v.reason()).contains("sourceRef 'blog'").contains("no such ref").contains("[wiki]");
  }

  @Test
  void judge_noSourceAtAll_vetoedByPassagePresent() {
    ResearchFact f = new ResearchFact("c", null, "completed in 1889", null, null, null);

    assertThat(DEFAULT.judge(f, Map.of()).reason()).contains("expected sourceText or a sourceRef");
  }

  @Test
  void judge_valueAbsentFromPassage_vetoedByValueRule() {
    ResearchFact f =
        new ResearchFact(
            "c", IntNode.valueOf(324), "Eiffel Tower is 330 metres", SOURCE, null, null);

    FactVerdict v = DEFAULT.judge(f, Map.of());

    assertThat(v.vetoedBy()).isEqualTo(KbGate.VALUE_IN_PASSAGE);
    assertThat(v.reason()).isEqualTo("value '324': not found in the verbatimPassage");
  }

  @Test
  void judge_valueInSourceButNotInPassage_stillVetoed() {
    ResearchFact f =
        new ResearchFact(
            "c", IntNode.valueOf(1889), "Eiffel Tower is 330 metres", SOURCE, null, null);

    assertThat(DEFAULT.judge(f, Map.of()).vetoedBy()).isEqualTo(KbGate.VALUE_IN_PASSAGE);
  }

  @Test
  void judge_numberWithDigitGroupsInPassage_matches() {
    ResearchFact f =
        new ResearchFact(
            "c", IntNode.valueOf(5889000), "drew 5,889,000 visitors", SOURCE, null, null);

    assertThat(DEFAULT.judge(f, Map.of()).accepted()).isTrue();
  }

  @Test
  void judge_textValueIgnoresCase_decimalValueMustMatch() {
    ResearchFact text =
        new ResearchFact(
            "c", TextNode.valueOf("EIFFEL tower"), "The Eiffel Tower is 330", SOURCE, null, null);
    ResearchFact decimal =
        new ResearchFact(
            "c", DoubleNode.valueOf(330.5), "The Eiffel Tower is 330", SOURCE, null, null);

    assertThat(DEFAULT.judge(text, Map.of()).accepted()).isTrue();
    assertThat(DEFAULT.judge(decimal, Map.of()).vetoedBy()).isEqualTo(KbGate.VALUE_IN_PASSAGE);
  }

  @Test
  void judge_circularCitation_vetoedNamingTheKind() {
    KbGate gate = new KbGate(new KbGateOptions(12, List.of("spec", "cad_params")), List.of());
    ResearchFact f =
        new ResearchFact(
            "c", null, "completed in 1889", SOURCE, null, "derived from SPEC section 2");

    FactVerdict v = gate.judge(f, Map.of());

    assertThat(v.vetoedBy()).isEqualTo(KbGate.NO_CIRCULAR_CITATION);
    assertThat(v.reason()).contains("'spec'");
    assertThat(gate.judge(fact("completed in 1889"), Map.of()).accepted()).isTrue();
  }

  @Test
  void judge_citationWordContainingAKind_isNotCircular() {
    KbGate gate = new KbGate(new KbGateOptions(12, List.of("spec")), List.of());
    ResearchFact f =
        new ResearchFact("c", null, "completed in 1889", SOURCE, null, "a spectacular book");

    assertThat(gate.judge(f, Map.of()).accepted()).isTrue();
  }

  @Test
  void judge_floorVeto_neverCallsAJudge() {
    List<String> called = new ArrayList<>();
    KbGate gate = new KbGate(KbGateOptions.defaults(), List.of(recording("j1", true, called)));

    gate.judge(fact("not in the source at all"), Map.of());

    assertThat(called).isEmpty();
  }

  @Test
  void judge_judgesRunInOrder_firstVetoWinsAndLaterJudgesAreSkipped() {
    List<String> called = new ArrayList<>();
    KbGate gate =
        new KbGate(
            KbGateOptions.defaults(),
            List.of(
                recording("j1", true, called),
                recording("j2", false, called),
                recording("j3", false, called)));

    FactVerdict v = gate.judge(fact("completed in 1889"), Map.of());

    assertThat(v.vetoedBy()).isEqualTo("j2");
    assertThat(v.reason()).isEqualTo("j2 says no");
    assertThat(called).containsExactly("j1", "j2");
  }

  @Test
  void judge_judgeWithoutVerdict_vetoes() {
    FactJudge silent =
        new FactJudge() {
          @Override
          public String name() {
            return "silent";
          }

          @Override
          public FactVerdict judge(ResearchFact f, String sourceText) {
            return null;
          }
        };
    KbGate gate = new KbGate(KbGateOptions.defaults(), List.of(silent));

    assertThat(gate.judge(fact("completed in 1889"), Map.of()))
        .isEqualTo(FactVerdict.veto("silent", "the judge gave no verdict"));
  }

  @Test
  void sort_keepsEveryFactInOrder_acceptedAndVetoed() {
    ResearchFindings findings =
        new ResearchFindings(
            "answer",
            List.of(fact("completed in 1889"), fact("short"), fact("drew 5,889,000 visitors")),
            List.of());

    GroundedFacts g = DEFAULT.sort(findings);

    assertThat(g.accepted())
        .extracting(ResearchFact::verbatimPassage)
        .containsExactly("completed in 1889", "drew 5,889,000 visitors");
    assertThat(g.vetoed())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.fact().verbatimPassage()).isEqualTo("short");
              assertThat(v.vetoedBy()).isEqualTo(KbGate.PASSAGE_NON_EMPTY);
            });
  }

  static FactJudge recording(String name, boolean accept, List<String> called) {
    return new FactJudge() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public FactVerdict judge(ResearchFact f, String sourceText) {
        called.add(name);
        return accept ? FactVerdict.accept() : FactVerdict.veto(name, name + " says no");
      }
    };
  }
}
