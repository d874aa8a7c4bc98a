package dev.tally.research;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The fail-closed gate every research fact passes before it is accepted: pure and deterministic (no
 * clock, no I/O), so it runs in workflow code and replays exactly.
 *
 * <p>The floor, always on and in this order, is: {@value #CLAIM} (the claim is not blank), {@value
 * #PASSAGE_NON_EMPTY} (the passage has at least {@code minPassageChars} characters after trimming),
 * {@value #PASSAGE_PRESENT} (the passage appears verbatim in its source text, comparing with runs
 * of whitespace collapsed to one space, so line wrapping does not matter but every word and every
 * character's case does), {@value #VALUE_IN_PASSAGE} (the value, if any, appears in the passage,
 * ignoring case and whitespace runs; a number also matches when the passage groups its digits, as
 * in {@code 1,234}), and {@value #NO_CIRCULAR_CITATION} (no token of the citation names one of
 * {@code selfArtifactKinds}, ignoring case). Then the judges run in the order given. The first veto
 * wins and nothing after it runs, so a fact that fails the floor never costs a judge call.
 */
public final class KbGate {
  public static final String CLAIM = "claim-non-empty";
  public static final String PASSAGE_NON_EMPTY = "passage-non-empty";
  public static final String PASSAGE_PRESENT = "passage-present";
  public static final String VALUE_IN_PASSAGE = "value-in-passage";
  public static final String NO_CIRCULAR_CITATION = "no-circular-citation";

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern CITATION_TOKEN = Pattern.compile("[^\\p{L}\\p{N}_]+");
  private static final Pattern DIGIT_GROUP = Pattern.compile("(?<=\\d)[,_ ](?=\\d{3})");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

  private final KbGateOptions options;
  private final List<FactJudge> judges;
  private final Set<String> selfKinds;

  public KbGate(KbGateOptions options, List<FactJudge> judges) {
    this.options = Objects.requireNonNull(options, "options");
    this.judges = List.copyOf(Objects.requireNonNull(judges, "judges"));
    this.selfKinds = new TreeSet<>();
    for (String kind : options.selfArtifactKinds()) {
      selfKinds.add(kind.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Judges one fact. {@code sources} maps a source's {@code ref} to its text, for facts that name
   * their source rather than carry it.
   */
  public FactVerdict judge(ResearchFact fact, Map<String, String> sources) {
    Objects.requireNonNull(fact, "fact");
    Objects.requireNonNull(sources, "sources");
    if (fact.claim() == null || fact.claim().isBlank()) {
      return FactVerdict.veto(CLAIM, "claim: expected a non-blank string, got nothing");
    }
    String passage = fact.verbatimPassage() == null ? "" : fact.verbatimPassage().strip();
    if (passage.length() < options.minPassageChars()) {
      return FactVerdict.veto(
          PASSAGE_NON_EMPTY,
          "verbatimPassage: expected at least "
              + options.minPassageChars()
              + " characters, got "
              + passage.length());
    }
    String source = fact.sourceText();
    if (source == null) {
      if (fact.sourceRef() == null) {
        return FactVerdict.veto(
            PASSAGE_PRESENT, "no source: expected sourceText or a sourceRef, got neither");
      }
      source = sources.get(fact.sourceRef());
      if (source == null) {
        return FactVerdict.veto(
            PASSAGE_PRESENT,
            "sourceRef '"
                + fact.sourceRef()
                + "': expected one of the result's sources with a text, got "
                + (sources.containsKey(fact.sourceRef()) ? "a source without text" : "no such ref")
                + " (known: "
                + new TreeSet<>(sources.keySet())
                + ")");
      }
    }
    String flatPassage = collapse(passage);
    if (!collapse(source).contains(flatPassage)) {
      return FactVerdict.veto(
          PASSAGE_PRESENT, "verbatimPassage: not found verbatim in its source text");
    }
    String value = fact.valueText();
    if (value != null && !valueInPassage(value, flatPassage)) {
      return FactVerdict.veto(
          VALUE_IN_PASSAGE, "value '" + value + "': not found in the verbatimPassage");
    }
    String circular = circularToken(fact.citation());
    if (circular != null) {
      return FactVerdict.veto(
          NO_CIRCULAR_CITATION,
          "citation '"
              + fact.citation()
              + "' names the self-generated artifact kind '"
              + circular
              + "'");
    }
    for (FactJudge judge : judges) {
      FactVerdict v = judge.judge(fact, source);
      if (v == null) {
        return FactVerdict.veto(judge.name(), "the judge gave no verdict");
      }
      if (!v.accepted()) {
        return FactVerdict.veto(judge.name(), v.reason());
      }
    }
    return FactVerdict.accept();
  }

  /** Sorts every fact of {@code findings} into accepted and vetoed, in the order given. */
  public GroundedFacts sort(ResearchFindings findings) {
    Objects.requireNonNull(findings, "findings");
    Map<String, String> sources = findings.sourceTexts();
    List<ResearchFact> accepted = new ArrayList<>();
    List<VetoedFact> vetoed = new ArrayList<>();
    for (ResearchFact fact : findings.facts()) {
      FactVerdict v = judge(fact, sources);
      if (v.accepted()) {
        accepted.add(fact);
      } else {
        vetoed.add(new VetoedFact(fact, v.vetoedBy(), v.reason()));
      }
    }
    return new GroundedFacts(accepted, vetoed);
  }

  private static boolean valueInPassage(String value, String flatPassage) {
    String v = collapse(value).toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      return true;
    }
    String p = flatPassage.toLowerCase(Locale.ROOT);
    if (p.contains(v)) {
      return true;
    }
    return NUMBER.matcher(v).matches() && DIGIT_GROUP.matcher(p).replaceAll("").contains(v);
  }

  private String circularToken(String citation) {
    if (citation == null || selfKinds.isEmpty()) {
      return null;
    }
    String lower = citation.toLowerCase(Locale.ROOT);
    if (selfKinds.contains(lower.strip())) {
      return lower.strip();
    }
    for (String token : CITATION_TOKEN.split(lower)) {
      if (selfKinds.contains(token)) {
        return token;
      }
    }
    return null;
  }

  private static String collapse(String s) {
    return WHITESPACE.matcher(s).replaceAll(" ").strip();
  }
}
