package dev.tally.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Token counts from a provider's usage receipt; only built when both numbers were reported. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Usage(long inputTokens, long outputTokens) {}
