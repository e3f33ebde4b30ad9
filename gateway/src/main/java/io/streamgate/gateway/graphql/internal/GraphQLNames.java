package io.streamgate.gateway.graphql.internal;

import io.streamgate.contract.CatalogEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The GraphQL names of views and columns: deterministic for a catalog, so a client's queries
 * keep working as long as the catalog does not change the names they use (docs/graphql.md,
 * "Names").
 *
 * <ul>
 *   <li>A name keeps its characters if they are GraphQL name characters ({@code [_0-9A-Za-z]});
 *       every other character becomes {@code _}; a name that would start with a digit or
 *       {@code __} (reserved for introspection) gets a leading {@code x}.</li>
 *   <li>Views, in name order, take {@code NAME}, {@code NAME_rows}, {@code NAME_top} and the
 *       types {@code NAME_row}, {@code NAME_page}, {@code NAME_event}; a view whose names are
 *       taken (view {@code a_rows} beside view {@code a}) gets the first free suffix
 *       {@code _2}, {@code _3}, … on its base name.</li>
 *   <li>Columns, in catalog order, the same way within their row type, where {@code key},
 *       {@code version} and {@code updatedAt} are taken by the row itself.</li>
 * </ul>
 */
final class GraphQLNames {
  /** Field and type names of the fixed part of the schema, which views must not take. */
  static final Set<String> RESERVED = Set.of("Query", "Subscription", "Long", "JSON",
      "ChangeType", "_views", "String", "Int", "Float", "Boolean", "ID");
  static final List<String> ROW_FIELDS = List.of("key", "version", "updatedAt");

  private GraphQLNames() {}

  /** A view's base name (its point-query field) for each entry, in the entries' order. */
  static Map<String, String> views(List<CatalogEntry> entries) {
    Set<String> used = new HashSet<>(RESERVED);
    Map<String, String> names = new LinkedHashMap<>();
    for (CatalogEntry entry : entries) {
      String base = legal(entry.name());
      String name = base;
      for (int n = 2; !free(used, name); n++) {
        name = base + "_" + n;
      }
      used.addAll(derived(name));
      names.put(entry.name(), name);
    }
    return names;
  }

  /** Column name → field name, in the columns' order. */
  static Map<String, String> columns(List<CatalogEntry.Column> columns) {
    Set<String> used = new HashSet<>(ROW_FIELDS);
    Map<String, String> names = new LinkedHashMap<>();
    for (CatalogEntry.Column column : columns) {
      String base = legal(column.name());
      String name = base;
      for (int n = 2; used.contains(name); n++) {
        name = base + "_" + n;
      }
      used.add(name);
      names.put(column.name(), name);
    }
    return names;
  }

  /** The rows field's arguments a view takes besides keys, first and after. */
  static final Set<String> ROWS_ARGUMENTS = Set.of("keys", "first", "after");

  /**
   * The filter arguments of a view's rows field: argument name (the column's field name) →
   * indexed column, in the order of the entry's indexes. An index whose field name is one of
   * {@link #ROWS_ARGUMENTS} has no argument (filter it over REST).
   */
  static Map<String, String> indexArguments(CatalogEntry entry) {
    Map<String, String> fields = columns(entry.columns());
    Map<String, String> arguments = new LinkedHashMap<>();
    for (String index : entry.indexes()) {
      String name = fields.getOrDefault(index, legal(index));
      if (!ROWS_ARGUMENTS.contains(name)) {
        arguments.put(name, index);
      }
    }
    return arguments;
  }

  /** {@code name} with every character outside {@code [_0-9A-Za-z]} replaced by {@code _}. */
  static String legal(String name) {
    StringBuilder out = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z');
      out.append(ok ? c : '_');
    }
    if (out.isEmpty() || Character.isDigit(out.charAt(0)) || out.toString().startsWith("__")) {
      out.insert(0, 'x');
    }
    return out.toString();
  }

  private static boolean free(Set<String> used, String name) {
    for (String derived : derived(name)) {
      if (used.contains(derived)) {
        return false;
      }
    }
    return true;
  }

  /** Every field and type name a view with base {@code name} takes. */
  private static List<String> derived(String name) {
    List<String> out = new ArrayList<>(6);
    out.add(name);
    for (String suffix : List.of("_rows", "_top", "_row", "_page", "_event")) {
      out.add(name + suffix);
    }
    return out;
  }
}
