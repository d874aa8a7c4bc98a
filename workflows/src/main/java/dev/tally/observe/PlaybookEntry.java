package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What worked for one task class, once it has enough successes.
 *
 * @param taskClass profile plus labels
 * @param profile the profile
 * @param labels the labels
 * @param ops ops of the class
 * @param successes of which produced a result
 * @param successRate successes over ops
 * @param typicalUsd mean dollars of a success; a floor when {@code usdSource} is {@code UNKNOWN}
 * @param usdSource where those dollars came from, the least certain of the successes'
 * @param typicalTokens mean tokens of a success
 * @param typicalDurationMs mean duration of a success
 * @param models the models that worked, most successes first
 * @param budgets the root budgets that worked, most successes first
 * @param donts the latest digest's "don't" lines for this class
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlaybookEntry(
    String taskClass,
    String profile,
    Map<String, String> labels,
    long ops,
    long successes,
    double successRate,
    BigDecimal typicalUsd,
    UsdSource usdSource,
    long typicalTokens,
    long typicalDurationMs,
    List<String> models,
    List<String> budgets,
    List<String> donts) {}
