package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Signal {@code cancel}: stop the run (or worker), settle everything, say why. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CancelRequest(String reason) {}
