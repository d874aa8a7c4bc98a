package dev.tally.research;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A fact the KB gate refused, with who refused it and why: nothing is dropped silently.
 *
 * @param fact the fact as proposed
 * @param vetoedBy the floor rule or judge that vetoed it
 * @param reason why
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VetoedFact(ResearchFact fact, String vetoedBy, String reason) {}
