package dev.tally.cli;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Readable workflow ids: {@code run-<slug of the task>-<5 random characters>}, so the Temporal UI's
 * list says what each run was about.
 */
final class RunIds {
  static final int SLUG_MAX = 40;
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
  private static final RandomGenerator RANDOM = new SecureRandom();

  private RunIds() {}

  static String newId(String task) {
    return newId(task, RANDOM);
  }

  static String newId(String task, RandomGenerator random) {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    String slug = slug(task);
    return "run-" + (slug.isEmpty() ? "" : slug + "-") + suffix;
  }

  /** Lower case ASCII letters and digits joined by single dashes, at most {@link #SLUG_MAX}. */
  static String slug(String text) {
    String ascii =
        Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT);
    String slug = ascii.replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > SLUG_MAX) {
      slug = slug.substring(0, SLUG_MAX);
      int dash = slug.lastIndexOf('-');
      if (dash > SLUG_MAX / 2) {
        slug = slug.substring(0, dash);
      }
      slug = slug.replaceAll("-+$", "");
    }
    return slug;
  }
}
