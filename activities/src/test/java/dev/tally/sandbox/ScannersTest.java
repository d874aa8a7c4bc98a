package dev.tally.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScannersTest {
  private static String added(String file, String line) {
    return "diff --git a/"
        + file
        + " b/"
        + file
        + "\n--- a/"
        + file
        + "\n+++ b/"
        + file
        + "\n@@ -0,0 +1 @@\n+"
        + line
        + "\n";
  }

  @Test
  void secretScanner_findsKeyShapesInAddedLinesOnly() {
    String pem = "-----BEGIN " + "OPENSSH PRIVATE KEY-----";
    String token = "ghp_" + "x".repeat(36);

    assertThat(SecretScanner.scan(added("id", pem)))
        .containsExactly("private key in id (diff line 5)");
    assertThat(SecretScanner.scan(added("ci.yml", "token: " + token)))
        .containsExactly("GitHub token in ci.yml (diff line 5)");
    assertThat(SecretScanner.scan(added("app.js", "const apiKey = \"" + "z".repeat(24) + "\"")))
        .containsExactly("hard-coded credential in app.js (diff line 5)");
    assertThat(SecretScanner.scan("--- a/x\n+++ b/x\n-" + pem + "\n")).isEmpty();
    assertThat(SecretScanner.scan(added("ok.txt", "token = read_from_env()"))).isEmpty();
  }

  @Test
  void forbiddenPaths_prefixesAndGlobs() {
    List<String> rules = List.of(".github/", "./db/schema.sql", "*.pem", "config/**/prod.*");

    assertThat(ForbiddenPaths.match(".github/workflows/ci.yml", rules)).isEqualTo(".github/");
    assertThat(ForbiddenPaths.match(".githubx/a", rules)).isNull();
    assertThat(ForbiddenPaths.match("db/schema.sql", rules)).isEqualTo("./db/schema.sql");
    assertThat(ForbiddenPaths.match("keys/deep/server.pem", rules)).isEqualTo("*.pem");
    assertThat(ForbiddenPaths.match("config/eu/west/prod.yml", rules))
        .isEqualTo("config/**/prod.*");
    assertThat(ForbiddenPaths.match("src/Main.java", rules)).isNull();
  }

  @Test
  void numstat_sumsLinesAndCountsBinaryFiles() {
    List<String> files = new ArrayList<>();

    int lines = CoderValidator.parseNumstat("3\t1\tsrc/a.txt\0-\t-\timg.png\0", files);

    assertThat(lines).isEqualTo(6);
    assertThat(files).containsExactly("src/a.txt", "img.png");
  }
}
