package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.delegate.DelegationProfiles;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationRules;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationSubmitter;
import dev.tally.delegate.Submission;
import dev.tally.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tally delegate code|research}: hands one long job to a detached {@code Delegation}. The
 * task id derives from the input, so submitting the same input again returns the same task.
 */
@Command(
    name = "delegate",
    description = {
      "Submit a detached delegation: `code` (a coding turn in a sandbox, validated before it can"
          + " succeed) or `research` (a research turn). Prints {taskId, reused}; identical input"
          + " returns the existing task, finished or not.",
      "Follow it with `tally status ID`, stop it with `tally cancel ID`."
    })
final class DelegateCommand extends TallyCommand {
  /** How often --wait polls the task's state. */
  static final Duration POLL = Duration.ofSeconds(1);

  @Parameters(index = "0", paramLabel = "code|research", description = "What kind of job.")
  String kind;

  @Option(names = "--goal", paramLabel = "TEXT", description = "code: what to change.")
  String goal;

  @Option(names = "--repo", paramLabel = "DIR", description = "code: the repository to work on.")
  Path repo;

  @Option(names = "--context-hint", paramLabel = "TEXT", description = "code: where to look.")
  String contextHint;

  @Option(names = "--test-cmd", paramLabel = "CMD", description = "code: must exit 0.")
  String testCmd;

  @Option(names = "--typecheck-cmd", paramLabel = "CMD", description = "code: must exit 0.")
  String typecheckCmd;

  @Option(
      names = "--forbid",
      paramLabel = "PATH",
      description = "code: a path the change must not touch (repeatable).")
  List<String> forbid;

  @Option(names = "--max-diff-lines", paramLabel = "N", description = "code: the largest change.")
  Integer maxDiffLines;

  @Option(names = "--variants", paramLabel = "N", description = "code: parallel attempts, 1..8.")
  Integer variants;

  @Option(names = "--question", paramLabel = "TEXT", description = "research: the question.")
  String question;

  @Option(names = "--scope", paramLabel = "TEXT", description = "research: what is in scope.")
  String scope;

  // `--namespace` is the global Temporal namespace option, so the delegation's own namespace (a
  // label for grouping delegations, SPEC §4) is `--ns`.
  @Option(
      names = {"--ns", "--delegation-namespace"},
      paramLabel = "NS",
      description = "The delegation's namespace (required for research).")
  String delegationNamespace;

  @Option(names = "--wait", description = "Wait until the task ends and print its result.")
  boolean await;

  @Option(
      names = "--apply",
      description = "code: with --wait, apply the validated patch to --repo with `git apply`.")
  boolean apply;

  @Override
  public Integer call() throws Exception {
    DelegationRequest request = request();
    List<String> problems = DelegationRules.problems(request);
    if (!problems.isEmpty()) {
      // Refused before connecting: bad usage, said like any other flag's problem.
      throw new ParameterException(
          spec.commandLine(), "invalid delegation: " + String.join("; ", problems));
    }
    try (TemporalSession session = root.connect()) {
      Submission submission =
          DelegationSubmitter.submit(session.client(), session.taskQueue(), request);
      if (!await) {
        print(submission.taskId(), submission.reused(), submission.state());
        return ExitCode.OK;
      }
      DelegationStatus state = waitForEnd(session, submission.taskId());
      print(submission.taskId(), submission.reused(), state);
      if (!DelegationStatus.COMPLETED.equals(state.status())) {
        return ExitCode.FAILED;
      }
      if (apply) {
        applyPatch(state.result());
      }
      return ExitCode.OK;
    }
  }

  private DelegationRequest request() {
    ObjectNode args = Json.CANONICAL.createObjectNode();
    switch (kind) {
      case "code" -> {
        require("--goal", goal);
        require("--repo", repo);
        args.put("goal", goal);
        args.put("repoRoot", repo.toAbsolutePath().normalize().toString());
        if (contextHint != null) {
          args.put("contextHint", contextHint);
        }
        if (variants != null) {
          args.put("variants", variants);
        }
        ObjectNode config = Json.CANONICAL.createObjectNode();
        if (testCmd != null) {
          config.put("testCmd", testCmd);
        }
        if (typecheckCmd != null) {
          config.put("typecheckCmd", typecheckCmd);
        }
        if (forbid != null) {
          forbid.forEach(config.putArray("forbiddenPaths")::add);
        }
        if (maxDiffLines != null) {
          config.put("maxDiffLines", maxDiffLines);
        }
        if (!config.isEmpty()) {
          args.set("config", config);
        }
        return DelegationRequest.of(DelegationProfiles.CODER, args, delegationNamespace);
      }
      case "research" -> {
        require("--question", question);
        require("--ns", delegationNamespace);
        args.put("question", question);
        args.put("namespace", delegationNamespace);
        if (scope != null) {
          args.put("scope", scope);
        }
        return DelegationRequest.of(DelegationProfiles.RESEARCHER, args, null);
      }
      default ->
          throw new CliException(
              ExitCode.USAGE, "delegate: expected code or research, got '" + kind + "'");
    }
  }

  private DelegationStatus waitForEnd(TemporalSession session, String taskId)
      throws InterruptedException {
    while (true) {
      DelegationStatus state = DelegationSubmitter.stateOf(session.client(), taskId);
      if (DelegationStatus.terminal(state.status())) {
        return state;
      }
      if (!json) {
        println(taskId + " " + state.status() + " · " + state.progress().phase());
      }
      TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
    }
  }

  private void applyPatch(JsonNode result) throws IOException, InterruptedException {
    String patch = result == null ? null : result.path("patch").asText(null);
    if (patch == null || patch.isBlank()) {
      throw new CliException(ExitCode.FAILED, "--apply: the completed task carries no patch");
    }
    Path file = Files.createTempFile("tally-", ".patch");
    try {
      Files.writeString(file, patch, StandardCharsets.UTF_8);
      Process git =
          new ProcessBuilder("git", "apply", "--whitespace=nowarn", file.toString())
              .directory(repo.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (git.waitFor() != 0) {
        throw new CliException(
            ExitCode.FAILED,
            "--apply: git apply in " + repo + " failed: " + output.strip().replace('\n', ' '));
      }
      if (!json) {
        println("applied the validated patch to " + repo);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private void print(String taskId, boolean reused, DelegationStatus state) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("taskId", taskId);
      doc.put("reused", reused);
      if (state != null) {
        doc.put("state", state);
      }
      printJson(doc);
      return;
    }
    println(taskId + (reused ? " (existing task, same input)" : " (submitted)"));
    if (state != null) {
      println(
          "  status: "
              + state.status()
              + (state.error() == null ? "" : " · " + state.error().message()));
      if (state.costUsd() != null) {
        println("  cost:   " + Money.usd(state.costUsd()));
      }
    }
  }

  private static void require(String option, Object value) {
    if (value == null || value.toString().isBlank()) {
      throw new CliException(ExitCode.USAGE, "delegate: " + option + " is required");
    }
  }
}
