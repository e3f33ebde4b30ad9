package io.streamgate.contract.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the serving contract, so the contract stays dependency-free and both the
 * Spark processor and the Vert.x gateway read and write its messages with the same code.
 *
 * <p>Objects parse to {@link LinkedHashMap}, arrays to {@link List}, numbers to {@link Long} when
 * integral and in range, otherwise {@link Double}. All methods are stateless and thread-safe.
 */
public final class Json {
  private Json() {}

  /** Parses one JSON value that must span the whole text. */
  public static Object parse(String text) {
    JsonReader reader = new JsonReader(text, 0);
    Object value = reader.readValue();
    reader.expectEnd();
    return value;
  }

  /** Parses a JSON object, failing with {@link JsonException} for any other value. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) {
      throw new JsonException("expected a JSON object but got " + typeName(value));
    }
    return (Map<String, Object>) value;
  }

  /** Appends {@code value} as a JSON string literal, escaping what RFC 8259 requires. */
  public static StringBuilder appendString(StringBuilder out, String value) {
    out.append('"');
    int pending = 0; // start of the characters not appended yet, copied in one go
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(value, pending, i);
      pending = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.append(value, pending, value.length()).append('"');
  }

  /** A JSON string literal for {@code value}. */
  public static String quote(String value) {
    return appendString(new StringBuilder(value.length() + 2), value).toString();
  }

  /** Writes maps, lists, strings, numbers, booleans and null as compact JSON. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      appendString(out, s);
    } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      throw new JsonException("JSON has no representation for " + d);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        appendString(out, String.valueOf(e.getKey())).append(':');
        append(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof Iterable<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        append(out, item);
      }
      out.append(']');
    } else {
      throw new JsonException("cannot write " + value.getClass().getName() + " as JSON");
    }
  }

  static String typeName(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof Map) {
      return "an object";
    } else if (value instanceof List) {
      return "an array";
    } else if (value instanceof String) {
      return "a string";
    } else if (value instanceof Number) {
      return "a number";
    }
    return "a boolean";
  }

  static List<Object> newList() {
    return new ArrayList<>();
  }

  static Map<String, Object> newObject() {
    return new LinkedHashMap<>();
  }
}
