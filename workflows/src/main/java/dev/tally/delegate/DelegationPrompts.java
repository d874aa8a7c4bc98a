package dev.tally.delegate;

import java.util.List;

/** The turn prompts a sandbox harness receives, built from a delegation's arguments. */
final class DelegationPrompts {
  /**
   * What a researcher must return. Every fact is checked by the KB gate against the text of its
   * source, so the prompt asks for the passage verbatim and for the source text itself.
   */
  static final String RESEARCH_RESULT_FORMAT =
      """

      Reply with one JSON object and nothing else (a ```json fenced block is fine):
      {"answer": "<your answer in prose>",
       "facts": [{"claim": "<one atomic claim>",
                  "value": "<the number or string the claim asserts, if any>",
                  "verbatimPassage": "<the exact words from the source that back the claim>",
                  "sourceRef": "<the ref of the source it came from>",
                  "citation": "<where the source lives: a URL, a paper, a file>"}],
       "sources": [{"ref": "<short name>", "title": "<title>", "url": "<address, if any>",
                    "text": "<the source's text, at least the part you quote>"}]}
      A fact may carry "sourceText" (the source's text) instead of "sourceRef".
      Every fact is checked before it is kept: its verbatimPassage must appear word for word in
      its source's text, its value must appear in the passage, and it must cite a real source,
      not something generated for this task. Facts that fail are reported as vetoed.
      """;

  private DelegationPrompts() {}

  static String coder(CoderArgs a, int maxDiffLines) {
    StringBuilder p = new StringBuilder();
    p.append("You are working in a checkout of a repository (the current directory).\n\n");
    p.append("Goal: ").append(a.goal().trim()).append("\n");
    if (a.contextHint() != null && !a.contextHint().isBlank()) {
      p.append("\nContext: ").append(a.contextHint().trim()).append("\n");
    }
    p.append("\nMake the change in the files. Your change is validated before anyone sees it:\n");
    CoderArgs.Config c = a.config();
    if (c != null && c.testCmd() != null && !c.testCmd().isBlank()) {
      p.append("- this must pass: ").append(c.testCmd()).append("\n");
    }
    if (c != null && c.typecheckCmd() != null && !c.typecheckCmd().isBlank()) {
      p.append("- this must pass: ").append(c.typecheckCmd()).append("\n");
    }
    List<String> forbidden =
        c == null || c.forbiddenPaths() == null ? List.of() : c.forbiddenPaths();
    if (!forbidden.isEmpty()) {
      p.append("- do not touch: ").append(String.join(", ", forbidden)).append("\n");
    }
    p.append("- at most ").append(maxDiffLines).append(" changed lines in total\n");
    p.append("- no secrets, keys or credentials in the change\n");
    p.append("\nWhen you are done, reply with a short summary of what you changed and why.\n");
    return p.toString();
  }

  static String researcher(ResearchArgs a) {
    StringBuilder p = new StringBuilder();
    p.append("Research question: ").append(a.question().trim()).append("\n");
    p.append("Namespace: ").append(a.namespace()).append("\n");
    if (a.scope() != null && !a.scope().isBlank()) {
      p.append("Scope: ").append(a.scope().trim()).append("\n");
    }
    if (a.sources() != null && !a.sources().isEmpty()) {
      p.append("Sources to use: ").append(String.join(", ", a.sources())).append("\n");
    }
    if (a.config() != null && !a.config().isEmpty()) {
      p.append("Settings: ").append(a.config()).append("\n");
    }
    p.append(RESEARCH_RESULT_FORMAT);
    return p.toString();
  }
}
