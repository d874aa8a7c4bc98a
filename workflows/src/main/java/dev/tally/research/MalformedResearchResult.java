package dev.tally.research;

/** A research turn's answer is not the structured result it was asked for; says what is wrong. */
public final class MalformedResearchResult extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedResearchResult(String message) {
    super(message);
  }
}
