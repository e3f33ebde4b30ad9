package io.streamgate.contract;

import io.streamgate.contract.json.JsonException;
import io.streamgate.contract.json.JsonReader;

/**
 * What a change message says happened to one row of a view: it was written ({@link Row}) or
 * deleted ({@link Tombstone}). Both carry the version that ordered the change, so a reader can
 * drop anything older than what it already has.
 */
public sealed interface Change permits Row, Tombstone {
  String view();

  String key();

  long version();

  /** The JSON form, as published on the view's change channel. */
  String toJson();

  /**
   * Reads a change message: a row's JSON form, or a tombstone's ({@code "deleted":true} and no
   * value). Unknown fields are ignored; the value's text is kept exactly.
   *
   * @throws JsonException if the text is neither
   */
  static Change fromJson(String json) {
    JsonReader reader = new JsonReader(json, 0);
    String view = null;
    String key = null;
    Long version = null;
    long updatedAt = 0;
    String value = null;
    boolean deleted = false;
    reader.expect('{');
    if (!reader.consumeIf('}')) {
      do {
        String field = reader.readString();
        reader.expect(':');
        switch (field) {
          case "view" -> view = reader.readString();
          case "key" -> key = reader.readString();
          case "version" -> version = asLong(reader.readValue(), "version");
          case "updatedAt" -> updatedAt = asLong(reader.readValue(), "updatedAt");
          case "deleted" -> deleted = Boolean.TRUE.equals(reader.readValue());
          case "value" -> {
            int start = reader.skipValue();
            value = json.substring(start, reader.position());
          }
          default -> reader.readValue();
        }
      } while (reader.consumeIf(','));
      reader.expect('}');
    }
    reader.expectEnd();
    if (view == null || key == null || version == null || (value == null && !deleted)) {
      throw new JsonException(
          "a change needs view, key, version and value (or deleted): " + abbreviate(json));
    }
    try {
      return deleted
          ? new Tombstone(view, key, version, updatedAt)
          : new Row(view, key, version, updatedAt, value);
    } catch (IllegalArgumentException e) {
      throw new JsonException(e.getMessage());
    }
  }

  private static long asLong(Object value, String field) {
    if (value instanceof Long l) {
      return l;
    }
    throw new JsonException(field + " must be an integer, but was " + value);
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "…";
  }
}
