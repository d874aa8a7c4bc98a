package dev.tally.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The ingest refused one event of a batch.
 *
 * @param index the event's position in the batch sent
 * @param reason why, in the ingest's words
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Rejection(int index, String reason) {}
