package dev.tally.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.cli.StopSignal;
import dev.tally.cli.TallyCli;
import dev.tally.embedded.DevStack;
import dev.tally.router.RouterConfig;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.sandbox.SandboxConfig;
import dev.tally.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dev server's own Web UI (UI 2.54.1) in a real headless Chromium, checked for what Tally
 * publishes: readable workflow ids, summaries and details, current details (phase, turn, pool),
 * activity, timer and child summaries, and the Tally search attributes, on a finished run, a live
 * run, a live worker and a delegation. Every check reads the rendered page's text, polled until it
 * shows (bounded), so a field that the UI does not show fails the test with what the page did say.
 *
 * <p>Runs are started as a user starts them, through {@code tally run} and {@code tally delegate};
 * the worker, the scripted router and the local sandbox run in-process. The live run is held at the
 * router: its model calls wait, unanswered, until the class is done.
 *
 * <p>Screenshots go to {@code target/ui-screenshots/}, and also to the directory the system
 * property {@value #SCREENSHOTS} names ({@code scripts/ui-screenshots.sh} passes {@code docs/}).
 */
class WebUiIT {
  /** Where to save the screenshots the README shows, besides {@code target/}. */
  static final String SCREENSHOTS = "tally.uiScreenshots";

  private static final String NS = "default";
  private static final String FINISHED_TASK = "Name three properties of a conserved budget";
  private static final String LIVE_TASK = "Survey the budget rules of a long research run";

  /** Calls held while the live run is looked at: its two workers' calls and the driver's turn 1. */
  private static final int LIVE_HELD_CALLS = 3;

  /** The Tally columns a user adds to the list with "Configure Columns". */
  private static final String TALLY_COLUMNS =
      "{\""
          + NS
          + "\":[{\"label\":\"Status\",\"pinned\":true},"
          + "{\"label\":\"Workflow ID\",\"pinned\":true},"
          + "{\"label\":\"TallyStatus\",\"pinned\":false},"
          + "{\"label\":\"TallyProfile\",\"pinned\":false},"
          + "{\"label\":\"TallySpentUsd\",\"pinned\":false},"
          + "{\"label\":\"TallySpentTokens\",\"pinned\":false},"
          + "{\"label\":\"Type\",\"pinned\":false}]}";

  @RegisterExtension static final RealTemporalExtension temporal = new RealTemporalExtension();

  private static ScriptedRouter router;
  private static HoldingProxy proxy;
  private static DevStack stack;
  private static Browser browser;
  private static Map<String, String> env;
  private static JsonNode finished;
  private static JsonNode delegation;
  private static JsonNode live;

  @BeforeAll
  static void startRunsAndBrowser() throws Exception {
    RequiredTool.need(Browser.installed(), "chromium and chromedriver", Browser.HOW_TO_INSTALL);
    router = ScriptedRouter.start(0, ScriptedRouter.Options.workers(2));
    proxy = HoldingProxy.start(router.baseUrl());
    env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", temporal.dir().toString());
    env.put(WorkerConfig.TEMPORAL_ADDRESS, temporal.address());
    env.put(WorkerConfig.TALLY_DATA_DIR, temporal.dir().resolve("data").toString());
    env.put(RouterConfig.BASE_URL_ENV, proxy.baseUrl());
    env.put(RouterConfig.DRIVER_MODEL_ENV, ScriptedRouter.MODEL);
    env.put(RouterConfig.WORKER_MODEL_ENV, ScriptedRouter.MODEL);
    // A held call must outlast the checks, not time out in the router client.
    env.put(RouterConfig.TIMEOUT_ENV, String.valueOf(Duration.ofMinutes(10).toMillis()));
    // The coding agent of the delegation: greets the reader and reports what it cost.
    env.put(
        SandboxConfig.LOCAL_HARNESS,
        "printf '{\"inputTokens\":1200,\"outputTokens\":300,\"costUsd\":0.04,\"model\":\"m1\"}'"
            + " > \"$TALLY_USAGE_FILE\"; printf 'hello\\n' >> README.md; echo greeted the reader");
    env.put(SandboxConfig.TICK_INTERVAL_MS, "200");
    stack = DevStack.beside(temporal.server(), env, false);

    finished =
        tally(
            "run",
            "--task",
            FINISHED_TASK,
            "--max-tokens",
            "200000",
            "--max-usd",
            "1.00",
            "--wait",
            "--json");
    delegation =
        tally(
            "delegate",
            "code",
            "--goal",
            "greet the reader",
            "--repo",
            gitRepo(temporal.dir()).toString(),
            "--test-cmd",
            "grep -q hello README.md",
            "--typecheck-cmd",
            "true",
            "--ns",
            "docs",
            "--wait",
            "--json");
    // The live run: its first driver turn (two spawns) goes through, every later call waits.
    proxy.holdAfter(1);
    live = tally("run", "--task", LIVE_TASK, "--json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (proxy.held() < LIVE_HELD_CALLS && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(proxy.held()).as("model calls held for the live run").isEqualTo(LIVE_HELD_CALLS);
    browser = Browser.start(temporal.dir(), 1280, 900);
  }

  @AfterAll
  static void stopAll() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
      if (proxy != null) {
        proxy.release();
      }
      if (stack != null && live != null) {
        // Let the live run end, so that the worker stops with nothing in flight.
        stack
            .connection()
            .client()
            .newUntypedWorkflowStub(live.path("workflowId").asText())
            .getResult(90, TimeUnit.SECONDS, JsonNode.class);
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
      if (proxy != null) {
        proxy.close();
      }
      if (router != null) {
        router.close();
      }
    }
  }

  @Test
  void workflowList_withTallyColumns_showsReadableIdsStatusesProfilesAndSpend() throws Exception {
    String finishedId = finished.path("workflowId").asText();
    String liveId = live.path("workflowId").asText();
    String taskId = delegation.path("taskId").asText();
    assertThat(finishedId).startsWith("run-name-three-properties-of-a-conserved-");
    assertThat(liveId).startsWith("run-survey-the-budget-rules-of-a-long-");

    browser.open(temporal.server().uiUrl() + "/namespaces/" + NS + "/workflows");
    browser.putLocalStorage("namespace-workflow-table-columns", TALLY_COLUMNS);
    // The side navigation collapsed (its toggle), so that the Tally columns fit the window.
    browser.putLocalStorage("navOpen", "false");
    browser.open(temporal.server().uiUrl() + "/namespaces/" + NS + "/workflows");

    browser.awaitAll(
        List.of("TallyStatus", "TallyProfile", "TallySpentUsd", finishedId, liveId, taskId),
        Browser.PAGE_WITHIN);
    assertThat(awaitRow(finishedId, "winner"))
        .contains("COMPLETED", "SupervisedRun", "winner", "run", tokens(finished));
    assertThat(awaitRow(liveId, "running")).contains("RUNNING", "SupervisedRun", "running", "run");
    assertThat(awaitRow(taskId, "completed"))
        .contains("COMPLETED", "Delegation", "completed", "coder", "0.04", "1500");
    assertThat(awaitRow(liveId + ":s1", "RUNNING")).contains("WorkerTask");
    screenshot("ui-list.png");
    browser.putLocalStorage("navOpen", "true");
  }

  @Test
  void finishedRun_userMetadata_showsSummaryDetailsAndFinalCurrentDetails() throws Exception {
    openTab(finished.path("workflowId").asText(), "user-metadata");
    String text =
        browser.awaitAll(
            List.of(
                "Tally run: " + FINISHED_TASK + " [200,000 tokens, 8 iterations, $1.00]",
                "Tally supervised run",
                "budget: 200,000 tokens, 8 iterations, $1.00",
                "task: " + FINISHED_TASK,
                "live workers 0"),
            Browser.PAGE_WITHIN);
    assertThat(text)
        .containsPattern(
            Pattern.compile("run done · turn \\d+ · live workers 0 · tokens left \\d+"))
        .contains("usd left 0.99");
    screenshot("ui-run.png");
  }

  @Test
  void finishedRun_searchAttributes_showOutcomeProfileAndSpend() {
    openTab(finished.path("workflowId").asText(), "search-attributes");
    browser.awaitAll(
        List.of(
            "\"TallyStatus\": \"winner\"",
            "\"TallyProfile\": \"run\"",
            "\"TallySpentTokens\": " + tokens(finished),
            "\"TallySpentUsd\": " + usd(finished)),
        Browser.PAGE_WITHIN);
  }

  @Test
  void finishedRun_historyAndTimeline_showActivityTimerAndChildSummaries() throws Exception {
    String id = finished.path("workflowId").asText();
    openTab(id, "history");
    browser.awaitAll(
        List.of(
            "driver turn 0 of " + id,
            "driver turn 1 of " + id,
            "chat worker w1 (8000 tokens)",
            "chat worker w2 (8000 tokens)",
            "await_event: up to 15 s for a worker event",
            "ledger"),
        Browser.PAGE_WITHIN);
    openTab(id, "relationships");
    browser.awaitAll(List.of(id + ":s1", id + ":s2", "WorkerTask"), Browser.PAGE_WITHIN);
    openTab(id, "timeline");
    browser.awaitAll(List.of("RouterChat • driver turn 1 of " + id), Browser.PAGE_WITHIN);
    browser.scrollTo("Timeline");
    screenshot("ui-run-timeline.png");
  }

  @Test
  void liveRun_userMetadata_showsCurrentPhaseTurnAndPool() throws Exception {
    openTab(live.path("workflowId").asText(), "user-metadata");
    String text =
        browser.awaitText(
            "the live run's current details",
            t -> t.contains("run driving · turn 1 · live workers 2 · tokens left"),
            Browser.PAGE_WITHIN);
    assertThat(text).contains("Tally run: " + LIVE_TASK).contains("usd left uncapped");
    screenshot("ui-live.png");
  }

  @Test
  void liveRun_searchAttributesPendingWorkAndTimeline_showTheRunMidTurn() {
    String id = live.path("workflowId").asText();
    openTab(id, "search-attributes");
    browser.awaitAll(
        List.of("\"TallyStatus\": \"running\"", "\"TallyProfile\": \"run\""), Browser.PAGE_WITHIN);
    openTab(id, "pending-activities");
    browser.awaitAll(List.of("RouterChat", "Attempt"), Browser.PAGE_WITHIN);
    openTab(id, "timeline");
    browser.awaitAll(
        List.of(
            "chat worker w1 (8000 tokens)",
            "chat worker w2 (8000 tokens)",
            "RouterChat • driver turn 1 of " + id),
        Browser.PAGE_WITHIN);
  }

  @Test
  void liveWorker_page_showsItsSummaryCurrentDetailsAndHeldCall() {
    String id = live.path("workflowId").asText() + ":s1";
    openTab(id, "user-metadata");
    browser.awaitAll(
        List.of(
            "chat worker w1 (8000 tokens)",
            "chat worker w1 calling · call 1 of 1 · tokens spent 0 of 8000"),
        Browser.PAGE_WITHIN);
    openTab(id, "history");
    browser.awaitAll(List.of("worker call 0 of " + id), Browser.PAGE_WITHIN);
  }

  @Test
  void delegation_page_showsSummaryStatusProfileNamespaceCostAndStepSummaries() {
    String id = delegation.path("taskId").asText();
    openTab(id, "user-metadata");
    browser.awaitAll(
        List.of(
            "coder: greet the reader", "coder completed · 1 variant(s) · spent 1500 tokens, $0.04"),
        Browser.PAGE_WITHIN);
    openTab(id, "search-attributes");
    browser.awaitAll(
        List.of(
            "\"TallyStatus\": \"completed\"",
            "\"TallyProfile\": \"coder\"",
            "\"TallyNamespace\": \"docs\"",
            "\"TallySpentUsd\": 0.04",
            "\"TallySpentTokens\": 1500"),
        Browser.PAGE_WITHIN);
    openTab(id, "timeline");
    browser.awaitAll(
        List.of(
            "AcquireSandbox • acquire sandbox",
            "DriveTurn • drive turn",
            "SettleTurn • validate change",
            "ReleaseSandbox • sandbox cleanup"),
        Browser.PAGE_WITHIN);
  }

  /** Opens one tab of a workflow's page, as its tab link does. */
  private static void openTab(String workflowId, String tab) {
    browser.open(temporal.server().uiWorkflowUrl(NS, workflowId));
    // The page redirects to its latest run's timeline: /workflows/<id>/<runId>/timeline.
    String landed =
        browser.awaitText(
            "the workflow page of " + workflowId,
            t -> browser.url().matches(".*/workflows/[^/]+/[^/]+/(timeline|history).*"),
            Browser.PAGE_WITHIN);
    assertThat(landed).isNotNull();
    String base = browser.url().replaceAll("/(timeline|history)(\\?.*)?$", "");
    browser.open(base + "/" + tab);
  }

  private static String awaitRow(String workflowId, String shows) {
    long deadline = System.nanoTime() + Browser.PAGE_WITHIN.toNanos();
    String row = "";
    while (System.nanoTime() < deadline) {
      row = browser.rowText(workflowId);
      if (row.contains(shows)) {
        return row;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError(
        "the list row of " + workflowId + " never showed " + shows + ": " + row);
  }

  private static String tokens(JsonNode runJson) {
    JsonNode total = runJson.path("result").path("spentTotal");
    return String.valueOf(total.path("inputTokens").asLong() + total.path("outputTokens").asLong());
  }

  private static String usd(JsonNode runJson) {
    BigDecimal usd = runJson.path("result").path("spentTotal").path("usd").decimalValue();
    return usd.stripTrailingZeros().toPlainString();
  }

  private static void screenshot(String name) throws IOException {
    byte[] png = browser.screenshot();
    Path target = Files.createDirectories(Path.of("target", "ui-screenshots"));
    Files.write(target.resolve(name), png);
    String docs = System.getProperty(SCREENSHOTS);
    if (docs != null && !docs.isBlank()) {
      Files.write(Files.createDirectories(Path.of(docs)).resolve(name), png);
    }
  }

  private static JsonNode tally(String... args) throws IOException {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--address";
    all[args.length + 1] = temporal.address();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true)) {
      code =
          TallyCli.commandLine(env, StopSignal.manual(), Duration.ofMillis(200), o, e).execute(all);
    }
    assertThat(code).as("tally %s\n%s%s", String.join(" ", args), out, err).isZero();
    return new ObjectMapper().readTree(out.toString());
  }

  /** A git repository with one commit, for the coding delegation to change. */
  private static Path gitRepo(Path dir) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("README.md"), "# demo\n");
    Process git =
        new ProcessBuilder(
                "sh",
                "-c",
                "git init -q && git add -A"
                    + " && git -c user.name=t -c user.email=t@t commit -q -m init")
            .directory(repo.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(git.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(git.exitValue()).as("git init in %s", repo).isZero();
    return repo;
  }
}
