package io.streamgate.processor.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed pipeline file: sources and the views over them, both in file order. Structurally valid
 * (see {@link PipelineParser}); whether each view's SQL fits its sources is checked later against
 * Spark ({@code io.streamgate.processor.view.ViewPlanner}). Immutable.
 *
 * @param origin where it came from (the file name), for messages
 */
public record Pipeline(String origin, Map<String, SourceSpec> sources, Map<String, ViewSpec> views) {

  public Pipeline {
    // Map.copyOf would lose file order, which the startup log and the catalog keep.
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    views = Collections.unmodifiableMap(new LinkedHashMap<>(views));
  }
}
