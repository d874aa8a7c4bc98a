package dev.tally.delegate;

import java.util.List;

/** The turn prompts a sandbox harness receives, built from a delegation's arguments. */
final class DelegationPrompts {
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
    p.append("\nAnswer with your findings, each with the source it came from.\n");
    return p.toString();
  }
}
