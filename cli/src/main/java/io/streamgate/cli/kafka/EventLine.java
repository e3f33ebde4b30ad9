package io.streamgate.cli.kafka;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.Map;

/**
 * One line of {@code produce} input: a JSON object and the record key taken from it.
 *
 * @param key null when the record goes without a key
 * @param value the line as given, minus surrounding blanks
 */
public record EventLine(String key, String value) {
  /** The field used for the key when no {@code --key-field} is given, if the event has it. */
  public static final String DEFAULT_KEY_FIELD = "orderId";

  /**
   * Parses {@code line}; the key is field {@code keyField} (required in every event when given),
   * else {@value #DEFAULT_KEY_FIELD} when present, else none.
   *
   * @throws IllegalArgumentException saying what is wrong with the line (no line number: the
   *     caller knows it)
   */
  public static EventLine parse(String line, String keyField) {
    String text = line.strip();
    Map<String, Object> event;
    try {
      event = Json.parseObject(text);
    } catch (JsonException e) {
      throw new IllegalArgumentException("not a JSON object (" + e.getMessage() + ")");
    }
    String field = keyField != null ? keyField : DEFAULT_KEY_FIELD;
    if (!event.containsKey(field)) {
      if (keyField != null) {
        throw new IllegalArgumentException("has no field '" + keyField + "' for the record key (--key-field)");
      }
      return new EventLine(null, text);
    }
    Object key = event.get(field);
    if (key instanceof String || key instanceof Number || key instanceof Boolean) {
      return new EventLine(String.valueOf(key), text);
    }
    throw new IllegalArgumentException("field '" + field + "' must be a string or number to be the record key, but is "
        + (key == null ? "null" : Json.write(key)));
  }
}
