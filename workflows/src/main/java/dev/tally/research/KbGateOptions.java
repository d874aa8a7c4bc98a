package dev.tally.research;

import java.util.List;

/**
 * The KB gate's floor settings, from a researcher delegation's {@code config}.
 *
 * @param minPassageChars the shortest passage accepted, after trimming (default 12)
 * @param selfArtifactKinds citation tokens that name a self-generated artifact (e.g. {@code spec}):
 *     a fact citing one is circular; empty (the default) turns the check off
 */
public record KbGateOptions(int minPassageChars, List<String> selfArtifactKinds) {
  /** The default shortest passage: kills empty and stub passages. */
  public static final int DEFAULT_MIN_PASSAGE_CHARS = 12;

  public KbGateOptions {
    if (minPassageChars < 1) {
      throw new IllegalArgumentException(
          "minPassageChars: expected an integer >= 1, got " + minPassageChars);
    }
    selfArtifactKinds = selfArtifactKinds == null ? List.of() : List.copyOf(selfArtifactKinds);
  }

  public static KbGateOptions defaults() {
    return new KbGateOptions(DEFAULT_MIN_PASSAGE_CHARS, List.of());
  }
}
