package dev.tally.realserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Headless Debian Chromium driven over the W3C WebDriver protocol: a {@code chromedriver} child
 * process on a free loopback port, spoken to with {@link HttpClient} and JSON. No Selenium: its
 * OpenTelemetry dependencies clash with the worker's, and the handful of commands a page check
 * needs (navigate, run a script, take a screenshot) are a few lines each.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String HOW_TO_INSTALL =
      "install Debian's chromium and chromium-driver (`bash .ci/install-tools.sh` does)";

  /** What a page check waits for at most before it fails with the text it saw. */
  static final Duration PAGE_WITHIN = Duration.ofSeconds(30);

  private static final Duration START_WITHIN = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Chromium as root on a closed network: no sandbox (root), no GPU, and nothing that phones home
   * (without these, its connection attempts are refused many at a time and slow every start).
   */
  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--hide-scrollbars");

  private final Process driver;
  private final Path profile;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private String session;

  private Browser(Process driver, Path profile, int port) {
    this.driver = driver;
    this.profile = profile;
    this.base = "http://127.0.0.1:" + port;
  }

  /** Whether Debian's Chromium and its driver are installed. */
  static boolean installed() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /**
   * Starts chromedriver and one headless Chromium whose page is {@code width} x {@code height}
   * pixels, with a new, empty profile under {@code scratch}.
   */
  static Browser start(Path scratch, int width, int height) throws IOException {
    int port = freePort();
    Path profile = Files.createTempDirectory(scratch, "chromium-profile");
    Path log = scratch.resolve("chromedriver.log");
    ProcessBuilder pb =
        new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--log-path=" + log);
    pb.redirectErrorStream(true);
    pb.redirectOutput(
        ProcessBuilder.Redirect.appendTo(scratch.resolve("chromedriver.out").toFile()));
    Browser browser = new Browser(pb.start(), profile, port);
    try {
      browser.awaitDriver();
      browser.newSession(width, height);
      return browser;
    } catch (RuntimeException e) {
      browser.close();
      throw e;
    }
  }

  private void awaitDriver() {
    long deadline = System.nanoTime() + START_WITHIN.toNanos();
    while (true) {
      if (!driver.isAlive()) {
        throw new IllegalStateException("chromedriver exited with " + driver.exitValue());
      }
      try {
        JsonNode status = call("GET", "/status", null);
        if (status.path("ready").asBoolean(false)) {
          return;
        }
      } catch (UncheckedIOException e) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("chromedriver not ready within " + START_WITHIN);
      }
      pause(Duration.ofMillis(100));
    }
  }

  private void newSession(int width, int height) {
    ObjectNode options = JSON.createObjectNode();
    options.put("binary", CHROMIUM.toString());
    ArrayNode args = options.putArray("args");
    FLAGS.forEach(args::add);
    args.add("--window-size=" + width + "," + height);
    args.add("--user-data-dir=" + profile);
    ObjectNode body = JSON.createObjectNode();
    ObjectNode always = body.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    always.set("goog:chromeOptions", options);
    session = call("POST", "/session", body).path("sessionId").asText();
    // The window's frame takes part of --window-size; grow it until the page itself has the size.
    JsonNode inner = script("return [window.innerWidth, window.innerHeight];");
    int dw = width - inner.get(0).asInt();
    int dh = height - inner.get(1).asInt();
    if (dw != 0 || dh != 0) {
      ObjectNode rect = JSON.createObjectNode().put("width", width + dw).put("height", height + dh);
      call("POST", sessionPath("/window/rect"), rect);
    }
  }

  /** Opens {@code url} and returns once the document has loaded. */
  void open(String url) {
    ObjectNode body = JSON.createObjectNode().put("url", url);
    call("POST", sessionPath("/url"), body);
  }

  /** Runs {@code script} (a function body) in the page and returns what it returned. */
  JsonNode script(String script, Object... args) {
    ObjectNode body = JSON.createObjectNode().put("script", script);
    ArrayNode a = body.putArray("args");
    for (Object arg : args) {
      a.addPOJO(arg);
    }
    return call("POST", sessionPath("/execute/sync"), body);
  }

  /**
   * The rendered page's text, as a person reads it, followed by the text of its same-origin frames:
   * the UI renders Markdown (summaries, details, current details) in frames of its own.
   */
  String text() {
    return script(
            "const parts = [document.body ? document.body.innerText : ''];"
                + "for (const f of document.querySelectorAll('iframe')) {"
                + "  try { const d = f.contentDocument;"
                + "        if (d && d.body) parts.push(d.body.innerText); } catch (e) {} }"
                + "return parts.join('\\n');")
        .asText();
  }

  /** The text of the table row that links to {@code linkText}, or "" while there is none. */
  String rowText(String linkText) {
    return script(
            "const want = arguments[0];"
                + "const row = [...document.querySelectorAll('tr')].find(r =>"
                + "  [...r.querySelectorAll('a')].some(a => a.innerText.trim() === want));"
                + "return row ? row.innerText.replace(/\\s+/g, ' ') : '';",
            linkText)
        .asText();
  }

  /** Scrolls the first heading that reads exactly {@code heading} to the top of the window. */
  void scrollTo(String heading) {
    JsonNode found =
        script(
            "const want = arguments[0];"
                + "const h = [...document.querySelectorAll('h1,h2,h3,h4')]"
                + "  .find(e => e.innerText.trim() === want);"
                + "if (!h) return false; h.scrollIntoView(); return true;",
            heading);
    if (!found.asBoolean()) {
      throw new AssertionError("no heading '" + heading + "' at " + url());
    }
  }

  /** Stores {@code value} under {@code key} in the page origin's local storage. */
  void putLocalStorage(String key, String value) {
    script("window.localStorage.setItem(arguments[0], arguments[1]);", key, value);
  }

  /**
   * Polls the page's text until {@code ready} holds, for at most {@code within}, and returns it.
   *
   * @throws AssertionError naming {@code what} and the text last seen when it never does
   */
  String awaitText(String what, Predicate<String> ready, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = text();
      if (ready.test(text)) {
        return text;
      }
      pause(Duration.ofMillis(250));
    }
    throw new AssertionError(
        "the page at "
            + url()
            + " never showed "
            + what
            + " within "
            + within
            + "; it read:\n"
            + text);
  }

  /** Polls until the page's text contains every one of {@code needles}. */
  String awaitAll(List<String> needles, Duration within) {
    return awaitText("all of " + needles, t -> needles.stream().allMatch(t::contains), within);
  }

  String url() {
    return call("GET", sessionPath("/url"), null).asText();
  }

  /** A PNG of the window as it is now. */
  byte[] screenshot() {
    return Base64.getDecoder()
        .decode(call("GET", sessionPath("/screenshot"), null).asText().replaceAll("\\s", ""));
  }

  private String sessionPath(String suffix) {
    return "/session/" + session + suffix;
  }

  private JsonNode call(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
    JsonNode value;
    try {
      value = JSON.readTree(response.body()).path("value");
    } catch (IOException e) {
      throw new IllegalStateException(
          method + " " + path + ": not JSON (" + response.statusCode() + "): " + response.body(),
          e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "WebDriver "
              + method
              + " "
              + path
              + " answered "
              + response.statusCode()
              + ": "
              + value.path("error").asText()
              + ": "
              + value.path("message").asText());
    }
    return value;
  }

  /** Ends the session (Chromium quits), then stops chromedriver and anything it left behind. */
  @Override
  public void close() {
    if (session != null) {
      try {
        call("DELETE", sessionPath(""), null);
      } catch (RuntimeException e) {
        // Chromium may be gone already; the processes are stopped below either way.
      }
      session = null;
    }
    List<ProcessHandle> left = new ArrayList<>(driver.descendants().toList());
    driver.destroy();
    try {
      if (!driver.waitFor(10, TimeUnit.SECONDS)) {
        driver.destroyForcibly();
        driver.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
