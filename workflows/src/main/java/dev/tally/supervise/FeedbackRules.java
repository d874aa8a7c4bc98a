package dev.tally.supervise;

import java.util.ArrayList;
import java.util.List;

/** What a rating must be; every message names the field, the expected and the actual value. */
final class FeedbackRules {
  /** Longest notes, well under Temporal's payload limit. */
  static final int MAX_NOTES_CHARS = 10_000;

  /** Longest label or rater name. */
  static final int MAX_SHORT_CHARS = 200;

  private FeedbackRules() {}

  static List<String> problems(Feedback f) {
    List<String> out = new ArrayList<>();
    if (f == null) {
      out.add("feedback: expected an object {score, label?, notes?, by?}, got nothing");
      return out;
    }
    if (f.inputProblems() != null) {
      out.addAll(f.inputProblems());
      if (f.score() == null) {
        // The score could not be read: "got null" beside the reason would only be noise.
        return out;
      }
    }
    if (f.score() == null || !(f.score() >= 0 && f.score() <= 1)) {
      out.add("feedback.score: expected a number in 0..1, got " + f.score());
    }
    if (f.notes() != null && f.notes().length() > MAX_NOTES_CHARS) {
      out.add(
          "feedback.notes: expected at most "
              + MAX_NOTES_CHARS
              + " characters, got "
              + f.notes().length());
    }
    if (f.label() != null && f.label().length() > MAX_SHORT_CHARS) {
      out.add("feedback.label: expected at most " + MAX_SHORT_CHARS + " characters");
    }
    if (f.by() != null && f.by().length() > MAX_SHORT_CHARS) {
      out.add("feedback.by: expected at most " + MAX_SHORT_CHARS + " characters");
    }
    return out;
  }
}
