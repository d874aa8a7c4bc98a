package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelegationRulesTest {
  private static List<String> problems(String profile, String argsJson) {
    return DelegationRules.problems(DelegationRequest.of(profile, Json.parse(argsJson), null));
  }

  @Test
  void coder_minimal_isValid() {
    assertThat(problems("coder", "{\"goal\":\"fix it\",\"repoRoot\":\"/src/app\"}")).isEmpty();
  }

  @Test
  void coder_full_isValid() {
    assertThat(
            problems(
                "coder",
                "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"contextHint\":\"h\",\"variants\":8,"
                    + "\"config\":{\"testCmd\":\"make test\",\"typecheckCmd\":\"tsc\","
                    + "\"forbiddenPaths\":[\".github/\",\"*.pem\"],\"maxDiffLines\":1}}"))
        .isEmpty();
  }

  @Test
  void coder_fanoutConfig_isValid() {
    assertThat(
            problems(
                "coder",
                "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"variants\":3,\"config\":{"
                    + "\"harnesses\":[\"claude-code\",\"codex\"],\"models\":[\"m1\",null],"
                    + "\"maxConcurrency\":2,\"reviewer\":{\"kind\":\"command\",\"cmd\":\"./review\"},"
                    + "\"winner\":\"highest-readiness\"}}"))
        .isEmpty();
  }

  @Test
  void coder_badFanoutConfig_namesEachField() {
    assertThat(
            problems(
                "coder",
                "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"config\":{\"harnesses\":[],"
                    + "\"models\":[3],\"maxConcurrency\":9,"
                    + "\"reviewer\":{\"kind\":\"llm\",\"prompt\":\"x\"},\"winner\":\"cheapest\"}}"))
        .containsExactly(
            "args.config.harnesses: expected a non-empty array of harness names, got []",
            "args.config.models[0]: expected a model name or null, got 3",
            "args.config.maxConcurrency: expected an integer in 1..8, got 9",
            "args.config.reviewer.prompt: expected one of the fields [cmd, kind, model], got an"
                + " unknown field",
            "args.config.reviewer.kind: expected 'command' or 'model', got \"llm\"",
            "args.config.winner: expected one of [highest-score, smallest-diff,"
                + " highest-readiness, first-approved], got \"cheapest\"");
  }

  @Test
  void coder_highestReadinessWithoutReviewer_isRefused() {
    assertThat(
            problems(
                "coder",
                "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"config\":{\"winner\":\"highest-readiness\"}}"))
        .containsExactly(
            "args.config.winner: 'highest-readiness' ranks by the reviewer's readiness, so it"
                + " expected args.config.reviewer, got none");
  }

  @Test
  void coder_reviewerMissingItsCommandOrModel_isRefused() {
    assertThat(
            problems(
                "coder",
                "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"config\":{\"reviewer\":{\"kind\":\"model\"}}}"))
        .containsExactly("args.config.reviewer.model: expected a non-blank string, got nothing");
  }

  @Test
  void researcher_judges_eachBadOneNamed() {
    assertThat(
            problems(
                "researcher",
                "{\"question\":\"q\",\"namespace\":\"n\",\"config\":{\"judges\":["
                    + "{\"kind\":\"command\",\"cmd\":\"./check\"},{\"kind\":\"oracle\"},"
                    + "{\"kind\":\"model\"}]}}"))
        .containsExactly(
            "args.config.judges[1].kind: expected 'command' or 'model', got \"oracle\"",
            "args.config.judges[2].model: expected a non-blank string, got nothing");
  }

  @Test
  void researcher_gateConfig_badValuesNamed() {
    assertThat(
            problems(
                "researcher",
                "{\"question\":\"q\",\"namespace\":\"n\",\"config\":{\"minPassageChars\":0,"
                    + "\"selfArtifactKinds\":\"spec\"}}"))
        .containsExactly(
            "args.config.minPassageChars: expected an integer >= 1, got 0",
            "args.config.selfArtifactKinds: expected an array of strings, got \"spec\"");
  }

  @Test
  void coder_missingGoalAndRelativeRepo_namesBothFields() {
    assertThat(problems("coder", "{\"repoRoot\":\"src\"}"))
        .containsExactly(
            "args.goal: expected a non-blank string, got nothing",
            "args.repoRoot: expected an absolute path, got \"src\"");
  }

  @Test
  void coder_variantsOutOfRange_isRefused() {
    assertThat(problems("coder", "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"variants\":0}"))
        .containsExactly("args.variants: expected an integer in 1..8, got 0");
    assertThat(problems("coder", "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"variants\":9}"))
        .containsExactly("args.variants: expected an integer in 1..8, got 9");
    assertThat(problems("coder", "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"variants\":1.5}"))
        .containsExactly("args.variants: expected an integer in 1..8, got 1.5");
  }

  @Test
  void coder_badConfig_namesEachField() {
    assertThat(
            problems(
                "coder",
                "{\"goal\":\"g\",\"repoRoot\":\"/r\",\"config\":{\"testCmd\":3,"
                    + "\"forbiddenPaths\":[\"ok\",\"\"],\"maxDiffLines\":0,\"lint\":\"x\"}}"))
        .containsExactlyInAnyOrder(
            "args.config.lint: expected one of the fields [forbiddenPaths, harnesses, maxConcurrency,"
                + " maxDiffLines, models, reviewer, testCmd, typecheckCmd, winner], got an unknown"
                + " field",
            "args.config.testCmd: expected a string or absent, got 3",
            "args.config.forbiddenPaths[1]: expected a non-blank string, got \"\"",
            "args.config.maxDiffLines: expected an integer >= 1, got 0");
  }

  @Test
  void coder_misspeltField_isRefusedNotIgnored() {
    assertThat(problems("coder", "{\"goal\":\"g\",\"repo\":\"/r\"}"))
        .contains(
            "args.repo: expected one of the fields [config, contextHint, goal, repoRoot, variants], got an unknown field");
  }

  @Test
  void researcher_needsQuestionAndNamespace() {
    assertThat(problems("researcher", "{\"question\":\"why?\",\"namespace\":\"n\"}")).isEmpty();
    assertThat(problems("researcher", "{\"question\":\"why?\"}"))
        .containsExactly("args.namespace: expected a non-blank string, got nothing");
    assertThat(problems("researcher", "{\"namespace\":\"n\",\"sources\":[\"web\",\"tv\"]}"))
        .containsExactly(
            "args.question: expected a non-blank string, got nothing",
            "args.sources[1]: expected one of [corpus, docs, github, twitter, web], got \"tv\"");
  }

  @Test
  void uiAuditor_validShape_isValid_andBadRoutesAreNamed() {
    assertThat(
            problems(
                "ui-auditor",
                "{\"workspaceDir\":\"/w\",\"routes\":[{\"name\":\"home\",\"url\":\"http://localhost:3000/\"}]}"))
        .isEmpty();
    assertThat(
            problems(
                "ui-auditor",
                "{\"workspaceDir\":\"/w\",\"routes\":[{\"name\":\"a/b\",\"url\":\"ftp://x\"}]}"))
        .containsExactly(
            "args.routes[0].name: expected a non-blank name without '.', '/', '\\\\' or NUL, got \"a/b\"",
            "args.routes[0].url: expected an http or https URL, got \"ftp://x\"");
    assertThat(problems("ui-auditor", "{\"workspaceDir\":\"/w\",\"routes\":[]}"))
        .containsExactly("args.routes: expected a non-empty array of {name, url}, got []");
  }

  @Test
  void request_unknownProfileAndMissingArgs_areNamed() {
    assertThat(DelegationRules.problems(new DelegationRequest("painter", null, " ", 0L, null)))
        .containsExactly(
            "profile: expected one of [coder, researcher, ui-auditor], got 'painter'",
            "namespace: expected a non-blank string or absent, got a blank string",
            "tickIntervalMs: expected an integer >= 1 or absent, got 0",
            "args: expected an object, got nothing");
  }
}
