package io.streamgate.contract;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Declared value indexes of a view ({@code indexes: [userId, status]}): which columns may be
 * indexed, and the one rule that turns a column's JSON value into the text it is indexed and
 * filtered under. The processor indexes with it ({@link Scripts#indexRowArgs}), the gateway
 * filters and re-checks rows with it ({@link #matches}), so both always agree. Stateless.
 *
 * <p><b>Indexed text</b> of a value: a string as it is; a whole number (also {@code 5.0}) in
 * decimal without fraction ({@code 5}); another number as Java's {@link Double#toString}; a
 * boolean as {@code true}/{@code false}. Null, objects, arrays, and texts longer than
 * {@value #MAX_VALUE_CHARS} characters are not indexed: such a row matches no filter on that
 * column. Bounded so an index key stays small whatever the data.
 */
public final class Indexes {
  /** Most indexes one view may declare: each costs every write of the view one more set update. */
  public static final int MAX_INDEXES = 8;
  /** Longest indexed value, in characters; longer values are not indexed. */
  public static final int MAX_VALUE_CHARS = 128;
  /** Indexed columns are plain names, so {@code <column>:<value>} in an index key is unambiguous. */
  public static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private Indexes() {}

  /** Why {@code column} cannot be indexed by name alone, or null if it can. */
  public static String columnNameProblem(String column) {
    if (column == null || !COLUMN_NAME.matcher(column).matches()) {
      return "index column '" + column + "' must match " + COLUMN_NAME.pattern();
    }
    return null;
  }

  /**
   * The indexed text of each of {@code columns} in the row value {@code valueJson}, in
   * {@code columns}' order; a column whose value is not indexed ({@link Indexes}) is left out.
   *
   * @throws JsonException if {@code valueJson} is not a JSON object
   */
  public static Map<String, String> values(Collection<String> columns, String valueJson) {
    Map<String, Object> value = Json.parseObject(valueJson);
    Map<String, String> out = new LinkedHashMap<>();
    for (String column : columns) {
      String text = text(value.get(column));
      if (text != null) {
        out.put(column, text);
      }
    }
    return out;
  }

  /** The indexed text of one parsed JSON value, or null if such a value is not indexed. */
  public static String text(Object value) {
    String text;
    if (value instanceof String s) {
      text = s;
    } else if (value instanceof Long || value instanceof Integer) {
      text = value.toString();
    } else if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        return null;
      }
      text = d == Math.rint(d) && Math.abs(d) < 0x1p53 ? Long.toString(d.longValue())
          : Double.toString(d);
    } else if (value instanceof Boolean b) {
      text = b.toString();
    } else {
      return null;
    }
    return text.length() <= MAX_VALUE_CHARS ? text : null;
  }

  /**
   * Whether the row value {@code valueJson} has, for every column of {@code where}, exactly that
   * indexed text. What a reader re-checks on each row an index pointed it to: on a Redis Cluster
   * the index may briefly lag the row (see docs/contract.md).
   */
  public static boolean matches(Map<String, String> where, String valueJson) {
    Map<String, Object> value;
    try {
      value = Json.parseObject(valueJson);
    } catch (JsonException e) {
      return false;
    }
    for (Map.Entry<String, String> condition : where.entrySet()) {
      if (!condition.getValue().equals(text(value.get(condition.getKey())))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A filter as a client gave it ({@code column → value as typed}), checked against the view and
   * turned into indexed texts: every column must be one of the entry's indexes, and a value of a
   * numeric or boolean column is read as such ({@code ?amount=5.0} finds {@code 5}). Order kept.
   *
   * @throws IllegalArgumentException naming the view's indexes, if a column is not indexed or a
   *     value does not fit its column; the message is meant for the client
   */
  public static Map<String, String> where(CatalogEntry entry, Map<String, String> given) {
    if (given.isEmpty()) {
      throw new IllegalArgumentException("a filter needs at least one column");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> condition : given.entrySet()) {
      String column = condition.getKey();
      if (!entry.indexed(column)) {
        throw new IllegalArgumentException("view '" + entry.name() + "' cannot be filtered by '"
            + abbreviate(column) + "': " + (entry.indexes().isEmpty() ? "it declares no indexes"
            : "its indexed columns are " + String.join(", ", entry.indexes())));
      }
      String type = entry.columns().stream().filter(c -> c.name().equals(column))
          .map(CatalogEntry.Column::type).findFirst().orElse("string");
      String text = queryText(type, condition.getValue());
      if (text == null) {
        throw new IllegalArgumentException("filter value '" + abbreviate(condition.getValue())
            + "' of column '" + column + "' is not a " + type + (condition.getValue().length()
            > MAX_VALUE_CHARS ? " or is longer than " + MAX_VALUE_CHARS + " characters" : ""));
      }
      out.put(column, text);
    }
    return out;
  }

  /**
   * The indexed text a client's value stands for in a column of Spark type {@code type}, or null
   * if it cannot be one: numbers and booleans are parsed, anything else is taken as text.
   */
  static String queryText(String type, String value) {
    if (value == null) {
      return null;
    }
    String t = type.toLowerCase(java.util.Locale.ROOT);
    boolean numeric = t.equals("tinyint") || t.equals("smallint") || t.equals("int")
        || t.equals("bigint") || t.equals("float") || t.equals("double")
        || t.startsWith("decimal");
    if (numeric || t.equals("boolean")) {
      Object parsed;
      try {
        parsed = Json.parse(value.trim());
      } catch (JsonException e) {
        return null;
      }
      boolean fits = numeric ? parsed instanceof Number : parsed instanceof Boolean;
      return fits ? text(parsed) : null;
    }
    return text(value);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  /** The JSON object {@code column → text} the index script records for a row (column order). */
  public static String valuesJson(Map<String, String> values) {
    return Json.write(values);
  }

  /** @return the declared columns, checked: names, no duplicates, at most {@link #MAX_INDEXES} */
  public static List<String> requireColumns(List<String> columns) {
    List<String> copy = List.copyOf(columns);
    if (copy.size() > MAX_INDEXES) {
      throw new IllegalArgumentException("at most " + MAX_INDEXES + " indexes, but got "
          + copy.size() + ": " + copy);
    }
    for (int i = 0; i < copy.size(); i++) {
      String problem = columnNameProblem(copy.get(i));
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      if (copy.indexOf(copy.get(i)) != i) {
        throw new IllegalArgumentException("index column '" + copy.get(i) + "' is listed twice");
      }
    }
    return copy;
  }
}
