package io.streamgate.connector.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of the loaded YAML, read field by field with types checked and unknown fields
 * reported (a typo must not silently fall back to a default). Errors name the full field path.
 * Not thread-safe; used only while loading. (The gateway has the same reader; the two processes
 * share no classpath.)
 */
final class YamlSection {
  private final String path;
  private final Map<?, ?> values;
  /** Full field path → value that wins over the YAML (environment variables). */
  private final Map<String, String> overrides;
  private final Set<String> read = new LinkedHashSet<>();

  private YamlSection(String path, Map<?, ?> values, Map<String, String> overrides) {
    this.path = path;
    this.values = values;
    this.overrides = overrides;
  }

  /**
   * @param loaded    what SnakeYAML loaded, null for an empty file
   * @param overrides values by full field path (e.g. {@code http.port}) that replace the file's
   */
  static YamlSection root(Object loaded, Map<String, String> overrides) {
    if (loaded == null) {
      return new YamlSection("", Map.of(), overrides);
    }
    if (!(loaded instanceof Map<?, ?> map)) {
      throw new ConfigException(null, "must be a YAML mapping (database:, tables:, kafka:, ...), but was "
          + describe(loaded));
    }
    return new YamlSection("", map, overrides);
  }

  String path() {
    return path;
  }

  /** A nested mapping; absent or null reads as empty, so every field takes its default. */
  YamlSection section(String name) {
    Object value = take(name);
    if (value == null) {
      return new YamlSection(field(name), Map.of(), overrides);
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigException(field(name), "must be a mapping, but was " + describe(value));
    }
    return new YamlSection(field(name), map, overrides);
  }

  String string(String name, String defaultValue) {
    Object value = take(name);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Map || value instanceof List) {
      throw new ConfigException(field(name), "must be a single value, but was " + describe(value));
    }
    return value.toString().trim();
  }

  int integer(String name, int defaultValue) {
    Object value = take(name);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Integer i) {
      return i;
    }
    if (value instanceof String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new ConfigException(field(name), "must be an integer, but was " + describe(value));
  }

  boolean bool(String name, boolean defaultValue) {
    Object value = take(name);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if ("true".equals(value) || "false".equals(value)) {
      return Boolean.parseBoolean((String) value);
    }
    throw new ConfigException(field(name), "must be true or false, but was " + describe(value));
  }

  Path path(String name, Path defaultValue) {
    String value = string(name, null);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigException(field(name), "must be a file path, but was '" + value + "'");
    }
  }

  /** A list of single values as strings, or {@code defaultValue} if the field is absent. */
  List<String> strings(String name, List<String> defaultValue) {
    Object value = take(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof List<?> list)) {
      throw new ConfigException(field(name), "must be a list, but was " + describe(value));
    }
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (item == null || item instanceof Map || item instanceof List) {
        throw new ConfigException(field(name) + "[" + i + "]",
            "must be a single value, but was " + describe(item));
      }
      out.add(item.toString().trim());
    }
    return out;
  }

  /** A mapping of names to single values (e.g. client properties), empty if absent. */
  Map<String, String> stringMap(String name) {
    Object value = take(name);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigException(field(name), "must be a mapping, but was " + describe(value));
    }
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((key, item) -> {
      if (item == null || item instanceof Map || item instanceof List) {
        throw new ConfigException(field(name) + "." + key,
            "must be a single value, but was " + describe(item));
      }
      out.put(String.valueOf(key), item.toString().trim());
    });
    return out;
  }

  /** Fails on the first field that no reader asked for. Call after reading every field. */
  void rejectUnknownFields() {
    for (Object key : values.keySet()) {
      if (!read.contains(String.valueOf(key))) {
        throw new ConfigException(field(String.valueOf(key)),
            "is not a known field; expected one of " + read);
      }
    }
  }

  private Object take(String name) {
    read.add(name);
    String override = overrides.get(field(name));
    return override != null ? override : values.get(name);
  }

  private String field(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String describe(Object value) {
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    return String.valueOf(value);
  }
}
