package dev.tally.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool call the model asked for.
 *
 * @param id the provider's call id, echoed back on the tool message
 * @param name the tool name
 * @param arguments parsed arguments; malformed arguments arrive as an empty object
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ToolCall(String id, String name, JsonNode arguments) {}
