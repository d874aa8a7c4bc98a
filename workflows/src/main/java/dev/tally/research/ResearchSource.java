package dev.tally.research;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A source a research result drew on.
 *
 * @param ref the name facts use in {@code sourceRef}
 * @param title a human title
 * @param url where it lives, if it has an address
 * @param text the source's text (what a {@code sourceRef} passage is checked against)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResearchSource(String ref, String title, String url, String text) {}
