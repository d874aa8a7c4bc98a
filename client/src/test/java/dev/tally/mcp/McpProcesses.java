package dev.tally.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code tally mcp} as a separate JVM, and real MCP clients (the Java SDK's) connected to it. */
final class McpProcesses {
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern SERVING = Pattern.compile("at (http://\\S+/mcp)");

  private McpProcesses() {}

  /** {@code java -cp <this test's classpath> dev.tally.cli.TallyCli mcp ...}. */
  static List<String> command(String address, String... extra) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.tally.cli.TallyCli");
    cmd.add("mcp");
    cmd.add("--address");
    cmd.add(address);
    cmd.addAll(List.of(extra));
    return cmd;
  }

  /** The environment of a server: nothing from the developer's shell that changes Tally. */
  static Map<String, String> env(McpStack stack) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("TALLY_") || k.startsWith("TEMPORAL_"));
    env.put("TALLY_DATA_DIR", stack.dir().resolve("mcp-data").toString());
    return env;
  }

  /** A Java SDK client that starts {@code tally mcp} itself, over stdio. */
  static McpSyncClient stdioClient(
      List<String> command,
      Map<String, String> env,
      List<String> stderr,
      Consumer<McpSchema.ProgressNotification> progress) {
    ServerParameters params =
        ServerParameters.builder(command.get(0))
            .args(command.subList(1, command.size()))
            .env(env)
            .build();
    StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
    transport.setStdErrorHandler(stderr::add);
    McpSyncClient client =
        McpClient.sync(transport)
            .requestTimeout(CLIENT_TIMEOUT)
            .initializationTimeout(CLIENT_TIMEOUT)
            .clientInfo(McpSchema.Implementation.builder("tally-test", "1").build())
            .progressConsumer(progress)
            .build();
    client.initialize();
    return client;
  }

  /** A Java SDK client over Streamable HTTP, with a bearer token when {@code token} is set. */
  static McpSyncClient httpClient(
      String url, String token, Consumer<McpSchema.ProgressNotification> progress) {
    int path = url.indexOf("/mcp");
    HttpRequest.Builder request = HttpRequest.newBuilder();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(url.substring(0, path))
            .endpoint("/mcp")
            .requestBuilder(request)
            .build();
    McpSyncClient client =
        McpClient.sync(transport)
            .requestTimeout(CLIENT_TIMEOUT)
            .initializationTimeout(CLIENT_TIMEOUT)
            .clientInfo(McpSchema.Implementation.builder("tally-test", "1").build())
            .progressConsumer(progress)
            .build();
    client.initialize();
    return client;
  }

  /** {@code tally mcp --http 127.0.0.1:0} (or another bind) as a child process. */
  static final class HttpServer implements AutoCloseable {
    final Process process;
    final String url;
    final List<String> stderr;

    private HttpServer(Process process, String url, List<String> stderr) {
      this.process = process;
      this.url = url;
      this.stderr = stderr;
    }

    static HttpServer start(List<String> command, Map<String, String> env) throws Exception {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<String> url = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    lines.add(line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                      url.complete(m.group(1));
                    }
                  }
                } catch (IOException e) {
                  // The process ended.
                }
                url.complete(null);
              },
              "tally-mcp-stderr");
      reader.setDaemon(true);
      reader.start();
      String found = url.get(60, TimeUnit.SECONDS);
      if (found == null) {
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("tally mcp --http did not start: " + String.join("\n", lines));
      }
      return new HttpServer(p, found, lines);
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
