package dev.tally.visibility;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Tally's custom search attributes, which make runs and delegations findable in the Temporal UI and
 * by visibility queries ({@code TallyStatus = "winner"}). A namespace must register them before a
 * workflow may set them: {@code tally dev} and the compose setup do.
 */
public final class TallySearchKeys {
  public static final SearchAttributeKey<String> STATUS =
      SearchAttributeKey.forKeyword("TallyStatus");
  public static final SearchAttributeKey<String> PROFILE =
      SearchAttributeKey.forKeyword("TallyProfile");
  public static final SearchAttributeKey<String> NAMESPACE =
      SearchAttributeKey.forKeyword("TallyNamespace");
  public static final SearchAttributeKey<Double> SPENT_USD =
      SearchAttributeKey.forDouble("TallySpentUsd");
  public static final SearchAttributeKey<Long> SPENT_TOKENS =
      SearchAttributeKey.forLong("TallySpentTokens");

  /** Every key, for registration on a server. */
  public static final List<SearchAttributeKey<?>> ALL =
      List.of(STATUS, PROFILE, NAMESPACE, SPENT_USD, SPENT_TOKENS);

  /** Every key's name. */
  public static final List<String> NAMES = ALL.stream().map(SearchAttributeKey::getName).toList();

  private TallySearchKeys() {}
}
