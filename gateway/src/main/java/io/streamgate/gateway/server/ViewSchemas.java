package io.streamgate.gateway.server;

import io.streamgate.contract.CatalogEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pure: the typed part of {@code /openapi.json}. Given the static document and the catalog's
 * views, adds per view {@code components.schemas.<View>Value} (a JSON Schema of the row's value,
 * typed from the view's Spark SQL column types), {@code <View>Row}, {@code <View>MultiGet},
 * {@code <View>Page} (and {@code <View>Top} for a ranked view), and the paths
 * {@code /v1/views/<view>}, {@code /v1/views/<view>/{key}} (and {@code /v1/views/<view>/top}):
 * copies of the generic {@code /v1/views/{view}…} operations, which stay, with the view fixed and
 * the rows typed, and on {@code /v1/views/<view>} one filter parameter per indexed column.
 * Stateless and thread-safe.
 */
final class ViewSchemas {
  static final String SCHEMAS = "#/components/schemas/";
  /**
   * The generic operations copied per view, and the path suffix of each copy. Ordered: the same
   * catalog gives the same bytes (and ETag) on every gateway.
   */
  private static final List<Map.Entry<String, String>> GENERIC_PATHS = List.of(
      Map.entry("/v1/views/{view}", ""),
      Map.entry("/v1/views/{view}/{key}", "/{key}"),
      Map.entry("/v1/views/{view}/top", "/top"));
  /** The generic schemas that hold rows, copied per view with their rows typed. */
  private static final List<String> ROW_HOLDERS = List.of("MultiGet", "Page", "Top");
  private static final String VIEW_PARAMETER = "#/components/parameters/View";
  private static final String FIELDS_PARAMETER = "#/components/parameters/Fields";
  /** Deeper nesting than any real view has: past it a type is described, not parsed. */
  private static final int MAX_DEPTH = 16;

  private ViewSchemas() {}

  /** {@code base} (not modified) plus the typed schemas and paths of {@code views}. */
  static JsonObject document(JsonObject base, List<CatalogEntry> views) {
    JsonObject doc = base.copy();
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    JsonObject paths = doc.getJsonObject("paths");
    Set<String> used = new HashSet<>(schemas.fieldNames());
    for (CatalogEntry view : views) {
      String name = uniqueName(view, used);
      for (String suffix : List.of("Value", "Row", "MultiGet", "Page", "Top")) {
        used.add(name + suffix);
      }
      addView(schemas, paths, base, view, name);
    }
    return doc;
  }

  private static void addView(JsonObject schemas, JsonObject paths, JsonObject base,
      CatalogEntry view, String name) {
    JsonObject baseSchemas = base.getJsonObject("components").getJsonObject("schemas");
    schemas.put(name + "Value", valueSchema(view));
    JsonObject row = baseSchemas.getJsonObject("Row").copy();
    JsonObject rowProperties = row.getJsonObject("properties");
    rowProperties.put("view", new JsonObject().put("type", "string").put("const", view.name()));
    rowProperties.getJsonObject("key").put("description", "The view's key: " + view.keyColumn());
    rowProperties.put("value", ref(name + "Value"));
    schemas.put(name + "Row", row);

    Map<String, String> retarget = new HashMap<>();
    retarget.put(SCHEMAS + "Row", SCHEMAS + name + "Row");
    for (String holder : ROW_HOLDERS) {
      if (holder.equals("Top") && !view.ranked()) {
        continue;
      }
      JsonObject typed = (JsonObject) retargeted(baseSchemas.getJsonObject(holder), retarget);
      typed.getJsonObject("properties")
          .put("view", new JsonObject().put("type", "string").put("const", view.name()));
      if (holder.equals("Top")) {
        typed.getJsonObject("properties")
            .put("rank", new JsonObject().put("type", "string").put("const", view.rankColumn()));
      }
      schemas.put(name + holder, typed);
      retarget.put(SCHEMAS + holder, SCHEMAS + name + holder);
    }

    for (Map.Entry<String, String> generic : GENERIC_PATHS) {
      String suffix = generic.getValue();
      if (suffix.equals("/top") && !view.ranked()) {
        continue;
      }
      JsonObject item = (JsonObject) retargeted(base.getJsonObject("paths")
          .getJsonObject(generic.getKey()), retarget);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op) {
          typeOperation(op, view, name, base);
        }
      }
      if (suffix.isEmpty()) {
        addFilterParameters(item.getJsonObject("get"), view);
      }
      paths.put("/v1/views/" + view.name() + suffix, item);
    }
  }

  /** One optional query parameter per indexed column of the view, typed like the column. */
  private static void addFilterParameters(JsonObject op, CatalogEntry view) {
    if (op == null || view.indexes().isEmpty()) {
      return;
    }
    JsonArray parameters = op.getJsonArray("parameters", new JsonArray());
    for (String index : view.indexes()) {
      String type = view.columns().stream().filter(c -> c.name().equals(index))
          .map(CatalogEntry.Column::type).findFirst().orElse("string");
      JsonObject schema = typeSchema(type);
      parameters.add(new JsonObject()
          .put("name", index)
          .put("in", "query")
          .put("required", false)
          .put("description", "Filter: rows whose " + index + " is this value (indexed column;"
              + " several filters intersect).")
          .put("schema", schema));
    }
    op.put("parameters", parameters);
  }

  /**
   * Fixes the view: no {view} parameter, {@code fields} limited to its columns, its own
   * operationId, a summary that names it.
   */
  private static void typeOperation(JsonObject op, CatalogEntry view, String name,
      JsonObject base) {
    JsonArray parameters = op.getJsonArray("parameters");
    if (parameters != null) {
      JsonArray kept = new JsonArray();
      parameters.forEach(p -> {
        String ref = p instanceof JsonObject o ? o.getString("$ref") : null;
        if (FIELDS_PARAMETER.equals(ref)) {
          kept.add(fieldsParameter(base, view));
        } else if (!VIEW_PARAMETER.equals(ref)) {
          kept.add(p);
        }
      });
      op.put("parameters", kept);
    }
    String id = op.getString("operationId");
    if (id != null) {
      int verb = 0;
      while (verb < id.length() && Character.isLowerCase(id.charAt(verb))) {
        verb++;
      }
      op.put("operationId", id.substring(0, verb) + name + id.substring(verb));
    }
    if (op.getString("summary") != null) {
      op.put("summary", view.name() + ": " + op.getString("summary"));
    }
  }

  /** The generic {@code fields} parameter, its items one of the view's columns. */
  private static JsonObject fieldsParameter(JsonObject base, CatalogEntry view) {
    JsonObject parameter = base.getJsonObject("components").getJsonObject("parameters")
        .getJsonObject("Fields").copy();
    JsonArray columns = new JsonArray();
    view.columns().forEach(c -> columns.add(c.name()));
    parameter.getJsonObject("schema").getJsonObject("items").put("enum", columns);
    return parameter;
  }

  /** The schema of a view's row value: one property per column, all present, each nullable. */
  static JsonObject valueSchema(CatalogEntry view) {
    JsonObject properties = new JsonObject();
    JsonArray required = new JsonArray();
    for (CatalogEntry.Column column : view.columns()) {
      JsonObject schema = typeSchema(column.type());
      if (column.name().equals(view.rankColumn())) {
        schema.put("description", "The rank column: /top orders rows by it, highest first.");
      }
      properties.put(column.name(), schema);
      required.add(column.name());
    }
    String described = view.description().isEmpty() ? "" : view.description() + " ";
    return new JsonObject()
        .put("type", "object")
        .put("description", described + "The value of a row of view " + view.name()
            + " (version " + view.version() + "; its key is " + view.keyColumn() + "). Other"
            + " versions read with ?version= may have other columns.")
        .put("required", required)
        .put("properties", properties);
  }

  /**
   * The JSON Schema of a value of Spark SQL type {@code sparkType} ({@code DataType.simpleString}:
   * {@code bigint}, {@code decimal(10,2)}, {@code array<string>}, {@code struct<a:int>}, …) as
   * the processor writes it ({@code to_json}: timestamps as ISO-8601 text). Nullable: the catalog
   * does not say which columns can be null. A type it cannot read is any JSON value, described.
   */
  static JsonObject typeSchema(String sparkType) {
    try {
      Parser parser = new Parser(sparkType);
      JsonObject schema = parser.type(0);
      parser.expectEnd();
      return schema;
    } catch (IllegalArgumentException e) {
      return new JsonObject().put("description", "Spark SQL type " + sparkType);
    }
  }

  /**
   * The prefix of a view's schemas ({@code <name>Value}, …): its name in PascalCase, unless a
   * schema in {@code used} has it already (two names alike in PascalCase, a_b and a__b).
   */
  static String uniqueName(CatalogEntry view, Set<String> used) {
    String name = schemaName(view.name());
    return used.contains(name + "Value") ? "View_" + view.name() : name;
  }

  /** user_totals → UserTotals. */
  static String schemaName(String view) {
    StringBuilder out = new StringBuilder();
    for (String part : view.split("_")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  private static JsonObject ref(String schema) {
    return new JsonObject().put("$ref", SCHEMAS + schema);
  }

  /** A deep copy of {@code node} with every {@code $ref} in {@code targets} replaced. */
  private static Object retargeted(Object node, Map<String, String> targets) {
    if (node instanceof JsonObject o) {
      JsonObject copy = new JsonObject();
      o.forEach(e -> copy.put(e.getKey(), e.getKey().equals("$ref")
          ? targets.getOrDefault((String) e.getValue(), (String) e.getValue())
          : retargeted(e.getValue(), targets)));
      return copy;
    }
    if (node instanceof JsonArray a) {
      JsonArray copy = new JsonArray();
      a.forEach(v -> copy.add(retargeted(v, targets)));
      return copy;
    }
    return node;
  }

  private static JsonObject nullable(String type) {
    return new JsonObject().put("type", new JsonArray().add(type).add("null"));
  }

  /** Recursive descent over a simpleString type; throws IllegalArgumentException when lost. */
  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text.trim();
    }

    JsonObject type(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("too deep");
      }
      String word = word();
      switch (word) {
        case "array": {
          expect('<');
          JsonObject items = type(depth + 1);
          expect('>');
          return nullable("array").put("items", items);
        }
        case "map": {
          expect('<');
          type(depth + 1); // JSON object keys are text whatever the map's key type
          expect(',');
          JsonObject values = type(depth + 1);
          expect('>');
          return nullable("object").put("additionalProperties", values);
        }
        case "struct": {
          expect('<');
          JsonObject properties = new JsonObject();
          JsonArray required = new JsonArray();
          if (!peek('>')) {
            do {
              String field = fieldName();
              expect(':');
              properties.put(field, type(depth + 1));
              required.add(field);
            } while (accept(','));
          }
          expect('>');
          return nullable("object").put("required", required).put("properties", properties);
        }
        case "decimal", "numeric": {
          if (accept('(')) {
            while (!accept(')')) {
              if (at >= text.length()) {
                throw new IllegalArgumentException("unclosed decimal");
              }
              at++;
            }
          }
          return nullable("number");
        }
        default:
          return primitive(word);
      }
    }

    private static JsonObject primitive(String word) {
      return switch (word) {
        case "string", "varchar", "char" -> nullable("string");
        case "int", "integer", "smallint", "short", "tinyint", "byte" ->
            nullable("integer").put("format", "int32");
        case "bigint", "long" -> nullable("integer").put("format", "int64");
        case "double" -> nullable("number").put("format", "double");
        case "float", "real" -> nullable("number").put("format", "float");
        case "boolean" -> nullable("boolean");
        case "timestamp", "timestamp_ntz", "timestamp_ltz" ->
            nullable("string").put("format", "date-time");
        case "date" -> nullable("string").put("format", "date");
        case "binary" -> nullable("string").put("contentEncoding", "base64");
        case "void" -> new JsonObject().put("type", "null");
        default -> throw new IllegalArgumentException("unknown type " + word);
      };
    }

    private String word() {
      skipSpaces();
      int start = at;
      while (at < text.length()
          && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
        at++;
      }
      if (start == at) {
        throw new IllegalArgumentException("a type expected at " + start);
      }
      String word = text.substring(start, at).toLowerCase(Locale.ROOT);
      if (word.equals("varchar") || word.equals("char")) {
        if (accept('(')) {
          while (!accept(')')) {
            if (at >= text.length()) {
              throw new IllegalArgumentException("unclosed " + word);
            }
            at++;
          }
        }
      }
      return word;
    }

    /** A struct field's name: up to ':', backquotes removed (Spark quotes odd names). */
    private String fieldName() {
      skipSpaces();
      if (accept('`')) {
        int end = text.indexOf('`', at);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed `");
        }
        String name = text.substring(at, end);
        at = end + 1;
        return name;
      }
      int end = text.indexOf(':', at);
      if (end <= at) {
        throw new IllegalArgumentException("a field name expected at " + at);
      }
      String name = text.substring(at, end).trim();
      at = end;
      return name;
    }

    private boolean peek(char c) {
      skipSpaces();
      return at < text.length() && text.charAt(at) == c;
    }

    private boolean accept(char c) {
      if (peek(c)) {
        at++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!accept(c)) {
        throw new IllegalArgumentException("'" + c + "' expected at " + at);
      }
    }

    void expectEnd() {
      skipSpaces();
      if (at != text.length()) {
        throw new IllegalArgumentException("trailing text at " + at);
      }
    }

    private void skipSpaces() {
      while (at < text.length() && text.charAt(at) == ' ') {
        at++;
      }
    }
  }
}
