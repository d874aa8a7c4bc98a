package dev.tally.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@link DelegationRequest} before anything runs. Every problem names the field, what was
 * expected and what was got; unknown argument fields are refused so that a misspelt option is never
 * silently ignored.
 */
public final class DelegationRules {
  static final int MAX_VARIANTS = 8;

  /** Longest tick interval or wall-clock cap: ten years, far beyond any sandbox session. */
  static final long MAX_MS = 315_360_000_000L;

  static final Set<String> SOURCES = Set.of("web", "corpus", "twitter", "github", "docs");
  private static final Set<String> CODER_FIELDS =
      Set.of("goal", "repoRoot", "contextHint", "variants", "config");
  private static final Set<String> CODER_CONFIG_FIELDS =
      Set.of(
          "testCmd",
          "typecheckCmd",
          "forbiddenPaths",
          "maxDiffLines",
          "harnesses",
          "models",
          "maxConcurrency",
          "reviewer",
          "winner");
  private static final Set<String> REVIEWER_FIELDS = Set.of("kind", "cmd", "model");
  private static final Set<String> RESEARCH_FIELDS =
      Set.of("question", "namespace", "scope", "sources", "variants", "config");
  private static final Set<String> UI_AUDIT_FIELDS = Set.of("workspaceDir", "routes", "config");

  private DelegationRules() {}

  /** Every problem with {@code request}; empty when it is valid. */
  public static List<String> problems(DelegationRequest request) {
    List<String> out = new ArrayList<>();
    if (request == null) {
      out.add("request: expected a DelegationRequest object, got null");
      return out;
    }
    if (request.inputProblems() != null) {
      out.addAll(request.inputProblems());
      if (request.profile() == null && request.args() == null) {
        // Nothing could be read: the other fields' "missing" messages would only be noise.
        return out;
      }
    }
    String profile = request.profile();
    if (profile == null || !DelegationProfiles.ALL.contains(profile)) {
      out.add(
          "profile: expected one of "
              + DelegationProfiles.ALL
              + ", got "
              + (profile == null ? "nothing" : "'" + profile + "'"));
    }
    if (request.namespace() != null && request.namespace().isBlank()) {
      out.add("namespace: expected a non-blank string or absent, got a blank string");
    }
    positiveOrAbsent(out, "tickIntervalMs", request.tickIntervalMs());
    positiveOrAbsent(out, "wallCapMs", request.wallCapMs());
    JsonNode args = request.args();
    if (args == null || !args.isObject()) {
      out.add("args: expected an object, got " + describe(args));
      return out;
    }
    if (DelegationProfiles.CODER.equals(profile)) {
      coder(out, args);
    } else if (DelegationProfiles.RESEARCHER.equals(profile)) {
      research(out, args);
    } else if (DelegationProfiles.UI_AUDITOR.equals(profile)) {
      uiAudit(out, args);
    }
    return out;
  }

  private static void coder(List<String> out, JsonNode args) {
    onlyKnown(out, "args", args, CODER_FIELDS);
    requiredText(out, "args.goal", args.get("goal"));
    absolutePath(out, "args.repoRoot", args.get("repoRoot"));
    optionalText(out, "args.contextHint", args.get("contextHint"));
    variants(out, args.get("variants"));
    JsonNode config = args.get("config");
    if (absent(config)) {
      return;
    }
    if (!config.isObject()) {
      out.add("args.config: expected an object, got " + describe(config));
      return;
    }
    onlyKnown(out, "args.config", config, CODER_CONFIG_FIELDS);
    optionalText(out, "args.config.testCmd", config.get("testCmd"));
    optionalText(out, "args.config.typecheckCmd", config.get("typecheckCmd"));
    JsonNode forbidden = config.get("forbiddenPaths");
    if (!absent(forbidden)) {
      if (!forbidden.isArray()) {
        out.add(
            "args.config.forbiddenPaths: expected an array of paths, got " + describe(forbidden));
      } else {
        for (int i = 0; i < forbidden.size(); i++) {
          requiredText(out, "args.config.forbiddenPaths[" + i + "]", forbidden.get(i));
        }
      }
    }
    JsonNode maxLines = config.get("maxDiffLines");
    if (!absent(maxLines)
        && !(maxLines.canConvertToInt() && maxLines.isIntegralNumber() && maxLines.asInt() >= 1)) {
      out.add("args.config.maxDiffLines: expected an integer >= 1, got " + describe(maxLines));
    }
    fanout(out, config);
    JsonNode reviewer = config.get("reviewer");
    if (!absent(reviewer)) {
      reviewer(out, reviewer);
    }
    JsonNode winner = config.get("winner");
    if (!absent(winner)) {
      if (!winner.isTextual() || !WinnerSelection.STRATEGIES.contains(winner.asText())) {
        out.add(
            "args.config.winner: expected one of "
                + WinnerSelection.STRATEGIES
                + ", got "
                + describe(winner));
      } else if (WinnerSelection.HIGHEST_READINESS.equals(winner.asText()) && absent(reviewer)) {
        out.add(
            "args.config.winner: 'highest-readiness' ranks by the reviewer's readiness, so it"
                + " expected args.config.reviewer, got none");
      }
    }
  }

