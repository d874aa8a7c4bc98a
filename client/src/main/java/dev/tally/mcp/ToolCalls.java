package dev.tally.mcp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tally.json.Json;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link TallyTool} into the SDK's tool specification: arguments checked against the tool's
 * schema first, results as {@code structuredContent} plus the same JSON as text, and every failure
 * as a tool result with {@code isError: true} (the stack trace goes to the log on stderr, never
 * into the result).
 */
final class ToolCalls {
  private static final Logger log = LoggerFactory.getLogger(ToolCalls.class);

  /** Results keep their field order (the records' order), readable for a model. */
  private static final ObjectMapper RESULT_JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .build();

  /** Reads arguments as sent: an explicit null stays null, so the error can say "got null". */
  private static final ObjectMapper ARGUMENTS = JsonMapper.builder().build();

  private ToolCalls() {}

  static SyncToolSpecification specification(TallyTool tool) {
    McpSchema.Tool described =
        McpSchema.Tool.builder(tool.name(), tool.input().json())
            .title(tool.title())
            .description(tool.description())
            .annotations(
                new McpSchema.ToolAnnotations(
                    tool.title(),
                    tool.readOnly(),
                    !tool.readOnly() && !tool.idempotent(),
                    tool.idempotent(),
                    false,
                    null))
            .build();
    return SyncToolSpecification.builder()
        .tool(described)
        .callHandler((exchange, request) -> call(tool, exchange, request))
        .build();
  }

  static CallToolResult call(
      TallyTool tool, McpSyncServerExchange exchange, CallToolRequest request) {
    try {
      JsonNode args =
          ARGUMENTS.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
      List<Problem> problems = tool.input().problems(args);
      if (!problems.isEmpty()) {
        throw ToolFailure.invalid(tool.name(), problems);
      }
      Object result = tool.handler().handle(args, progress(exchange, request));
      return success(result);
    } catch (ToolFailure e) {
      log.info("{}: {} ({})", tool.name(), e.getMessage(), e.kind());
      return failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failure(new ToolFailure(ToolFailure.FAILED, tool.name() + ": interrupted"));
    } catch (RuntimeException e) {
      log.warn("{}: unexpected failure", tool.name(), e);
      return failure(
          new ToolFailure(
              ToolFailure.FAILED,
              tool.name()
                  + ": unexpected error: "
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()))));
    }
  }

  private static TallyTool.ProgressReporter progress(
      McpSyncServerExchange exchange, CallToolRequest request) {
    Object token = request.meta() == null ? null : request.meta().get("progressToken");
    if (token == null || exchange == null) {
      return TallyTool.ProgressReporter.NONE;
    }
    return (progress, message) -> {
      try {
        exchange.progressNotification(
            new McpSchema.ProgressNotification(token, progress, null, message, null));
      } catch (RuntimeException e) {
        // A client that went away mid-call loses its progress, not the call's result.
        log.debug("progress notification not delivered: {}", e.toString());
      }
    };
  }

  static CallToolResult success(Object result) {
    Object structured = Json.CANONICAL.convertValue(result, Object.class);
    return CallToolResult.builder()
        .structuredContent(structured)
        .addTextContent(text(structured))
        .isError(false)
        .build();
  }

  static CallToolResult failure(ToolFailure e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("kind", e.kind());
    error.put("message", e.getMessage());
    if (!e.problems().isEmpty()) {
      error.put("problems", e.problems());
    }
    Map<String, Object> doc = Map.of("error", error);
    return CallToolResult.builder()
        .structuredContent(Json.CANONICAL.convertValue(doc, Object.class))
        .addTextContent(e.getMessage())
        .isError(true)
        .build();
  }

  private static String text(Object result) {
    try {
      return RESULT_JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      return String.valueOf(result);
    }
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
