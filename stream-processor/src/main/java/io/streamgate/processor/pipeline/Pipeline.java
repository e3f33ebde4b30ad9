package io.streamgate.processor.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed pipeline file: stream sources, lookup tables ({@code kind: table} sources) and the
 * views over them, all in file order. Structurally valid
 * (see {@link PipelineParser}); whether each view's SQL fits its sources is checked later against
 * Spark ({@code io.streamgate.processor.view.ViewPlanner}). Immutable.
 *
 * @param origin where it came from (the file name), for messages
 */
public record Pipeline(String origin, Map<String, SourceSpec> sources,
    Map<String, TableSpec> tables, Map<String, ViewSpec> views) {

  public Pipeline {
    // Map.copyOf would lose file order, which the startup log and the catalog keep.
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    views = Collections.unmodifiableMap(new LinkedHashMap<>(views));
  }

  /** A pipeline without lookup tables. */
  public Pipeline(String origin, Map<String, SourceSpec> sources, Map<String, ViewSpec> views) {
    this(origin, sources, Map.of(), views);
  }

  /** Names of every source views may read: streams, then lookup tables. */
  public java.util.List<String> sourceNames() {
    java.util.List<String> names = new java.util.ArrayList<>(sources.keySet());
    names.addAll(tables.keySet());
    return names;
  }
}