  /** {@code harnesses}, {@code models} and {@code maxConcurrency}, for coders and researchers. */
  private static void fanout(List<String> out, JsonNode config) {
    JsonNode harnesses = config.get("harnesses");
    if (!absent(harnesses)) {
      if (!harnesses.isArray() || harnesses.isEmpty()) {
        out.add(
            "args.config.harnesses: expected a non-empty array of harness names, got "
                + describe(harnesses));
      } else {
        for (int i = 0; i < harnesses.size(); i++) {
          requiredText(out, "args.config.harnesses[" + i + "]", harnesses.get(i));
        }
      }
    }
    JsonNode models = config.get("models");
    if (!absent(models)) {
      if (!models.isArray() || models.size() > MAX_VARIANTS) {
        out.add(
            "args.config.models: expected an array of at most "
                + MAX_VARIANTS
                + " model names (null for the harness's own), got "
                + describe(models));
      } else {
        for (int i = 0; i < models.size(); i++) {
          JsonNode m = models.get(i);
          if (!m.isNull() && (!m.isTextual() || m.asText().isBlank())) {
            out.add(
                "args.config.models[" + i + "]: expected a model name or null, got " + describe(m));
          }
        }
      }
    }
    JsonNode cap = config.get("maxConcurrency");
    if (!absent(cap)
        && !(cap.isIntegralNumber()
            && cap.canConvertToInt()
            && cap.asInt() >= 1
            && cap.asInt() <= MAX_VARIANTS)) {
      out.add(
          "args.config.maxConcurrency: expected an integer in 1.."
              + MAX_VARIANTS
              + ", got "
              + describe(cap));
    }
  }

  /** A KB-gate judge: the same two kinds as a reviewer. */
  private static void judge(List<String> out, String where, JsonNode j) {
    if (!j.isObject()) {
      out.add(
          where + ": expected {kind: command, cmd} or {kind: model, model}, got " + describe(j));
      return;
    }
    onlyKnown(out, where, j, REVIEWER_FIELDS);
    String kind = j.path("kind").asText("");
    if (CoderArgs.Reviewer.COMMAND.equals(kind)) {
      requiredText(out, where + ".cmd", j.get("cmd"));
    } else if (CoderArgs.Reviewer.MODEL.equals(kind)) {
      requiredText(out, where + ".model", j.get("model"));
    } else {
      out.add(where + ".kind: expected 'command' or 'model', got " + describe(j.get("kind")));
    }
  }

  private static void reviewer(List<String> out, JsonNode r) {
    if (!r.isObject()) {
      out.add(
          "args.config.reviewer: expected {kind: command, cmd} or {kind: model, model}, got "
              + describe(r));
      return;
    }
    onlyKnown(out, "args.config.reviewer", r, REVIEWER_FIELDS);
    String kind = r.path("kind").asText("");
    if (CoderArgs.Reviewer.COMMAND.equals(kind)) {
      requiredText(out, "args.config.reviewer.cmd", r.get("cmd"));
    } else if (CoderArgs.Reviewer.MODEL.equals(kind)) {
      requiredText(out, "args.config.reviewer.model", r.get("model"));
    } else {
      out.add(
          "args.config.reviewer.kind: expected 'command' or 'model', got "
              + describe(r.get("kind")));
    }
  }

  private static void research(List<String> out, JsonNode args) {
    onlyKnown(out, "args", args, RESEARCH_FIELDS);
    requiredText(out, "args.question", args.get("question"));
    requiredText(out, "args.namespace", args.get("namespace"));
    optionalText(out, "args.scope", args.get("scope"));
    variants(out, args.get("variants"));
    JsonNode sources = args.get("sources");
    if (!absent(sources)) {
      if (!sources.isArray()) {
        out.add(
            "args.sources: expected an array of " + sorted(SOURCES) + ", got " + describe(sources));
      } else {
        for (int i = 0; i < sources.size(); i++) {
          JsonNode s = sources.get(i);
          if (!s.isTextual() || !SOURCES.contains(s.asText())) {
            out.add(
                "args.sources["
                    + i
                    + "]: expected one of "
                    + sorted(SOURCES)
                    + ", got "
                    + describe(s));
          }
        }
      }
    }
    JsonNode config = args.get("config");
    if (!absent(config) && !config.isObject()) {
      out.add("args.config: expected an object, got " + describe(config));
    } else if (!absent(config)) {
      gateConfig(out, config);
    }
  }

