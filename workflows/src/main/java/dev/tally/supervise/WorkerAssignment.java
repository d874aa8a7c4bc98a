package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;

/**
 * Input of {@code WorkerTask}: one spawned worker.
 *
 * @param nodeId {@code <parent>:s<n>}, also the child workflow id
 * @param parentId the spawning driver's node
 * @param profile {@code chat} or {@code driver}
 * @param task what to do
 * @param label the driver's name for it
 * @param budget its whole reservation; a nested driver's pool is exactly this
 * @param depth 1 for a root's child
 * @param run the spawning run's settings (models, per-worker default, caps) a nested driver
 *     inherits
 * @param usdCapped whether the paying root caps dollars
 * @param reportTo the workflow id the worker also signals its outcome to ({@code workerEnded}), set
 *     when its parent may continue-as-new: the run that started it may be closed by then, and the
 *     parent's current run must still settle it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerAssignment(
    String nodeId,
    String parentId,
    String profile,
    JsonNode task,
    String label,
    Budget budget,
    int depth,
    RunRequest run,
    boolean usdCapped) {}
