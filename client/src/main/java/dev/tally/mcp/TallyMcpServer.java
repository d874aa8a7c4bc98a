package dev.tally.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Tally's MCP server: the tools of SPEC §10 over an MCP SDK transport. It keeps no state of its
 * own; every tool goes to Temporal through a {@link TallyBackend}, so any number of these servers,
 * and restarts of them, see the same tasks.
 */
public final class TallyMcpServer {
  /** What {@code initialize} tells the client, before any tool is listed. */
  static final String INSTRUCTIONS =
      "Tally runs long agent jobs durably on Temporal and accounts for every token and dollar."
          + " Delegate a coding task with delegate_code (or a question with delegate_research):"
          + " it returns a taskId at once. Keep working, and poll delegation_status every 15-30"
          + " seconds until the status is completed, failed or cancelled; a completed coding"
          + " task carries a validated patch. Retrying a delegate call with the same arguments"
          + " returns the same task. For a budgeted multi-agent run use supervise, then"
          + " run_status.";

  /** How long one tool call may take before the SDK gives up on it. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private TallyMcpServer() {}

  /** Every tool, in the order {@code tools/list} shows them. */
  static List<TallyTool> tools(TallyBackend backend) {
    List<TallyTool> tools = new ArrayList<>(new DelegationTools(backend).tools());
    tools.addAll(new RunTools(backend).tools());
    tools.addAll(new ObserverTools(backend).tools());
    return tools;
  }

  static List<SyncToolSpecification> specifications(TallyBackend backend) {
    return tools(backend).stream().map(ToolCalls::specification).toList();
  }

  /** Serves one client over stdin/stdout (newline-delimited JSON-RPC); returns at once. */
  public static McpSyncServer stdio(
      TallyBackend backend, String version, InputStream in, OutputStream out) {
    Objects.requireNonNull(backend, "backend");
    McpServerTransportProvider transport =
        new StdioServerTransportProvider(McpJsonDefaults.getMapper(), in, out);
    return McpServer.sync(transport)
        .serverInfo("tally", version)
        .instructions(INSTRUCTIONS)
        .capabilities(capabilities())
        .requestTimeout(REQUEST_TIMEOUT)
        .validateToolInputs(false)
        .tools(specifications(backend))
        .build();
  }

  /** Serves any number of clients over a Streamable HTTP transport. */
  public static McpSyncServer streamable(
      TallyBackend backend, String version, McpStreamableServerTransportProvider transport) {
    Objects.requireNonNull(backend, "backend");
    return McpServer.sync(transport)
        .serverInfo("tally", version)
        .instructions(INSTRUCTIONS)
        .capabilities(capabilities())
        .requestTimeout(REQUEST_TIMEOUT)
        .validateToolInputs(false)
        .tools(specifications(backend))
        .build();
  }

  private static McpSchema.ServerCapabilities capabilities() {
    return McpSchema.ServerCapabilities.builder().tools(false).build();
  }
}
