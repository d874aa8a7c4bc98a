package dev.tally.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/** A tool offered to the model: name, description and JSON-schema parameters. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ToolSpec(String name, String description, JsonNode parameters) {}
