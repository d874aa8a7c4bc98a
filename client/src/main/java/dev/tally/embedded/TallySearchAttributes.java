package dev.tally.embedded;

import dev.tally.supervise.RunSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import java.util.Map;

/**
 * The custom search attributes Tally's workflows set, which the embedded server must know before a
 * run uses them (a real server gets them from {@code temporal operator search-attribute create}).
 */
public final class TallySearchAttributes {
  /**
   * Every custom attribute by name and type ({@link RunSearchAttributes}); {@code tally
   * server|dev|demo} register them on start, the compose setup with the admin tools.
   */
  public static final Map<String, IndexedValueType> ALL =
      Map.of(
          RunSearchAttributes.STATUS.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          RunSearchAttributes.PROFILE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          RunSearchAttributes.NAMESPACE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          RunSearchAttributes.SPENT_USD.getName(), IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
          RunSearchAttributes.SPENT_TOKENS.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);

  private TallySearchAttributes() {}
}
