package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How good a delivered output is.
 *
 * @param valid whether the output meets its contract (a chat answer: non-empty)
 * @param score 0..1, higher is better; ties go to the first settled
 * @param notes why, for humans
 * @param source on a run's result: who chose this winner, {@value #DRIVER} (named by {@code stop}),
 *     {@value #JUDGE} (the highest judge score) or {@value #FIRST} (the first delivered); null on a
 *     worker's own verdict
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Verdict(boolean valid, double score, String notes, String source) {
  public static final String DRIVER = "driver";
  public static final String JUDGE = "judge";
  public static final String FIRST = "first";

  /** A worker's verdict, before any winner is chosen. */
  public Verdict(boolean valid, double score, String notes) {
    this(valid, score, notes, null);
  }

  /** The same verdict, saying who chose it as the winner. */
  public Verdict chosenBy(String who) {
    return new Verdict(valid, score, notes, who);
  }
}
