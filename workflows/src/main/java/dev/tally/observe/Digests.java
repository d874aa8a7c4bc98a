package dev.tally.observe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Groups a window's failures into a digest: pure, so the same ops give the same digest. */
public final class Digests {
  /** Examples kept per group. */
  public static final int MAX_EXAMPLES = 3;

  private Digests() {}

  /**
   * The failure groups of {@code failures} (newest last), largest first, ties by reason.
   *
   * @param failures ops without a result, in the order they closed
   */
  public static List<Digest.FailureGroup> groups(List<Op> failures) {
    Map<String, List<Op>> byKey = new LinkedHashMap<>();
    for (Op op : failures) {
      byKey
          .computeIfAbsent(op.reason() + "\u0000" + op.errorType(), k -> new ArrayList<>())
          .add(op);
    }
    List<Digest.FailureGroup> out = new ArrayList<>();
    for (List<Op> ops : byKey.values()) {
      Op first = ops.get(0);
      TreeSet<String> classes = new TreeSet<>();
      ops.forEach(o -> classes.add(o.taskClass()));
      List<Digest.Example> examples = new ArrayList<>();
      for (int i = ops.size() - 1; i >= 0 && examples.size() < MAX_EXAMPLES; i--) {
        Op o = ops.get(i);
        examples.add(new Digest.Example(o.runId(), o.taskClass(), o.detail(), o.closedAtMs()));
      }
      out.add(
          new Digest.FailureGroup(
              first.reason() == null ? first.outcome() : first.reason(),
              first.errorType(),
              ops.size(),
              List.copyOf(classes),
              examples));
    }
    out.sort(
        Comparator.comparingLong(Digest.FailureGroup::count)
            .reversed()
            .thenComparing(Digest.FailureGroup::reason));
    return out;
  }

  /** One "don't" line per task class and group, said from the evidence alone. */
  public static List<Digest.Dont> donts(List<Op> failures) {
    Map<String, List<Op>> byClassAndKey = new LinkedHashMap<>();
    for (Op op : failures) {
      String key = op.taskClass() + "\u0000" + op.reason() + "\u0000" + op.errorType();
      byClassAndKey.computeIfAbsent(key, k -> new ArrayList<>()).add(op);
    }
    List<Digest.Dont> out = new ArrayList<>();
    for (List<Op> ops : byClassAndKey.values()) {
      Op last = ops.get(ops.size() - 1);
      StringBuilder line = new StringBuilder("don't repeat what ended ");
      line.append(last.reason() == null ? last.outcome() : last.reason());
      if (last.errorType() != null) {
        line.append(" (").append(last.errorType()).append(')');
      }
      line.append(" ").append(ops.size()).append("×");
      if (last.budget() != null && last.budget().maxTokens() != null) {
        line.append(" under maxTokens ").append(last.budget().maxTokens());
      }
      if (last.detail() != null) {
        line.append(": ").append(last.detail());
      }
      out.add(new Digest.Dont(last.taskClass(), line.toString()));
    }
    return out;
  }
}
