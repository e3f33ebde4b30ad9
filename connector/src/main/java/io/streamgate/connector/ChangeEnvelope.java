package io.streamgate.connector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What progress and metrics need from a Debezium change event's value (the envelope): operation,
 * table and source position. Reads the envelope with or without the converter's embedded schema
 * ({@code {"schema":...,"payload":{...}}}).
 *
 * @param op {@code c} (insert), {@code u} (update), {@code d} (delete), {@code r} (snapshot read),
 *     {@code t} (truncate) or {@code m} (message)
 * @param table {@code schema.table} from {@code source}
 * @param lsn {@code source.lsn}, the change's position in the write-ahead log; -1 if absent
 * @param sourceTsMs {@code source.ts_ms}, when the database committed it; -1 if absent
 */
record ChangeEnvelope(String op, String table, long lsn, long sourceTsMs) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param value the event's value JSON; null for a Kafka tombstone
   * @return null for a tombstone or a value that is not a change envelope
   */
  static ChangeEnvelope parse(String value) {
    if (value == null) {
      return null;
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return null;
    }
    JsonNode payload = root.has("payload") && root.has("schema") ? root.get("payload") : root;
    if (payload == null || !payload.hasNonNull("op")) {
      return null;
    }
    JsonNode source = payload.path("source");
    String table = source.path("schema").asText("") + "." + source.path("table").asText("");
    return new ChangeEnvelope(payload.get("op").asText(), table, source.path("lsn").asLong(-1),
        source.path("ts_ms").asLong(-1));
  }

  /** A log sequence number in PostgreSQL's own notation, e.g. {@code 0/1A2B3C8}. */
  static String formatLsn(long lsn) {
    return lsn < 0 ? "-" : Long.toHexString(lsn >>> 32).toUpperCase() + "/"
        + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase();
  }
}
