package dev.tally.delegate;

import dev.tally.ledger.Spend;
import dev.tally.visibility.SearchAttributeGate;
import dev.tally.visibility.TallySearchKeys;
import io.temporal.common.SearchAttributeUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * The search attributes of a delegation, so that {@code tally history --status failed --profile
 * coder} and the Temporal UI find it: its status as it changes, profile and namespace, and once it
 * ends what it cost. A cost that is not known is left unset, never written as 0.
 */
final class DelegationSearchAttributes {
  private final SearchAttributeGate gate = SearchAttributeGate.forNewUpserts();

  /** The delegation's identity and status; {@code profile} and {@code namespace} may be null. */
  void status(String status, String profile, String namespace) {
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    updates.add(TallySearchKeys.STATUS.valueSet(status));
    if (profile != null && !profile.isBlank()) {
      updates.add(TallySearchKeys.PROFILE.valueSet(profile));
    }
    if (namespace != null && !namespace.isBlank()) {
      updates.add(TallySearchKeys.NAMESPACE.valueSet(namespace));
    }
    gate.upsert(updates);
  }

  /** The final status and what is known of the spend. */
  void ended(String status, Spend spent) {
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    updates.add(TallySearchKeys.STATUS.valueSet(status));
    if (spent != null && spent.usdKnown()) {
      updates.add(TallySearchKeys.SPENT_USD.valueSet(spent.usd().doubleValue()));
    }
    if (spent != null && spent.tokensKnown()) {
      updates.add(TallySearchKeys.SPENT_TOKENS.valueSet(spent.tokens()));
    }
    gate.upsert(updates);
  }
}
