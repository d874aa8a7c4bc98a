package dev.tally.realserver;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.delegate.DelegationProfiles;
import dev.tally.delegate.DelegationRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real git repository with one committed file ({@code notes.txt}: "one"), and shell harnesses
 * that play a coding agent in it: what delegation tests run their local sandbox against.
 */
public final class ScratchRepo {
  /** A harness that adds the line "two" to notes.txt and says so. */
  public static final String ADD_A_LINE = "echo two >> notes.txt\necho 'added a line'\n";

  private ScratchRepo() {}

  /** Creates the repository at {@code dir}/repo. */
  public static Path create(Path dir) throws IOException, InterruptedException {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("notes.txt"), "one\n");
    sh(repo, "git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -q -m init");
    return repo;
  }

  /** An executable {@code /bin/sh} script at {@code dir}/{@code name} running {@code body}. */
  public static Path harness(Path dir, String name, String body) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    if (!script.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + script + " executable");
    }
    return script;
  }

  /**
   * A coder delegation on {@code repo} whose change must pass {@code true} as its test command and
   * stay within 10 lines: what a harness adding one line passes.
   */
  public static DelegationRequest coder(Path repo, String goal) {
    ObjectNode args = JsonNodeFactory.instance.objectNode();
    args.put("goal", goal).put("repoRoot", repo.toString());
    args.putObject("config").put("testCmd", "true").put("maxDiffLines", 10);
    return DelegationRequest.of(DelegationProfiles.CODER, args, null);
  }

  /** Runs {@code command} with {@code /bin/sh} in {@code cwd}; a non-zero exit is an error. */
  public static void sh(Path cwd, String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/bin/sh", "-c", command).directory(cwd.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("failed (exit " + p.exitValue() + "): " + command);
    }
  }
}