  /** The KB gate's settings in a researcher's config; the rest of it goes to the harness as is. */
  private static void gateConfig(List<String> out, JsonNode config) {
    fanout(out, config);
    JsonNode judges = config.get("judges");
    if (!absent(judges)) {
      if (!judges.isArray()) {
        out.add(
            "args.config.judges: expected an array of {kind: command, cmd} or {kind: model,"
                + " model}, got "
                + describe(judges));
      } else {
        for (int i = 0; i < judges.size(); i++) {
          judge(out, "args.config.judges[" + i + "]", judges.get(i));
        }
      }
    }
    JsonNode min = config.get("minPassageChars");
    if (!absent(min) && !(min.isIntegralNumber() && min.canConvertToInt() && min.asInt() >= 1)) {
      out.add("args.config.minPassageChars: expected an integer >= 1, got " + describe(min));
    }
    JsonNode kinds = config.get("selfArtifactKinds");
    if (absent(kinds)) {
      return;
    }
    if (!kinds.isArray()) {
      out.add(
          "args.config.selfArtifactKinds: expected an array of strings, got " + describe(kinds));
      return;
    }
    for (int i = 0; i < kinds.size(); i++) {
      requiredText(out, "args.config.selfArtifactKinds[" + i + "]", kinds.get(i));
    }
  }

  private static void uiAudit(List<String> out, JsonNode args) {
    onlyKnown(out, "args", args, UI_AUDIT_FIELDS);
    absolutePath(out, "args.workspaceDir", args.get("workspaceDir"));
    JsonNode routes = args.get("routes");
    if (absent(routes) || !routes.isArray() || routes.isEmpty()) {
      out.add("args.routes: expected a non-empty array of {name, url}, got " + describe(routes));
      return;
    }
    for (int i = 0; i < routes.size(); i++) {
      JsonNode r = routes.get(i);
      String where = "args.routes[" + i + "]";
      if (!r.isObject()) {
        out.add(where + ": expected an object {name, url}, got " + describe(r));
        continue;
      }
      JsonNode name = r.get("name");
      if (absent(name)
          || !name.isTextual()
          || name.asText().isBlank()
          || name.asText().matches(".*[./\\\\\\x00].*")) {
        out.add(
            where
                + ".name: expected a non-blank name without '.', '/', '\\\\' or NUL, got "
                + describe(name));
      }
      JsonNode url = r.get("url");
      if (absent(url) || !url.isTextual() || !url.asText().matches("https?://.+")) {
        out.add(where + ".url: expected an http or https URL, got " + describe(url));
      }
    }
    JsonNode config = args.get("config");
    if (!absent(config) && !config.isObject()) {
      out.add("args.config: expected an object, got " + describe(config));
    }
  }

  private static void variants(List<String> out, JsonNode v) {
    if (absent(v)) {
      return;
    }
    if (!v.isIntegralNumber()
        || !v.canConvertToInt()
        || v.asInt() < 1
        || v.asInt() > MAX_VARIANTS) {
      out.add("args.variants: expected an integer in 1.." + MAX_VARIANTS + ", got " + describe(v));
    }
  }

  private static void onlyKnown(List<String> out, String where, JsonNode node, Set<String> known) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        out.add(
            where
                + "."
                + name
                + ": expected one of the fields "
                + sorted(known)
                + ", got an unknown field");
      }
    }
  }

  private static void requiredText(List<String> out, String field, JsonNode v) {
    if (absent(v) || !v.isTextual() || v.asText().isBlank()) {
      out.add(field + ": expected a non-blank string, got " + describe(v));
    }
  }

  private static void optionalText(List<String> out, String field, JsonNode v) {
    if (!absent(v) && !v.isTextual()) {
      out.add(field + ": expected a string or absent, got " + describe(v));
    }
  }

  private static void absolutePath(List<String> out, String field, JsonNode v) {
    if (absent(v) || !v.isTextual() || !v.asText().trim().startsWith("/")) {
      out.add(field + ": expected an absolute path, got " + describe(v));
    }
  }

  private static void positiveOrAbsent(List<String> out, String field, Long v) {
    if (v != null && v < 1) {
      out.add(field + ": expected an integer >= 1 or absent, got " + v);
    } else if (v != null && v > MAX_MS) {
      out.add(field + ": expected at most " + MAX_MS + " (ten years), got " + v);
    }
  }

  private static boolean absent(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode();
  }

  private static List<String> sorted(Set<String> set) {
    return set.stream().sorted().toList();
  }

  /** A short, safe rendering of a value for an error message. */
  static String describe(JsonNode v) {
    if (absent(v)) {
      return "nothing";
    }
    String text = v.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }
}
