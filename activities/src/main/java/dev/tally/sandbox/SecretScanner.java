package dev.tally.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds lines a change adds that look like credentials: private keys and the shapes of well-known
 * API keys and tokens. Findings name the file, the line of the diff and the kind, never the value,
 * so a refusal cannot itself leak the secret.
 */
final class SecretScanner {
  private static final Map<String, Pattern> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put(
        "private key",
        Pattern.compile(
            "-----BEGIN ((RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY( BLOCK)?-----"));
    KINDS.put("AWS access key id", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b"));
    KINDS.put("Anthropic API key", Pattern.compile("\\bsk-ant-[A-Za-z0-9_-]{20,}"));
    KINDS.put("OpenAI-style API key", Pattern.compile("\\bsk-(proj-)?[A-Za-z0-9_-]{20,}"));
    KINDS.put(
        "GitHub token",
        Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"));
    KINDS.put("Slack token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}"));
    KINDS.put("Google API key", Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}"));
    KINDS.put("Stripe secret key", Pattern.compile("\\b[rs]k_live_[0-9A-Za-z]{20,}"));
    KINDS.put(
        "hard-coded credential",
        Pattern.compile(
            "(?i)\\b(api[_-]?key|secret|token|passw(or)?d)[\"']?\\s*[:=]\\s*[\"'][^\"'\\s]{12,}[\"']"));
  }

  private SecretScanner() {}

  /**
   * Findings in the lines {@code patch} adds, e.g. {@code "AWS access key id in a/b.txt (diff line
   * 7)"}.
   */
  static List<String> scan(String patch) {
    List<String> findings = new ArrayList<>();
    String file = "?";
    String[] lines = patch.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("+++ ")) {
        file = line.startsWith("+++ b/") ? line.substring(6) : line.substring(4);
        continue;
      }
      if (!line.startsWith("+")) {
        continue;
      }
      for (Map.Entry<String, Pattern> kind : KINDS.entrySet()) {
        if (kind.getValue().matcher(line).find()) {
          findings.add(kind.getKey() + " in " + file + " (diff line " + (i + 1) + ")");
          break;
        }
      }
    }
    return findings;
  }
}
