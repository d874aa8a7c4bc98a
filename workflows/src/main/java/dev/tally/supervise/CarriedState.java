package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerState;
import dev.tally.ledger.PoolState;
import dev.tally.router.ChatMessage;
import java.util.List;
import java.util.Map;

/**
 * Everything a supervised run knows, as one record: what it carries into the next run of its chain
 * when it continues-as-new, and what a test compares before and after. The request itself (its
 * budget raised, if it was) travels beside it as the next run's input.
 *
 * @param pool the conserved pool, deadline instant included (run start + deadlineMs)
 * @param ledger counters and totals; the entries stay in the histories that wrote them
 * @param workers the workers it waits on, and the delivered ones (the candidates to win)
 * @param settledCount workers settled along the whole chain
 * @param downCount of those, how many are down
 * @param events worker events the driver has not read yet
 * @param inbox what signals delivered: cancel, feedback
 * @param turn the driver's next turn
 * @param conversationRef the driver's stored conversation
 * @param unsent messages for the driver's next turn not yet stored
 * @param lastError the last driver or tool error shown by status
 * @param startedAtMs when the first run of the chain began (eval export)
 * @param exportEntries settlements an eval export has still to report (only with {@code evalRun})
 * @param durationsMs how long each of those workers ran
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CarriedState(
    PoolState pool,
    LedgerState ledger,
    List<WorkerSlot.Carried> workers,
    int settledCount,
    int downCount,
    List<JsonNode> events,
    Inbox.Carried inbox,
    int turn,
    String conversationRef,
    List<ChatMessage> unsent,
    String lastError,
    long startedAtMs,
    List<LedgerEntry> exportEntries,
    Map<String, Long> durationsMs) {}
