package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Model settings for a run. Null fields fall back to the worker's configuration ({@code
 * TALLY_DRIVER_MODEL}, {@code TALLY_WORKER_MODEL}); router keys never travel here.
 *
 * @param model the driver's model
 * @param workerModel the model chat workers use
 * @param temperature sampling temperature for driver turns, 0..2
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriverSettings(String model, String workerModel, Double temperature) {
  public static final DriverSettings DEFAULTS = new DriverSettings(null, null, null);
}
