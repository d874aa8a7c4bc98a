package dev.tally.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The KB gate's floor rules and judge ordering, over generated facts. */
class KbGatePropertiesTest {
  private static final KbGate GATE = new KbGate(KbGateOptions.defaults(), List.of());

  @Provide
  Arbitrary<String> sources() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars(' ', '\n', ',', '.')
        .ofMinLength(40)
        .ofMaxLength(300);
  }

  @Property
  void anyLongEnoughSpanOfTheSource_withAValueFromIt_isAccepted(
      @ForAll("sources") String source,
      @ForAll @IntRange(min = 0, max = 1000) int startSeed,
      @ForAll @IntRange(min = 12, max = 40) int length) {
    String passage = span(source, startSeed, length);
    if (passage.strip().length() < 12) {
      return;
    }
    String value = passage.strip().substring(0, 3);
    ResearchFact f =
        new ResearchFact("claim", TextNode.valueOf(value), passage, source, null, null);

    assertThat(GATE.judge(f, Map.of())).isEqualTo(FactVerdict.accept());
  }

  @Property
  void aPassageWithAWordTheSourceLacks_isVetoedAsNotPresent(
      @ForAll("sources") String source, @ForAll @IntRange(min = 0, max = 1000) int startSeed) {
    String passage = span(source, startSeed, 20).strip() + " ZZZ";
    ResearchFact f = new ResearchFact("claim", null, passage, source, null, null);

    FactVerdict v = GATE.judge(f, Map.of());

    assertThat(v.vetoedBy()).isIn(KbGate.PASSAGE_PRESENT, KbGate.PASSAGE_NON_EMPTY);
    assertThat(v.accepted()).isFalse();
  }

  @Property
  void aPassageBelowTheMinimum_isVetoedFirst_whateverElseIsWrong(
      @ForAll @Size(max = 11)
          List<@net.jqwik.api.constraints.CharRange(from = 'a', to = 'z') Character> chars,
      @ForAll @IntRange(min = 12, max = 100) int min) {
    StringBuilder passage = new StringBuilder();
    chars.forEach(passage::append);
    KbGate gate = new KbGate(new KbGateOptions(min, List.of("spec")), List.of());
    ResearchFact f =
        new ResearchFact(
            "claim", TextNode.valueOf("absent"), passage.toString(), null, null, "spec");

    assertThat(gate.judge(f, Map.of()).vetoedBy()).isEqualTo(KbGate.PASSAGE_NON_EMPTY);
  }

  @Property
  void aValueNotInThePassage_isVetoedByTheValueRule(
      @ForAll("sources") String source, @ForAll @IntRange(min = 0, max = 1000) int startSeed) {
    String passage = span(source, startSeed, 30);
    if (passage.strip().length() < 12) {
      return;
    }
    // Digits never occur in the generated sources.
    ResearchFact f =
        new ResearchFact("claim", TextNode.valueOf("4711"), passage, source, null, null);

    assertThat(GATE.judge(f, Map.of()).vetoedBy()).isEqualTo(KbGate.VALUE_IN_PASSAGE);
  }

  @Property
  void aCitationNamingASelfKind_isVetoedAsCircular(
      @ForAll("kinds") String kind, @ForAll("sources") String source) {
    KbGate gate = new KbGate(new KbGateOptions(12, List.of(kind)), List.of());
    String passage = source.substring(0, 20);
    if (passage.strip().length() < 12) {
      return;
    }
    ResearchFact f =
        new ResearchFact(
            "claim", null, passage, source, null, "see the " + kind.toUpperCase() + ".");

    assertThat(gate.judge(f, Map.of()).vetoedBy()).isEqualTo(KbGate.NO_CIRCULAR_CITATION);
  }

  @Provide
  Arbitrary<String> kinds() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars('_')
        .ofMinLength(2)
        .ofMaxLength(12);
  }

  @Property
  void judges_theFirstVetoWins_andNoJudgeAfterItRuns(
      @ForAll @Size(min = 1, max = 8) List<Boolean> accepts) {
    List<String> called = new ArrayList<>();
    List<FactJudge> judges = new ArrayList<>();
    for (int i = 0; i < accepts.size(); i++) {
      judges.add(KbGateTest.recording("j" + i, accepts.get(i), called));
    }
    KbGate gate = new KbGate(KbGateOptions.defaults(), judges);
    ResearchFact f =
        new ResearchFact("claim", null, "completed in 1889", KbGateTest.SOURCE, null, null);

    FactVerdict v = gate.judge(f, Map.of());

    int firstVeto = accepts.indexOf(false);
    if (firstVeto < 0) {
      assertThat(v.accepted()).isTrue();
      assertThat(called).hasSize(accepts.size());
    } else {
      assertThat(v.vetoedBy()).isEqualTo("j" + firstVeto);
      assertThat(called).hasSize(firstVeto + 1);
    }
  }

  @Property
  void sort_isDeterministic_andAccountsForEveryFact(
      @ForAll("sources") String source,
      @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 1000) Integer> starts) {
    List<ResearchFact> facts = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      String passage = i % 2 == 0 ? span(source, starts.get(i), 15) : "nowhere to be found " + i;
      facts.add(new ResearchFact("c" + i, null, passage, source, null, null));
    }
    ResearchFindings findings = new ResearchFindings("a", facts, List.of());

    GroundedFacts once = GATE.sort(findings);
    GroundedFacts twice = GATE.sort(findings);

    assertThat(once).isEqualTo(twice);
    assertThat(once.accepted().size() + once.vetoed().size()).isEqualTo(facts.size());
  }

  private static String span(String source, int startSeed, int length) {
    int start = startSeed % Math.max(1, source.length() - length);
    return source.substring(start, Math.min(source.length(), start + length));
  }
}
