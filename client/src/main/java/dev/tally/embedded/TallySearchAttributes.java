package dev.tally.embedded;

import io.temporal.api.enums.v1.IndexedValueType;
import java.util.Map;

/**
 * The custom search attributes Tally's workflows set, which the embedded server must know before a
 * run uses them (a real server gets them from {@code temporal operator search-attribute create}).
 */
public final class TallySearchAttributes {
  /**
   * Every custom attribute by name. Empty for now: the workflows set none yet; when they do, list
   * them here and {@code tally server|dev|demo} register them on start.
   */
  public static final Map<String, IndexedValueType> ALL = Map.of();

  private TallySearchAttributes() {}
}
