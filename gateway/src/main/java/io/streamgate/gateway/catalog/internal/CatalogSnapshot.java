package io.streamgate.gateway.catalog.internal;

import io.streamgate.contract.CatalogEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One immutable state of the catalog: entries by name, plus the ordered list for listing. */
record CatalogSnapshot(boolean loaded, Map<String, CatalogEntry> byName, List<CatalogEntry> ordered) {
  static final CatalogSnapshot NOT_LOADED = new CatalogSnapshot(false, Map.of(), List.of());

  static CatalogSnapshot of(Map<String, CatalogEntry> entries) {
    List<CatalogEntry> ordered = new ArrayList<>(entries.values());
    ordered.sort(Comparator.comparing(CatalogEntry::name));
    return new CatalogSnapshot(true, Map.copyOf(new TreeMap<>(entries)), List.copyOf(ordered));
  }
}
