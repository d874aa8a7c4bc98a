package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Signal {@code steer} to a worker: an instruction it takes into its next model call. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SteerRequest(String instruction) {}
