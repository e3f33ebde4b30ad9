package io.streamgate.contract;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;

/**
 * One row of a view: the unit the processor writes, the gateway serves and change messages carry.
 *
 * <p><b>Version rule.</b> For a given view and key, a write takes effect only if its version is
 * greater than the stored one; otherwise it is ignored, atomically ({@link Scripts#WRITE_ROW}).
 * So replaying a batch after a crash changes nothing. Versions are integers from 1 to
 * {@value #MAX_VERSION} (exact in Lua's doubles).
 *
 * <p><b>JSON form</b>, used for REST responses and change messages alike, fields in this order:
 * <pre>{"view":"user_totals","key":"u1","version":42,"updatedAt":1732531200000,"value":{...}}</pre>
 * The value is kept as JSON text and never re-encoded on its way from Spark to a client.
 *
 * @param valueJson a JSON object, as text
 */
public record Row(String view, String key, long version, long updatedAt, String valueJson)
    implements Change {
  public static final long MAX_VERSION = (1L << 53) - 1;

  /** Fields of the row hash in Redis. */
  public static final String FIELD_VERSION = "version";
  public static final String FIELD_UPDATED_AT = "updatedAt";
  public static final String FIELD_VALUE = "value";

  public Row {
    Names.requireViewName(view);
    Names.requireKey(key);
    requireVersion(version);
    if (valueJson == null || valueJson.isEmpty() || valueJson.charAt(0) != '{') {
      throw new IllegalArgumentException("value must be a JSON object, but was " + valueJson);
    }
  }

  /** The JSON form of this row. */
  @Override
  public String toJson() {
    StringBuilder out = new StringBuilder(80 + view.length() + key.length() + valueJson.length());
    return appendHead(out, view, key, version, updatedAt).append(valueJson).append('}').toString();
  }

  /**
   * Everything of the JSON form before the value; the write script appends value and '}' to
   * build the change message, so the value crosses the wire to Redis once.
   */
  public static String jsonHead(String view, String key, long version, long updatedAt) {
    return appendHead(new StringBuilder(64 + key.length()), view, key, version, updatedAt)
        .toString();
  }

  private static StringBuilder appendHead(StringBuilder out, String view, String key,
      long version, long updatedAt) {
    out.append("{\"view\":");
    Json.appendString(out, view);
    out.append(",\"key\":");
    Json.appendString(out, key);
    out.append(",\"version\":").append(version);
    out.append(",\"updatedAt\":").append(updatedAt);
    return out.append(",\"value\":");
  }

  /**
   * Reads the JSON form of a row (a REST body, or a change message known to be a write). The
   * value is taken as the exact text between its delimiters, so forwarding it costs no
   * re-encoding.
   *
   * @throws JsonException if the text is not a row (a tombstone is not)
   */
  public static Row fromJson(String json) {
    if (Change.fromJson(json) instanceof Row row) {
      return row;
    }
    throw new JsonException("a deleted row's message, not a row: " + json);
  }

  static void requireVersion(long version) {
    if (version < 1 || version > MAX_VERSION) {
      throw new IllegalArgumentException(
          "version must be between 1 and " + MAX_VERSION + ", but was " + version);
    }
  }
}
