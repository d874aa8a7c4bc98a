package dev.tally.research;

import java.util.List;

/** The KB gate's verdicts over one result: accepted facts and vetoed ones, in proposal order. */
public record GroundedFacts(List<ResearchFact> accepted, List<VetoedFact> vetoed) {
  public GroundedFacts {
    accepted = List.copyOf(accepted);
    vetoed = List.copyOf(vetoed);
  }
}
