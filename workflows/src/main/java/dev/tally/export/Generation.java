package dev.tally.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * One generation of an eval run on the wire: for a supervised run, one settled worker.
 *
 * @param index 0-based, in settlement order
 * @param surfaceHash the content address of what the generation produced (the worker's {@code
 *     outRef}); empty when it produced nothing
 * @param surface a small description of the generation (worker id, status, reason); never the
 *     output text
 * @param cells per-cell results, unused by supervised runs
 * @param compositeMean the generation's score, 0 when unmeasured
 * @param costUsd what it cost; a floor when any of it was unpriced
 * @param durationMs how long it ran
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Generation(
    int index,
    String surfaceHash,
    JsonNode surface,
    List<JsonNode> cells,
    double compositeMean,
    BigDecimal costUsd,
    long durationMs) {

  public Generation {
    if (index < 0) {
      throw new IllegalArgumentException("generation.index: expected >= 0, got " + index);
    }
    Objects.requireNonNull(surfaceHash, "surfaceHash");
    costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
    cells = cells == null ? null : List.copyOf(cells);
  }
}
