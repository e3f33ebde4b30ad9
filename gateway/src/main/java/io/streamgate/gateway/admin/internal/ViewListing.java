package io.streamgate.gateway.admin.internal;

import io.streamgate.contract.control.ViewStatus;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The admin API's view list and view description, built from what the processor keeps in Redis:
 * definitions ({@code Keyspace.viewDefinitions()}, passed through as the processor wrote them),
 * status ({@code ViewStatus}) and catalog entries. A view appears if any of the three names it
 * (a catalog entry alone: a view served from before definitions were kept). Pure and stateless.
 */
final class ViewListing {
  private ViewListing() {}

  /** {@code {"views":[summary…]}}, by name; the arguments map view name → JSON. */
  static Map<String, Object> list(Map<String, String> definitions, Map<String, String> statuses,
      Map<String, String> catalog) {
    TreeSet<String> names = new TreeSet<>(definitions.keySet());
    names.addAll(statuses.keySet());
    names.addAll(catalog.keySet());
    List<Object> views = new ArrayList<>();
    for (String name : names) {
      views.add(summary(name, definitions.get(name), statuses.get(name), catalog.get(name)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("views", views);
    return out;
  }

  /**
   * One view: name, serving version, a state line ({@code live}, {@code backfilling 63 %},
   * {@code live, v2 backfilling 63 %}, {@code failed: reason}), lag, rows and freshness of the
   * version shown, every version's state, and the definition.
   */
  static Map<String, Object> summary(String name, String definition, String status,
      String catalogEntry) {
    Object def = parsed(definition);
    Object entry = parsed(catalogEntry);
    ViewStatus viewStatus = status(status);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    VersionStatus shown = viewStatus == null ? null : shown(viewStatus);
    out.put("version", servingVersion(viewStatus, entry, def));
    out.put("state", stateLine(viewStatus, shown, entry != null));
    out.put("lagRecords", shown == null ? -1 : shown.lagRecords());
    out.put("rows", shown == null ? -1 : shown.rows());
    long watermark = shown == null ? 0 : shown.watermarkMs();
    out.put("watermarkMs", watermark);
    out.put("freshness", watermark > 0 ? Instant.ofEpochMilli(watermark).toString() : null);
    List<Object> versions = new ArrayList<>();
    if (viewStatus != null) {
      for (VersionStatus v : viewStatus.versions()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.version());
        m.put("state", v.describe());
        m.put("lagRecords", v.lagRecords());
        m.put("rows", v.rows());
        m.put("watermarkMs", v.watermarkMs());
        versions.add(m);
      }
    }
    out.put("versions", versions);
    out.put("definition", def);
    return out;
  }

  /** {@code {"sources":[{"name","definition"}…]}}, by name; the argument maps name → JSON. */
  static Map<String, Object> sources(Map<String, String> definitions) {
    List<Object> sources = new ArrayList<>();
    new TreeSet<>(definitions.keySet()).forEach(name -> {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("name", name);
      source.put("definition", parsed(definitions.get(name)));
      sources.add(source);
    });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sources", sources);
    return out;
  }

  /** Everything about one view, or null if Redis knows nothing of it. */
  static Map<String, Object> describe(String name, String definition, String status,
      String catalogEntry) {
    if (definition == null && status == null && catalogEntry == null) {
      return null;
    }
    Map<String, Object> out = summary(name, definition, status, catalogEntry);
    out.put("status", parsed(status));
    out.put("catalog", parsed(catalogEntry));
    return out;
  }

  /** The serving version's status, or the newest one's while none serves. */
  private static VersionStatus shown(ViewStatus status) {
    VersionStatus newest = null;
    for (VersionStatus v : status.versions()) {
      if (v.version() == status.serving()) {
        return v;
      }
      newest = v;
    }
    return newest;
  }

  private static long servingVersion(ViewStatus status, Object entry, Object definition) {
    if (status != null) {
      return status.serving();
    }
    if (entry instanceof Map<?, ?> m) {
      return m.get("version") instanceof Number n ? n.longValue() : 1;
    }
    if (definition instanceof Map<?, ?> m && m.get("serving") instanceof Number n) {
      return n.longValue();
    }
    return 0;
  }

  private static String stateLine(ViewStatus status, VersionStatus shown, boolean inCatalog) {
    if (shown == null) {
      return inCatalog ? "live" : "pending";
    }
    StringBuilder line = new StringBuilder(shown.describe());
    for (VersionStatus v : status.versions()) {
      if (v != shown) {
        line.append(", v").append(v.version()).append(' ').append(v.describe());
      }
    }
    return line.toString();
  }

  private static ViewStatus status(String json) {
    if (json == null) {
      return null;
    }
    try {
      return ViewStatus.fromJson(json);
    } catch (JsonException e) {
      return null;
    }
  }

  /** The JSON value, or the raw text when it does not parse (shown, never hidden). */
  private static Object parsed(String json) {
    if (json == null) {
      return null;
    }
    try {
      return Json.parse(json);
    } catch (JsonException e) {
      return json;
    }
  }
}
