package dev.tally.cli;

import dev.tally.ledger.Budget;
import dev.tally.ledger.PoolReadout;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tally raise ID --max-usd X ...}: the {@code raiseBudget} update; a paused run resumes. */
@Command(
    name = "raise",
    description = {
      "Raise a running supervised run's ceilings (the raiseBudget update): raise only, each value"
          + " given must be above the current ceiling. A run paused at its budget resumes where it"
          + " stopped. Prints the pool after the raise.",
      "Exit codes: 0 raised; 1 refused by the run (the message names the field, the current"
          + " ceiling and the spend), the run already ended, or no worker applied it; 2 bad usage"
          + " (no ceiling given, a value that is not a number or is negative); 3 no such run;"
          + " 4 Temporal unreachable."
    })
final class RaiseCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The run's workflow id.")
  String workflowId;

  @Option(
      names = "--max-usd",
      paramLabel = "USD",
      description = "New dollar cap (a run started without one cannot get one).")
  BigDecimal maxUsd;

  @Option(names = "--max-tokens", paramLabel = "N", description = "New token ceiling.")
  Long maxTokens;

  @Option(names = "--max-iterations", paramLabel = "N", description = "New iteration ceiling.")
  Long maxIterations;

  @Option(
      names = "--deadline-ms",
      paramLabel = "MS",
      description = "New deadline, in milliseconds from the run's start (not from now).")
  Long deadlineMs;

  @Override
  public Integer call() {
    Budget raise = raise();
    try (TemporalSession session = root.connect()) {
      PoolReadout pool;
      try {
        pool = RaiseUpdate.send(session, workflowId, raise);
      } catch (RaiseUpdate.Rejected e) {
        throw new CliException(
            ExitCode.FAILED, "raise refused by run '" + workflowId + "': " + e.getMessage());
      } catch (RaiseUpdate.Closed e) {
        throw new CliException(ExitCode.FAILED, e.getMessage());
      }
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflowId", workflowId);
        doc.put("update", RaiseUpdate.UPDATE);
        doc.put("raise", raise);
        doc.put("pool", pool);
        printJson(doc);
      } else {
        println("raised " + workflowId + " to " + RunView.budgetText(raise) + "; the pool now:");
        printLines(RaiseUpdate.readoutLines(pool));
        println("  follow it:  tally watch " + workflowId);
      }
      return ExitCode.OK;
    }
  }

  private Budget raise() {
    if (maxUsd == null && maxTokens == null && maxIterations == null && deadlineMs == null) {
      throw new ParameterException(
          spec.commandLine(),
          "raise: expected at least one of --max-usd, --max-tokens, --max-iterations,"
              + " --deadline-ms, got none");
    }
    if (maxUsd != null && maxUsd.signum() < 0) {
      throw negative("--max-usd", maxUsd.toPlainString());
    }
    for (Object[] f :
        new Object[][] {
          {"--max-tokens", maxTokens},
          {"--max-iterations", maxIterations},
          {"--deadline-ms", deadlineMs}
        }) {
      if (f[1] != null && (Long) f[1] < 0) {
        throw negative((String) f[0], f[1].toString());
      }
    }
    return new Budget(maxIterations, maxTokens, maxUsd, deadlineMs);
  }

  private ParameterException negative(String flag, String got) {
    return new ParameterException(
        spec.commandLine(), flag + ": expected a number >= 0, got " + got);
  }
}
