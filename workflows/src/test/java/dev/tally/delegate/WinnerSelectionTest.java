package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.delegate.WinnerSelection.Candidate;
import dev.tally.sandbox.CoderReview;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WinnerSelectionTest {
  private static Candidate c(int variant, int lines, int files, Double readiness) {
    CoderReview review = readiness == null ? null : new CoderReview(true, "ship", readiness, null);
    return new Candidate(variant, "s" + variant, lines, files, review);
  }

  private static String pick(String strategy, Candidate... candidates) {
    return WinnerSelection.pick(strategy, List.of(candidates), 100).orElseThrow().sessionId();
  }

  @Test
  void smallestDiff_picksFewestLines_thenFewestFiles_thenLowestVariant() {
    assertThat(pick("smallest-diff", c(1, 30, 1, null), c(2, 4, 1, null))).isEqualTo("s2");
    assertThat(pick("smallest-diff", c(1, 4, 3, null), c(2, 4, 1, null))).isEqualTo("s2");
    assertThat(pick("smallest-diff", c(2, 4, 1, null), c(1, 4, 1, null))).isEqualTo("s1");
  }

  @Test
  void highestScore_withoutReviewer_isTheSmallerChange() {
    assertThat(pick(null, c(1, 30, 1, null), c(2, 4, 1, null))).isEqualTo("s2");
    assertThat(WinnerSelection.score(c(2, 4, 1, null), 100)).isEqualTo(0.5 + 0.5 * 0.96);
  }

  @Test
  void highestScore_blendsReadinessAndSize() {
    // 0.5*0.9 + 0.5*0.7 = 0.80 beats 0.5*0.3 + 0.5*0.96 = 0.63.
    assertThat(pick("highest-score", c(1, 30, 2, 0.9), c(2, 4, 1, 0.3))).isEqualTo("s1");
  }

  @Test
  void highestReadiness_picksTheMostReady_tiesBySize() {
    assertThat(pick("highest-readiness", c(1, 30, 1, 0.9), c(2, 4, 1, 0.8))).isEqualTo("s1");
    assertThat(pick("highest-readiness", c(1, 30, 1, 0.8), c(2, 4, 1, 0.8))).isEqualTo("s2");
  }

  @Test
  void firstApproved_isTheLowestVariant_notTheFirstToFinish() {
    assertThat(pick("first-approved", c(3, 1, 1, 1.0), c(2, 50, 4, 0.1))).isEqualTo("s2");
  }

  @Test
  void pick_ignoresTheOrderCandidatesArriveIn() {
    List<Candidate> all = new ArrayList<>();
    for (int v = 1; v <= 8; v++) {
      all.add(c(v, (v * 7) % 5, v % 3, (v % 4) / 4.0));
    }
    Random random = new Random(42);
    for (String strategy : WinnerSelection.STRATEGIES) {
      String first = WinnerSelection.pick(strategy, all, 10).orElseThrow().sessionId();
      for (int i = 0; i < 20; i++) {
        List<Candidate> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, random);
        assertThat(WinnerSelection.pick(strategy, shuffled, 10).orElseThrow().sessionId())
            .as(strategy)
            .isEqualTo(first);
      }
    }
  }

  @Test
  void pick_noneEligible_isEmpty_andAnUnknownStrategyFails() {
    assertThat(WinnerSelection.pick("smallest-diff", List.of(), 10)).isEmpty();
    assertThatThrownBy(() -> WinnerSelection.pick("cheapest", List.of(), 10))
        .hasMessageContaining("got 'cheapest'");
  }
}
