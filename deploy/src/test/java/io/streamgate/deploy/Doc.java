package io.streamgate.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One YAML document of a manifest file, with path lookups that never throw: a missing or
 * mistyped field reads as null (or an empty list/map), and the checks report it.
 *
 * @param file  the file, relative to the deploy directory (for messages)
 * @param root  the parsed document
 */
record Doc(String file, Map<String, Object> root) {

  String kind() {
    return Y.str(root, "kind");
  }

  String name() {
    return Y.str(root, "metadata.name");
  }

  String apiVersion() {
    return Y.str(root, "apiVersion");
  }

  boolean is(String kind) {
    return kind.equals(kind());
  }

  /** "k8s/base/gateway/deployment.yaml: Deployment/streamgate-gateway", for messages. */
  String where() {
    return file + ": " + kind() + "/" + name();
  }

  /** YAML lookups by dotted path ("spec.template.spec"); lists are not indexed by path. */
  static final class Y {
    private Y() {}

    static Object get(Object node, String path) {
      Object current = node;
      for (String part : path.split("\\.")) {
        if (!(current instanceof Map<?, ?> map)) {
          return null;
        }
        current = map.get(part);
      }
      return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String path) {
      Object value = get(node, path);
      return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node) {
      return node instanceof Map<?, ?> ? (Map<String, Object>) node : Map.of();
    }

    /** The list's map elements (other elements are skipped). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object node, String path) {
      List<Map<String, Object>> out = new ArrayList<>();
      if (get(node, path) instanceof List<?> list) {
        for (Object item : list) {
          if (item instanceof Map<?, ?>) {
            out.add((Map<String, Object>) item);
          }
        }
      }
      return out;
    }

    static List<String> strings(Object node, String path) {
      List<String> out = new ArrayList<>();
      if (get(node, path) instanceof List<?> list) {
        list.forEach(item -> out.add(String.valueOf(item)));
      }
      return out;
    }

    static String str(Object node, String path) {
      Object value = get(node, path);
      return value == null ? null : String.valueOf(value);
    }

    /** A map's entry by its exact key (keys like {@code gateway.yaml} contain dots). */
    static String field(Map<String, Object> map, String key) {
      Object value = map.get(key);
      return value == null ? null : String.valueOf(value);
    }

    static boolean isTrue(Object node, String path) {
      return Boolean.TRUE.equals(get(node, path));
    }
  }
}
