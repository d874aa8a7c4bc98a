package dev.tally.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HeaderAccessor;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * {@code tally mcp --http HOST:PORT}: the MCP Streamable HTTP transport at {@code /mcp}, served by
 * an embedded Tomcat.
 *
 * <p>A loopback bind accepts only loopback {@code Host} and {@code Origin} headers, which keeps a
 * web page from reaching the server through DNS rebinding. With a token, every request must carry
 * {@code Authorization: Bearer <token>}; a bind to any other address requires one, since the tools
 * start work that spends money.
 */
public final class HttpEndpoint implements AutoCloseable {
  /** The path of the MCP endpoint. */
  public static final String PATH = "/mcp";

  /** How often an idle stream gets a ping, so proxies do not close it. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

  private final Tomcat tomcat;
  private final McpSyncServer server;
  private final Path baseDir;
  private final String host;

  private HttpEndpoint(Tomcat tomcat, McpSyncServer server, Path baseDir, String host) {
    this.tomcat = tomcat;
    this.server = server;
    this.baseDir = baseDir;
    this.host = host;
  }

  /** Whether {@code host} names a loopback address (127.0.0.0/8, ::1, localhost). */
  public static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Binds and starts serving.
   *
   * @param token the bearer token every request must carry, or null for none (loopback only)
   * @throws IllegalArgumentException for a non-loopback bind without a token
   */
  public static HttpEndpoint start(
      TallyBackend backend, String version, String host, int port, String token)
      throws IOException {
    Objects.requireNonNull(host, "host");
    boolean loopback = loopback(host);
    if (!loopback && (token == null || token.isBlank())) {
      throw new IllegalArgumentException(
          "--http "
              + host
              + ":"
              + port
              + ": expected a loopback address (127.0.0.1, ::1, localhost) or a bearer token in"
              + " TALLY_MCP_TOKEN, got a non-loopback address and no token: anyone who reaches"
              + " it could start paid work");
    }
    java.util.logging.Logger.getLogger("org.apache").setLevel(Level.WARNING);
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(McpJsonDefaults.getMapper())
            .mcpEndpoint(PATH)
            .keepAliveInterval(KEEP_ALIVE)
            .httpHeaderValidator(loopback ? new LoopbackHeaders() : ServerHttpHeaderValidator.NOOP)
            .build();
    McpSyncServer server = TallyMcpServer.streamable(backend, version, transport);
    Path baseDir = Files.createTempDirectory("tally-mcp-http");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(port);
    connector.setProperty("address", host);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", baseDir.toString());
    Wrapper wrapper = Tomcat.addServlet(context, "mcp", transport);
    wrapper.setAsyncSupported(true);
    context.addServletMapping("/*", "mcp");
    if (token != null && !token.isBlank()) {
      FilterDef def = new FilterDef();
      def.setFilterName("bearer");
      def.setFilter(new BearerFilter(token));
      def.setAsyncSupported("true");
      context.addFilterDef(def);
      FilterMap map = new FilterMap();
      map.setFilterName("bearer");
      map.addURLPattern("/*");
      context.addFilterMap(map);
    }
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      server.close();
      throw new IOException("cannot serve MCP on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    if (connector.getLocalPort() <= 0) {
      server.close();
      stop(tomcat, baseDir);
      throw new IOException(
          "cannot bind " + host + ":" + port + " (in use, or not an address here)");
    }
    return new HttpEndpoint(tomcat, server, baseDir, host);
  }

  public int port() {
    return tomcat.getConnector().getLocalPort();
  }

  /** The URL a client connects to. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port() + PATH;
  }

  @Override
  public void close() {
    server.closeGracefully();
    stop(tomcat, baseDir);
  }

  private static void stop(Tomcat tomcat, Path baseDir) {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      // Shutting down anyway; the port is released with the process.
    }
    try (Stream<Path> files = Files.walk(baseDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temp dir left behind is harmless.
    }
  }

  /**
   * Accepts only loopback {@code Host} and {@code Origin} headers: a web page that rebinds its
   * domain to 127.0.0.1 still sends its own name, and is refused.
   */
  static final class LoopbackHeaders implements ServerHttpHeaderValidator {
    private static final java.util.regex.Pattern HOST =
        java.util.regex.Pattern.compile("(127(\\.\\d{1,3}){3}|localhost|\\[::1\\])(:\\d+)?");

    @Override
    public void validate(HeaderAccessor headers) throws ServerTransportSecurityException {
      String host = first(headers, "Host");
      if (host == null || !HOST.matcher(host.toLowerCase(java.util.Locale.ROOT)).matches()) {
        throw new ServerTransportSecurityException(
            421, "Invalid Host header: expected a loopback host");
      }
      String origin = first(headers, "Origin");
      if (origin != null
          && !origin.isBlank()
          && !HOST.matcher(origin.toLowerCase(java.util.Locale.ROOT).replaceFirst("^https?://", ""))
              .matches()) {
        throw new ServerTransportSecurityException(
            403, "Invalid Origin header: expected a loopback origin");
      }
    }

    private static String first(HeaderAccessor headers, String name) {
      java.util.List<String> values = headers.getHeader(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /** Refuses any request without the bearer token, before the MCP transport sees it. */
  static final class BearerFilter implements Filter {
    private final byte[] expected;

    BearerFilter(String token) {
      this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      String given = ((HttpServletRequest) request).getHeader("Authorization");
      byte[] got = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
      // Constant-time, so the answer's timing does not reveal how much of a guess was right.
      if (MessageDigest.isEqual(expected, got)) {
        chain.doFilter(request, response);
        return;
      }
      HttpServletResponse http = (HttpServletResponse) response;
      http.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      http.setHeader("WWW-Authenticate", "Bearer realm=\"tally\"");
      http.setContentType("application/json");
      http.getWriter()
          .write(
              "{\"error\":\""
                  + (given == null ? "missing" : "wrong")
                  + " bearer token: send Authorization: Bearer <the TALLY_MCP_TOKEN of this"
                  + " server>\"}");
    }
  }
}
