package io.streamgate.cli.views;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A pipeline file (a {@code views:} map, optionally {@code sources:}) read as the JSON-ready
 * map the admin API takes; the processor validates its content. Stateless.
 */
final class PipelineFile {
  private PipelineFile() {}

  /** @throws IOException naming the file and the problem */
  static Map<String, Object> read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file");
    }
    return parse(text, file.toString());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String yaml, String source) throws IOException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object loaded;
    try {
      loaded = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (MarkedYAMLException e) {
      String where = e.getProblemMark() == null ? ""
          : " (line " + (e.getProblemMark().getLine() + 1) + ")";
      throw new IOException(source + " is not valid YAML: " + e.getProblem() + where);
    } catch (YAMLException e) {
      throw new IOException(source + " is not valid YAML: " + e.getMessage());
    }
    if (!(loaded instanceof Map<?, ?> map) || !(map.get("views") instanceof Map<?, ?>
        || map.get("sources") instanceof Map<?, ?>)) {
      throw new IOException(source + " is no pipeline: it needs a views: map (and may have a"
          + " sources: map), as in deploy/local/pipeline.yaml");
    }
    return (Map<String, Object>) jsonReady(map);
  }

  /** YAML's extra types as JSON has them: timestamps as text, keys as strings. */
  private static Object jsonReady(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), jsonReady(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(PipelineFile::jsonReady).toList();
    }
    if (value instanceof Date date) {
      return date.toInstant().toString();
    }
    if (value instanceof byte[]) {
      throw new IllegalArgumentException("binary values are not supported in a pipeline");
    }
    return value;
  }
}
