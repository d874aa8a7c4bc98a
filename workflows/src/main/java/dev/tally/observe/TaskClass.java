package dev.tally.observe;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** The key of a task class: a profile plus its labels, in a stable order. */
public final class TaskClass {
  private TaskClass() {}

  /** {@code profile} alone, or {@code profile{k=v,...}} with the labels sorted by key. */
  public static String key(String profile, Map<String, String> labels) {
    String p = profile == null ? "unknown" : profile;
    if (labels == null || labels.isEmpty()) {
      return p;
    }
    StringJoiner j = new StringJoiner(",", p + "{", "}");
    new TreeMap<>(labels).forEach((k, v) -> j.add(k + "=" + v));
    return j.toString();
  }

  /** Whether a class with {@code classLabels} applies to a run with {@code runLabels}. */
  public static boolean appliesTo(Map<String, String> classLabels, Map<String, String> runLabels) {
    Map<String, String> run = runLabels == null ? Map.of() : runLabels;
    return classLabels.entrySet().stream().allMatch(e -> e.getValue().equals(run.get(e.getKey())));
  }
}
