package dev.tally.research;

/**
 * A judge the KB gate consults after its floor: a command or a model call in a delegation, anything
 * in a test. A judge returns a verdict; one that cannot decide vetoes (the gate is fail-closed).
 */
public interface FactJudge {
  /** The name a veto is reported under, e.g. {@code command:./check-fact} or {@code model:m1}. */
  String name();

  /**
   * Judges {@code fact}, whose passage was already found in {@code sourceText}.
   *
   * @return an accept, or a veto whose {@code vetoedBy} is this judge's name
   */
  FactVerdict judge(ResearchFact fact, String sourceText);
}
