package dev.tally.delegate;

import dev.tally.sandbox.CoderReview;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the winner among a fanout's eligible candidates (validated and, with a reviewer, approved).
 * Pure and deterministic: the same candidates always give the same winner, whatever order they
 * finished in.
 *
 * <p>The score of {@code highest-score} is {@code 0.5 * readiness + 0.5 * (1 - diffLines /
 * maxDiffLines)}, in 0..1, where readiness is the reviewer's (1 when there is no reviewer): a
 * change the reviewer trusts more, and a smaller one, scores higher. Every strategy breaks ties the
 * same way, in order: fewer changed lines, then fewer files touched, then the lower variant number
 * (the order of {@code config.harnesses}). {@code first-approved} is the eligible candidate with
 * the lowest variant number: the first in the order the harnesses were listed, not the first to
 * finish, so timing never changes the pick.
 */
public final class WinnerSelection {
  public static final String HIGHEST_SCORE = "highest-score";
  public static final String SMALLEST_DIFF = "smallest-diff";
  public static final String HIGHEST_READINESS = "highest-readiness";
  public static final String FIRST_APPROVED = "first-approved";

  /** Every strategy, in documentation order. */
  public static final List<String> STRATEGIES =
      List.of(HIGHEST_SCORE, SMALLEST_DIFF, HIGHEST_READINESS, FIRST_APPROVED);

  private static final Set<String> KNOWN = Set.copyOf(STRATEGIES);

  private WinnerSelection() {}

  /**
   * One eligible candidate.
   *
   * @param variant 1-based variant number
   * @param sessionId its session
   * @param diffLines added plus removed lines
   * @param filesTouched how many files it touches
   * @param review the reviewer's verdict, or null without a reviewer
   */
  public record Candidate(
      int variant, String sessionId, int diffLines, int filesTouched, CoderReview review) {
    double readiness() {
      return review == null ? 1.0 : review.readiness();
    }
  }

  /** The {@code highest-score} score of {@code c}, in 0..1. */
  public static double score(Candidate c, int maxDiffLines) {
    double size = 1.0 - Math.min(1.0, c.diffLines() / (double) Math.max(1, maxDiffLines));
    return 0.5 * clamp(c.readiness()) + 0.5 * size;
  }

  /** The winner under {@code strategy} (null means {@code highest-score}); empty when none. */
  public static Optional<Candidate> pick(
      String strategy, List<Candidate> eligible, int maxDiffLines) {
    Objects.requireNonNull(eligible, "eligible");
    String s = strategy == null ? HIGHEST_SCORE : strategy;
    if (!KNOWN.contains(s)) {
      throw new IllegalArgumentException(
          "winner: expected one of " + STRATEGIES + ", got '" + s + "'");
    }
    Comparator<Candidate> ties =
        Comparator.comparingInt(Candidate::diffLines)
            .thenComparingInt(Candidate::filesTouched)
            .thenComparingInt(Candidate::variant);
    Comparator<Candidate> order =
        switch (s) {
          case SMALLEST_DIFF -> ties;
          case HIGHEST_READINESS ->
              Comparator.comparingDouble((Candidate c) -> -clamp(c.readiness()))
                  .thenComparing(ties);
          case FIRST_APPROVED -> Comparator.comparingInt(Candidate::variant);
          default ->
              Comparator.comparingDouble((Candidate c) -> -score(c, maxDiffLines))
                  .thenComparing(ties);
        };
    return eligible.stream().min(order);
  }

  private static double clamp(double x) {
    return Double.isNaN(x) ? 0.0 : Math.max(0.0, Math.min(1.0, x));
  }
}
