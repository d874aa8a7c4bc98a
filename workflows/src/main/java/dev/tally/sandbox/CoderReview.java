package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Set;

/**
 * A reviewer's verdict over a coder candidate that already passed validation.
 *
 * @param approved only an approved candidate may win
 * @param recommendation {@code ship}, {@code approve-with-nits}, {@code changes-requested} or
 *     {@code reject}
 * @param readiness 0..1, what {@code highest-readiness} ranks by
 * @param notes the reviewer's words
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoderReview(boolean approved, String recommendation, double readiness, String notes) {
  public static final Set<String> RECOMMENDATIONS =
      Set.of("ship", "approve-with-nits", "changes-requested", "reject");

  /** A fail-closed verdict: the review could not be had, so the candidate is not approved. */
  public static CoderReview failed(String why) {
    return new CoderReview(false, "reject", 0.0, why);
  }
}
