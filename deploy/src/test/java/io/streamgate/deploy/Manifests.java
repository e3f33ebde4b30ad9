package io.streamgate.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every YAML document under {@code deploy/k8s} and {@code deploy/compose}, parsed with
 * snakeyaml (multi-document, duplicate keys refused), plus the other files the checks read
 * (compose's HAProxy config, the local pipeline and the gateway configs).
 *
 * @param dir       the deploy directory
 * @param k8s       Kubernetes objects (documents with apiVersion and kind)
 * @param compose   compose files (documents with a top-level {@code services})
 * @param otherYaml documents that are neither (e.g. values snippets); parsed, not checked
 */
record Manifests(Path dir, List<Doc> k8s, List<Doc> compose, List<Doc> otherYaml) {

  static Manifests load(Path dir) {
    List<Doc> k8s = new ArrayList<>();
    List<Doc> compose = new ArrayList<>();
    List<Doc> other = new ArrayList<>();
    for (String sub : List.of("k8s", "compose")) {
      for (Path file : yamlFiles(dir.resolve(sub))) {
        String name = dir.relativize(file).toString();
        for (Map<String, Object> root : parse(name, read(file))) {
          Doc doc = new Doc(name, root);
          if (doc.apiVersion() != null && doc.kind() != null) {
            k8s.add(doc);
          } else if (root.get("services") instanceof Map) {
            compose.add(doc);
          } else {
            other.add(doc);
          }
        }
      }
    }
    return new Manifests(dir, k8s, compose, other);
  }

  /** The YAML documents of one file; a document that is not a mapping is an error. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> parse(String name, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    List<Map<String, Object>> docs = new ArrayList<>();
    int index = 0;
    try {
      for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(text)) {
        index++;
        if (doc == null) {
          continue; // an empty document (e.g. after a trailing ---)
        }
        if (!(doc instanceof Map)) {
          throw new IllegalStateException(name + ": document " + index + " is not a mapping");
        }
        docs.add((Map<String, Object>) doc);
      }
    } catch (RuntimeException e) {
      if (e instanceof IllegalStateException) {
        throw e;
      }
      throw new IllegalStateException(name + ": not valid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  List<Doc> ofKind(String kind) {
    return k8s.stream().filter(d -> d.is(kind)).toList();
  }

  Doc find(String kind, String name) {
    return k8s.stream().filter(d -> d.is(kind) && name.equals(d.name())).findFirst().orElse(null);
  }

  String readFile(String relative) {
    return read(dir.resolve(relative));
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static List<Path> yamlFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
