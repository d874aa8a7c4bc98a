package dev.tally.observe;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the playbook from the observer's class stats, and a run's bounded excerpt of it. */
public final class Playbooks {
  /** Entries one run's driver is given, most specific first. */
  public static final int MAX_ENTRIES = 3;

  /** Longest text added to a driver's system prompt. */
  public static final int MAX_TEXT_CHARS = 1_500;

  /** Models, budgets and "don't" lines per entry. */
  static final int MAX_LINES = 3;

  private Playbooks() {}

  /** Entries for every class with at least {@code minSuccesses} successes, by class key. */
  public static Playbook build(
      long version, Map<String, ClassStats> classes, Digest latest, int minSuccesses) {
    List<PlaybookEntry> entries = new ArrayList<>();
    classes.forEach(
        (key, c) -> {
          if (c.successes() >= minSuccesses) {
            entries.add(entry(key, c, latest));
          }
        });
    return new Playbook(version, entries);
  }

  /** The entries of {@code playbook} that apply to {@code request}, bounded, with their text. */
  public static PlaybookExcerpt excerpt(Playbook playbook, PlaybookRequest request) {
    String taskClass = TaskClass.key(request.profile(), request.labels());
    List<PlaybookEntry> matching = new ArrayList<>();
    for (PlaybookEntry e : playbook.entries()) {
      if (e.profile().equals(request.profile())
          && TaskClass.appliesTo(e.labels(), request.labels())) {
        matching.add(e);
      }
    }
    matching.sort(
        Comparator.comparingInt((PlaybookEntry e) -> e.labels().size())
            .reversed()
            .thenComparing(PlaybookEntry::taskClass));
    List<PlaybookEntry> kept = matching.subList(0, Math.min(MAX_ENTRIES, matching.size()));
    return new PlaybookExcerpt(playbook.version(), taskClass, kept, text(playbook.version(), kept));
  }

  /** The prompt text of {@code entries}, cut at {@link #MAX_TEXT_CHARS}. */
  static String text(long version, List<PlaybookEntry> entries) {
    if (entries.isEmpty()) {
      return "";
    }
    StringBuilder s =
        new StringBuilder("Playbook v")
            .append(version)
            .append(" (what worked before for tasks like this one):\n");
    for (PlaybookEntry e : entries) {
      s.append(
          String.format(
              Locale.ROOT,
              "- %s: %d of %d succeeded (%.0f%%); typical cost %s, %d tokens, %d ms",
              e.taskClass(),
              e.successes(),
              e.ops(),
              e.successRate() * 100,
              e.typicalUsd() == null
                  ? "unknown"
                  : "$"
                      + e.typicalUsd().toPlainString()
                      + (e.usdSource().name().equals("UNKNOWN") ? " (at least)" : ""),
              e.typicalTokens(),
              e.typicalDurationMs()));
      if (!e.models().isEmpty()) {
        s.append("; models that worked: ").append(String.join(", ", e.models()));
      }
      if (!e.budgets().isEmpty()) {
        s.append("; budgets that worked: ").append(String.join(" | ", e.budgets()));
      }
      s.append('\n');
      e.donts().forEach(d -> s.append("  - ").append(d).append('\n'));
    }
    return s.length() <= MAX_TEXT_CHARS ? s.toString() : s.substring(0, MAX_TEXT_CHARS - 1) + "…";
  }

  private static PlaybookEntry entry(String key, ClassStats c, Digest latest) {
    long n = c.successes();
    BigDecimal typicalUsd =
        c.successSpent()
            .usd()
            .divide(BigDecimal.valueOf(n), 6, RoundingMode.HALF_EVEN)
            .stripTrailingZeros();
    List<String> donts = new ArrayList<>();
    if (latest != null) {
      for (Digest.Dont d : latest.donts()) {
        if (d.taskClass().equals(key) && donts.size() < MAX_LINES) {
          donts.add(d.line());
        }
      }
    }
    return new PlaybookEntry(
        key,
        c.profile(),
        c.labels(),
        c.ops(),
        n,
        (double) n / c.ops(),
        typicalUsd,
        c.successSpent().usdSource(),
        c.successSpent().tokens() / n,
        c.successDurationMs() / n,
        top(c.models()),
        top(c.budgets()),
        donts);
  }

  private static List<String> top(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(MAX_LINES)
        .map(e -> e.getKey() + " (" + e.getValue() + ")")
        .toList();
  }
}
