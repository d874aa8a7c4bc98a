package dev.tally.mcp;

import java.util.List;
import java.util.Objects;

/**
 * Why a tool call could not be done, as the calling agent will read it: a kind it can branch on, a
 * one-line message that says what to do, and for bad arguments every problem found. It becomes a
 * tool result with {@code isError: true}, never a protocol error and never a stack trace.
 */
public final class ToolFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The arguments do not fit the tool's schema or Tally's input rules. */
  public static final String INVALID_ARGUMENTS = "invalid-arguments";

  /** No delegation or run has that id. */
  public static final String UNKNOWN_ID = "unknown-id";

  /** The Temporal server did not answer. */
  public static final String UNREACHABLE = "temporal-unreachable";

  /** The task exists but is in a state where this does not apply. */
  public static final String WRONG_STATE = "wrong-state";

  /** This Tally does not offer it yet. */
  public static final String UNSUPPORTED = "unsupported";

  /** Temporal refused or something unexpected happened. */
  public static final String FAILED = "failed";

  private final String kind;
  private final transient List<Problem> problems;

  public ToolFailure(String kind, String message) {
    this(kind, message, List.of());
  }

  public ToolFailure(String kind, String message, List<Problem> problems) {
    super(Objects.requireNonNull(message, "message"));
    this.kind = Objects.requireNonNull(kind, "kind");
    this.problems = List.copyOf(problems);
  }

  /** Bad arguments: every problem, summed up in the message. */
  public static ToolFailure invalid(String tool, List<Problem> problems) {
    StringBuilder m = new StringBuilder(tool).append(": invalid arguments: ");
    for (int i = 0; i < problems.size(); i++) {
      m.append(i == 0 ? "" : "; ").append(problems.get(i).text());
    }
    return new ToolFailure(INVALID_ARGUMENTS, m.toString(), problems);
  }

  public String kind() {
    return kind;
  }

  public List<Problem> problems() {
    return problems;
  }
}
