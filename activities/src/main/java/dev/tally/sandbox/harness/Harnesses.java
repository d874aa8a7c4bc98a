package dev.tally.sandbox.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The worker's named harnesses: {@code TALLY_HARNESSES}, a JSON object from name to command (e.g.
 * {@code {"claude-code": "claude -p --output-format json", "codex": "codex exec --json"}}) or to
 * {@code {"command": "...", "usage": "claude-code"|"codex"|"tally-usage-file"}} when the decoder
 * should not be guessed from the command; and {@code TALLY_LOCAL_HARNESS}, the harness a turn runs
 * when it names none (listed as {@value #DEFAULT}).
 */
public final class Harnesses {
  public static final String ENV = "TALLY_HARNESSES";

  /** The name of {@code TALLY_LOCAL_HARNESS} among the entries. */
  public static final String DEFAULT = "default";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,99}");

  private final Map<String, HarnessEntry> entries;
  private final String defaultName;

  private Harnesses(Map<String, HarnessEntry> entries, String defaultName) {
    this.entries = Map.copyOf(entries);
    this.defaultName = defaultName;
  }

  /** Only the default harness (or none). */
  public static Harnesses of(String defaultCommand) {
    return parse(null, defaultCommand);
  }

  /**
   * Reads {@code TALLY_HARNESSES} ({@code json}, may be null) next to the default command.
   *
   * @throws IllegalArgumentException naming the variable, the entry, what was expected and got
   */
  public static Harnesses parse(String json, String defaultCommand) {
    Map<String, HarnessEntry> entries = new LinkedHashMap<>();
    String def = defaultCommand == null || defaultCommand.isBlank() ? null : defaultCommand.strip();
    if (def != null) {
      entries.put(DEFAULT, new HarnessEntry(DEFAULT, def, HarnessEntry.decoderFor(def)));
    }
    if (json == null || json.isBlank()) {
      return new Harnesses(entries, def == null ? null : DEFAULT);
    }
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          ENV + ": expected a JSON object of name -> command, got " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw new IllegalArgumentException(
          ENV
              + ": expected a non-empty JSON object of name -> command, got '"
              + json.strip()
              + "'");
    }
    List<String> problems = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (!NAME.matcher(name).matches()) {
        problems.add("name '" + name + "': expected letters, digits, '.', '_', '/', ':' or '-'");
        continue;
      }
      JsonNode v = e.getValue();
      String command = null;
      UsageDecoder decoder = null;
      if (v.isTextual()) {
        command = v.asText();
      } else if (v.isObject() && v.path("command").isTextual()) {
        command = v.path("command").asText();
        JsonNode usage = v.get("usage");
        if (usage != null) {
          decoder = usage.isTextual() ? UsageDecoder.ALL.get(usage.asText()) : null;
          if (decoder == null) {
            problems.add(
                name
                    + ".usage: expected one of "
                    + new TreeSet<>(UsageDecoder.ALL.keySet())
                    + ", got "
                    + usage);
            continue;
          }
        }
      }
      if (command == null || command.isBlank()) {
        problems.add(name + ": expected a command string or {command, usage?}, got " + v);
        continue;
      }
      entries.put(
          name,
          new HarnessEntry(
              name, command.strip(), decoder == null ? HarnessEntry.decoderFor(command) : decoder));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(ENV + ": " + String.join("; ", problems));
    }
    return new Harnesses(entries, def == null ? null : DEFAULT);
  }

  /** The entry for {@code name}; null or blank means the default. */
  public Optional<HarnessEntry> find(String name) {
    String key = name == null || name.isBlank() ? defaultName : name;
    return key == null ? Optional.empty() : Optional.ofNullable(entries.get(key));
  }

  /** Whether any harness is configured. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Every configured name, sorted. */
  public List<String> names() {
    return List.copyOf(new TreeSet<>(entries.keySet()));
  }

  @Override
  public String toString() {
    // Commands may carry flags a reader should see, but never secrets (those come from the env).
    return names().toString();
  }
}
