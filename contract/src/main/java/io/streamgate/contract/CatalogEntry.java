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
 */
public record CatalogEntry(
    String name,
    String description,
    String keyColumn,
    ViewKind kind,
    List<Column> columns,
    String rankColumn,
    long ttlSeconds,
    long registeredAt) {

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
          number(in.get("registeredAt")));
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
