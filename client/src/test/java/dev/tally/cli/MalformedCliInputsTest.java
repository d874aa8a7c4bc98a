package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tally.json.Json;
import dev.tally.testing.MalformedInputsDoc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed command lines, run in process against a real embedded Temporal server with a worker:
 * every one exits with its documented code and prints exactly one line on stderr, starting {@code
 * tally: } and naming the flag or the cause, with no stack trace. The test writes its section of
 * {@code docs/malformed-inputs.md}.
 */
class MalformedCliInputsTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  /** One command line, the exit code it must get and a fragment of its one line. */
  record Case(List<String> args, int exit, String says) {
    static Case usage(String says, String... args) {
      return new Case(List.of(args), ExitCode.USAGE, says);
    }
  }

  static List<Case> usageCases(String openRun) {
    List<Case> out = new ArrayList<>();
    out.add(Case.usage("missing command"));
    out.add(Case.usage("Unmatched argument at index 0: 'launch'", "launch"));
    out.add(Case.usage("Missing required option: '--task=TEXT'", "run"));
    out.add(Case.usage("Unknown option: '--bogus'", "run", "--task", "x", "--bogus"));
    out.add(Case.usage("--max-tokens", "run", "--task", "x", "--max-tokens", "lots"));
    out.add(Case.usage("--max-tokens", "run", "--task", "x", "--max-tokens", "1.5"));
    out.add(
        Case.usage("--max-tokens", "run", "--task", "x", "--max-tokens", "99999999999999999999"));
    out.add(
        Case.usage(
            "budget.maxTokens: expected an integer >= 0",
            "run",
            "--task",
            "x",
            "--max-tokens",
            "-5"));
    out.add(
        Case.usage(
            "budget.maxTokens: expected an integer of at most 1000000000000000",
            "run",
            "--task",
            "x",
            "--max-tokens",
            "1000000000000001"));
    out.add(Case.usage("--max-usd", "run", "--task", "x", "--max-usd", "lots"));
    out.add(
        Case.usage(
            "budget.maxUsd: expected a dollar amount of at most 1000000",
            "run",
            "--task",
            "x",
            "--max-usd",
            "1e309"));
    out.add(Case.usage("--max-iterations", "run", "--task", "x", "--max-iterations", "two"));
    out.add(Case.usage("90s", "run", "--task", "x", "--deadline", "soon"));
    out.add(Case.usage("--max-turns", "run", "--task", "x", "--max-turns", "many"));
    out.add(
        Case.usage(
            "perWorker.maxUsd: expected absent because budget.maxUsd is absent",
            "run",
            "--task",
            "x",
            "--per-worker-usd",
            "0.1"));
    out.add(
        Case.usage(
            "perWorker.maxTokens: expected an integer >= 0",
            "run",
            "--task",
            "x",
            "--per-worker-tokens",
            "-1"));
    out.add(Case.usage("task: expected a non-empty string", "run", "--task", "  "));
    out.add(
        Case.usage(
            "task: expected at most 100000 characters", "run", "--task", "x".repeat(100_001)));
    out.add(Case.usage("Missing required parameter: 'code|research'", "delegate"));
    out.add(Case.usage("delegate: expected code or research, got 'paint'", "delegate", "paint"));
    out.add(Case.usage("--goal", "delegate", "code", "--repo", "/tmp"));
    out.add(Case.usage("--repo", "delegate", "code", "--goal", "fix it"));
    out.add(
        Case.usage(
            "--variants",
            "delegate",
            "code",
            "--goal",
            "fix it",
            "--repo",
            "/tmp",
            "--variants",
            "two"));
    out.add(
        Case.usage(
            "args.variants: expected an integer in 1..8, got 9",
            "delegate",
            "code",
            "--goal",
            "fix it",
            "--repo",
            "/tmp",
            "--variants",
            "9"));
    out.add(
        Case.usage(
            "args.config.maxDiffLines: expected an integer >= 1, got 0",
            "delegate",
            "code",
            "--goal",
            "fix it",
            "--repo",
            "/tmp",
            "--max-diff-lines",
            "0"));
    out.add(Case.usage("--question", "delegate", "research", "--ns", "notes"));
    out.add(Case.usage("--ns", "delegate", "research", "--question", "why?"));
    out.add(Case.usage("Missing required parameter: 'ID'", "feedback", "--score", "0.5"));
    out.add(Case.usage("Missing required option: '--score=S'", "feedback", "some-run"));
    out.add(Case.usage("--score", "feedback", "some-run", "--score", "high"));
    out.add(
        Case.usage(
            "--score: expected a number in 0..1, got 2.0", "feedback", "some-run", "--score", "2"));
    out.add(
        Case.usage(
            "--score: expected a number in 0..1, got NaN",
            "feedback",
            "some-run",
            "--score",
            "NaN"));
    out.add(
        Case.usage(
            "refused the rating, nothing recorded: feedback.notes: expected at most 10000"
                + " characters, got 10001",
            "feedback",
            openRun,
            "--score",
            "0.5",
            "--notes",
            "n".repeat(10_001)));
    out.add(
        Case.usage(
            "refused the rating, nothing recorded: feedback.label: expected at most 200"
                + " characters",
            "feedback",
            openRun,
            "--score",
            "0.5",
            "--label",
            "l".repeat(201)));
    out.add(Case.usage("Missing required parameter: 'ID'", "ledger"));
    out.add(Case.usage("Unknown option: '--csv'", "ledger", "some-run", "--csv"));
    out.add(Case.usage("Missing required parameter: 'ID'", "status"));
    out.add(Case.usage("Missing required parameter: 'ID'", "watch"));
    out.add(Case.usage("Missing required parameter: 'ID'", "cancel"));
    out.add(Case.usage("--limit", "history", "--limit", "0"));
    out.add(Case.usage("--limit", "history", "--limit", "ten"));
    out.add(Case.usage("--min-usd", "history", "--min-usd", "cheap"));
    out.add(Case.usage("--since", "history", "--since", "yesterday"));
    out.add(Case.usage("--older-than", "gc", "--older-than", "old"));
    out.add(Case.usage("--address: ", "status", "x", "--address", "nowhere"));
    out.add(Case.usage("--address: ", "status", "x", "--address", "127.0.0.1:99999"));
    return out;
  }

  @Test
  void everyMalformedCommandLine_exitsWithItsCodeAndOneLineNamingTheCause() throws Exception {
    try (HeldRun open = new HeldRun(STACK, "cli-open-run")) {
      check(open.runId);
      JsonNode status =
          Json.parse(
              Cli.run(STACK.env(), "status", open.runId, "--json", "--task-queue", open.queue)
                  .out());
      assertThat(status.at("/status/feedback").size()).as("the run recorded nothing").isZero();
      assertThat(status.at("/feedbackLog/events").size()).as("the log recorded nothing").isZero();
    }
  }

  private static void check(String openRun) throws Exception {
    List<Case> cases = new ArrayList<>(usageCases(openRun));
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    HttpServer notTemporal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    notTemporal.createContext(
        "/",
        exchange -> {
          byte[] body = "hello, I am a web server".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    notTemporal.start();
    try {
      String down = "127.0.0.1:" + closed;
      String web = "127.0.0.1:" + notTemporal.getAddress().getPort();
      for (String[] args :
          List.of(
              new String[] {"status", "any-run"},
              new String[] {"run", "--task", "x"},
              new String[] {"feedback", "any-run", "--score", "0.5"},
              new String[] {"ledger", "any-run"},
              new String[] {"history"},
              new String[] {"delegate", "research", "--question", "why?", "--ns", "notes"})) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--address", down));
        cases.add(new Case(a, ExitCode.UNREACHABLE, "tally: cannot reach Temporal at " + down));
      }
      for (String[] args :
          List.of(new String[] {"status", "any-run"}, new String[] {"run", "--task", "x"})) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--address", web));
        cases.add(new Case(a, ExitCode.UNREACHABLE, "tally: cannot reach Temporal at " + web));
      }
      List<String> rows = new ArrayList<>();
      for (Case c : cases) {
        Cli.Result r = Cli.run(STACK.env(), c.args().toArray(String[]::new));
        String shown = String.join(" ", c.args());
        assertThat(r.exitCode()).as(shown + "\n" + r).isEqualTo(c.exit());
        assertThat(r.errLines())
            .as(shown + "\n" + r)
            .hasSize(c.args().isEmpty() ? r.errLines().size() : 1);
        String line = r.errLines().get(0);
        assertThat(line).as(shown).startsWith("tally: ").contains(c.says());
        assertThat(r.err()).as(shown).doesNotContain("\tat ").doesNotContain("Exception");
        rows.add(
            "| "
                + (rows.size() + 1)
                + " | `tally "
                + MalformedInputsDoc.cell(stable(shown, openRun, down, web), 110)
                + "` | "
                + c.exit()
                + " | "
                + MalformedInputsDoc.cell(stable(line, openRun, down, web), 400)
                + " |");
      }
      MalformedInputsDoc.writeSection(
          "cli",
          "Command lines (`tally`)",
          "Written by `MalformedCliInputsTest` (client), which runs each command line in process"
              + " against an embedded Temporal server with a worker (the `feedback` rows with an"
              + " over-long note or label go to an open run, whose `rate` validator refuses them);"
              + " the last rows point `--address` at a closed port and at a plain HTTP server on"
              + " loopback. Every one exits with the code shown (2 bad usage, 4 Temporal"
              + " unreachable) and prints exactly one line on stderr, with no stack trace (bare"
              + " `tally` prints the usage after its line).",
          "| # | command line | exit | stderr (one line) |\n|---|---|---|---|",
          rows);
    } finally {
      notTemporal.stop(0);
    }
  }

  /** {@code text} with the ids and ports that change from run to run named instead. */
  private static String stable(String text, String openRun, String down, String web) {
    return text.replace(openRun, "OPEN-RUN")
        .replace(down, "127.0.0.1:CLOSED-PORT")
        .replace(web, "127.0.0.1:HTTP-PORT")
        .replace(STACK.address(), "HOST:PORT");
  }
}
