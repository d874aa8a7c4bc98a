package dev.tally.cli;

import dev.tally.mcp.HttpEndpoint;
import dev.tally.mcp.TallyMcpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally mcp}: a Model Context Protocol server, so coding agents (Claude Code, Codex, Cursor)
 * delegate to Tally. Every tool goes to Temporal like every other command; the server keeps no
 * state, so restarts and any number of servers see the same tasks.
 */
@Command(
    name = "mcp",
    description = {
      "Serve Tally's tools over the Model Context Protocol: stdio (the default; stdout carries"
          + " only protocol messages, logs go to stderr) or Streamable HTTP with --http.",
      "Tools: delegate_code, delegate_research, delegation_status, delegation_history,"
          + " delegate_feedback, delegation_cancel, supervise, run_status, run_raise_budget,"
          + " run_cancel. See README, `tally mcp`."
    })
final class McpCommand extends TallyCommand {
  /** The bearer token of the HTTP transport (required for a non-loopback bind). */
  static final String TOKEN_ENV = "TALLY_MCP_TOKEN";

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      description =
          "Serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio (e.g. 127.0.0.1:8765;"
              + " port 0 picks a free one). A non-loopback HOST needs $"
              + TOKEN_ENV
              + ".")
  String http;

  @Override
  public Integer call() throws Exception {
    root.stop().arm();
    try (TemporalBackend backend = new TemporalBackend(root)) {
      if (http == null) {
        return stdio(backend);
      }
      return http(backend);
    } finally {
      root.stop().cleanedUp();
    }
  }

  private int stdio(TemporalBackend backend) throws InterruptedException {
    // The protocol owns the real stdout. Anything else that prints (a library, a stray
    // System.out) goes to stderr, so it cannot corrupt the JSON-RPC stream.
    OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
    System.setOut(
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
    InputStream in = new EndOfInput(new FileInputStream(FileDescriptor.in), root.stop());
    McpSyncServer server = TallyMcpServer.stdio(backend, version(), in, protocolOut);
    err()
        .println(
            "tally mcp: serving MCP on stdio; Temporal at "
                + root.address()
                + " (namespace "
                + root.namespace()
                + ", task queue "
                + root.taskQueue()
                + ")");
    err().flush();
    try {
      root.stop().awaitStop();
    } finally {
      server.closeGracefully();
    }
    return ExitCode.OK;
  }

  private int http(TemporalBackend backend) throws Exception {
    int colon = http.lastIndexOf(':');
    int port;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(http.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (colon <= 0 || port < 0 || port > 65535) {
      throw new CliException(
          ExitCode.USAGE, "--http: expected HOST:PORT such as 127.0.0.1:8765, got '" + http + "'");
    }
    String host = http.substring(0, colon).replaceAll("^\\[|\\]$", "");
    String token = root.env().get(TOKEN_ENV);
    HttpEndpoint endpoint;
    try {
      endpoint = HttpEndpoint.start(backend, version(), host, port, token);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage());
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, "--http: " + e.getMessage());
    }
    try (endpoint) {
      err()
          .println(
              "tally mcp: serving MCP (Streamable HTTP) at "
                  + endpoint.url()
                  + (token == null || token.isBlank()
                      ? " without a token (loopback only)"
                      : " with bearer token from $" + TOKEN_ENV)
                  + "; Temporal at "
                  + root.address());
      err().flush();
      root.stop().awaitStop();
    }
    return ExitCode.OK;
  }

  private String version() {
    String[] v = spec.root().version();
    return v.length == 0 ? "0" : v[0].replaceFirst("^tally ", "");
  }

  /**
   * Stdin that stops the command when the client closes it: a stdio server ends with its client.
   */
  private static final class EndOfInput extends FilterInputStream {
    private final StopSignal stop;

    EndOfInput(InputStream in, StopSignal stop) {
      super(in);
      this.stop = stop;
    }

    @Override
    public int read() throws IOException {
      return ended(super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return ended(super.read(b, off, len));
    }

    private int ended(int n) {
      if (n < 0) {
        stop.requestStop();
      }
      return n;
    }
  }
}
