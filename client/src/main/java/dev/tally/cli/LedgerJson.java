package dev.tally.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Ledger entries as the JSON the CLI and the MCP tools print: each with its {@code kind}, exactly
 * as it is written to history. Serialising an entry through a plain {@code List} or {@code Map}
 * loses the kind (Jackson writes the type id only for the declared base type), so every printed
 * list of entries goes through here.
 */
final class LedgerJson {
  private static final ObjectWriter ENTRY = Json.CANONICAL.writerFor(LedgerEntry.class);

  private LedgerJson() {}

  static ArrayNode entries(List<LedgerEntry> entries) {
    ArrayNode out = Json.CANONICAL.createArrayNode();
    for (LedgerEntry e : entries) {
      try {
        out.add(Json.parse(ENTRY.writeValueAsString(e)));
      } catch (JsonProcessingException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return out;
  }
}
