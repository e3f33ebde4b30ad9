package io.streamgate.cli.demo;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The view names a pipeline file declares: the demo is ready once the gateway lists all of them.
 * Only reads names; the processor owns the format and its validation. Stateless.
 */
final class PipelineViews {
  private PipelineViews() {}

  static List<String> names(Path pipeline) throws IOException {
    Object root;
    try (Reader reader = Files.newBufferedReader(pipeline, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (RuntimeException e) {
      throw new IOException(pipeline + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root instanceof Map<?, ?> map && map.get("views") instanceof Map<?, ?> views && !views.isEmpty()) {
      return views.keySet().stream().map(String::valueOf).sorted().toList();
    }
    throw new IOException(pipeline + ": field 'views' is missing or empty");
  }
}
