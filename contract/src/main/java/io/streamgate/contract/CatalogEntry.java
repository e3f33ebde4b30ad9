package io.streamgate.contract;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the processor tells the gateway about a view, stored in the catalog hash under the view's
 * name. The gateway discovers views only from here. Unknown JSON fields are ignored when reading,
 * so either side can be upgraded first.
 *
 * @param keyColumn  the column (or expression) the row key comes from, for humans
 * @param columns    the value's columns with Spark SQL type names
 * @param rankColumn numeric column the view is ranked by, or null
 * @param ttlSeconds how long rows live after their last write, 0 for ever
 * @param registeredAt epoch milliseconds of this registration
 * @param version    the view version that serves reads and push under the view's name; its rows
 *     live in {@link Names#table}{@code (name, version)}. A changed view gets a new version
 *     that backfills beside this one; the switch is a new entry with the new version.
 * @param otherVersions versions readable explicitly besides {@code version}: one backfilling,
 *     or one retiring after a switch; empty otherwise
 * @param indexes    columns of the value the processor keeps value indexes of ({@link Indexes},
 *     {@link Keyspace#valueIndex}), for filtered reads and subscriptions; empty for none (and
 *     when the JSON has no {@code indexes}, as entries from before indexes existed)
 */
public record CatalogEntry(
    String name,
    String description,
    String keyColumn,
    ViewKind kind,
    List<Column> columns,
    String rankColumn,
    long ttlSeconds,
    long registeredAt,
    long version,
    List<Long> otherVersions,
    List<String> indexes) {

  /** A column of a view's value. */
  public record Column(String name, String type) {
    public Column {
      if (name == null || name.isEmpty() || type == null || type.isEmpty()) {
        throw new IllegalArgumentException("a column needs a name and a type");
      }
    }
  }

  public CatalogEntry {
    Names.requireViewName(name);
    description = description == null ? "" : description;
    if (keyColumn == null || keyColumn.isEmpty()) {
      throw new IllegalArgumentException("view " + name + ": key column is empty");
    }
    if (kind == null) {
      throw new IllegalArgumentException("view " + name + ": kind is missing");
    }
    columns = List.copyOf(columns);
    if (rankColumn != null
        && columns.stream().noneMatch(c -> c.name().equals(rankColumn))) {
      throw new IllegalArgumentException(
          "view " + name + ": rank column '" + rankColumn + "' is not one of its columns");
    }
    if (ttlSeconds < 0) {
      throw new IllegalArgumentException(
          "view " + name + ": ttlSeconds must be >= 0, but was " + ttlSeconds);
    }
    if (version < 1) {
      throw new IllegalArgumentException(
          "view " + name + ": version must be >= 1, but was " + version);
    }
    otherVersions = List.copyOf(otherVersions);
    for (long other : otherVersions) {
      if (other < 1 || other == version) {
        throw new IllegalArgumentException("view " + name + ": other version " + other
            + " must be >= 1 and differ from the serving version " + version);
      }
    }
    try {
      indexes = Indexes.requireColumns(indexes == null ? List.of() : indexes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("view " + name + ": " + e.getMessage());
    }
    for (String index : indexes) {
      if (columns.stream().noneMatch(c -> c.name().equals(index))) {
        throw new IllegalArgumentException(
            "view " + name + ": index column '" + index + "' is not one of its columns");
      }
    }
  }

  /** An entry without indexes. */
  public CatalogEntry(String name, String description, String keyColumn, ViewKind kind,
      List<Column> columns, String rankColumn, long ttlSeconds, long registeredAt, long version,
      List<Long> otherVersions) {
    this(name, description, keyColumn, kind, columns, rankColumn, ttlSeconds, registeredAt,
        version, otherVersions, List.of());
  }

  /** This entry, served by {@code serving} with {@code others} readable too. */
  public CatalogEntry withVersions(long serving, List<Long> others) {
    return new CatalogEntry(name, description, keyColumn, kind, columns, rankColumn, ttlSeconds,
        registeredAt, serving, others, indexes);
  }

  /** Whether the processor keeps a value index of {@code column}. */
  public boolean indexed(String column) {
    return indexes.contains(column);
  }

  /** An entry of a view's first version, with no other version readable. */
  public CatalogEntry(String name, String description, String keyColumn, ViewKind kind,
      List<Column> columns, String rankColumn, long ttlSeconds, long registeredAt) {
    this(name, description, keyColumn, kind, columns, rankColumn, ttlSeconds, registeredAt, 1,
        List.of(), List.of());
  }

  /** Where the serving version's rows, index and change channel live. */
  public String table() {
    return Names.table(name, version);
  }

  /** Whether {@code v} can be read now: the serving version or one of the others. */
  public boolean readable(long v) {
    return v == version || otherVersions.contains(v);
  }

  public boolean ranked() {
    return rankColumn != null;
  }

  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("description", description);
    out.put("key", keyColumn);
    out.put("kind", kind.wireName());
    List<Object> cols = new ArrayList<>();
    for (Column c : columns) {
      Map<String, Object> col = new LinkedHashMap<>();
      col.put("name", c.name());
      col.put("type", c.type());
      cols.add(col);
    }
    out.put("columns", cols);
    out.put("rank", rankColumn);
    out.put("ttlSeconds", ttlSeconds);
    out.put("registeredAt", registeredAt);
    out.put("version", version);
    out.put("otherVersions", otherVersions);
    if (!indexes.isEmpty()) { // absent when empty: the JSON of views without indexes is unchanged
      out.put("indexes", indexes);
    }
    return Json.write(out);
  }

  /** @throws JsonException naming the problem, if the text is not a catalog entry */
  public static CatalogEntry fromJson(String json) {
    Map<String, Object> in = Json.parseObject(json);
    try {
      List<Column> columns = new ArrayList<>();
      for (Object o : list(in.get("columns"))) {
        Map<?, ?> col = (Map<?, ?>) o;
        columns.add(new Column((String) col.get("name"), (String) col.get("type")));
      }
      return new CatalogEntry(
          (String) in.get("name"),
          (String) in.get("description"),
          (String) in.get("key"),
          ViewKind.fromWireName((String) in.get("kind")),
          columns,
          (String) in.get("rank"),
          number(in.get("ttlSeconds")),
          number(in.get("registeredAt")),
          in.get("version") == null ? 1 : number(in.get("version")),
          list(in.get("otherVersions")).stream().map(v -> ((Number) v).longValue()).toList(),
          list(in.get("indexes")).stream().map(v -> (String) v).toList());
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new JsonException("not a catalog entry (" + e.getMessage() + "): " + json);
    }
  }

  private static List<?> list(Object value) {
    return value == null ? List.of() : (List<?>) value;
  }

  private static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }
}
