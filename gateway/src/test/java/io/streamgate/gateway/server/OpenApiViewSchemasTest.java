package io.streamgate.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.CatalogEntry.Column;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.http.Endpoint;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The typed part of {@code /openapi.json} ({@link ViewSchemas}): Spark SQL types as JSON Schema,
 * and the document with per-view schemas and paths, which must stay a coherent OpenAPI document.
 */
class OpenApiViewSchemasTest {
  static final JsonObject BASE = new JsonObject(OpenApiHandler.document());
  static final CatalogEntry USER_TOTALS = new CatalogEntry("user_totals", "Totals per user",
      "user_id", ViewKind.AGGREGATE,
      List.of(new Column("total", "double"), new Column("orders", "bigint"),
          new Column("last_seen", "timestamp")),
      "total", 0, 1L);
  static final CatalogEntry ORDER_STATUS = new CatalogEntry("order_status", "", "order_id",
      ViewKind.LATEST, List.of(new Column("status", "string")), null, 0, 1L);

  @Test
  void sparkScalarTypesMapToJsonSchemaTypesAllNullable() {
    assertType("string", null, "string");
    assertType("integer", "int32", "int");
    assertType("integer", "int32", "smallint");
    assertType("integer", "int32", "tinyint");
    assertType("integer", "int64", "bigint");
    assertType("number", "double", "double");
    assertType("number", "float", "float");
    assertType("number", null, "decimal(10,2)");
    assertType("number", null, "decimal");
    assertType("boolean", null, "boolean");
    assertType("string", "date-time", "timestamp");
    assertType("string", "date-time", "timestamp_ntz");
    assertType("string", "date", "date");
    assertType("string", null, "varchar(20)");
    assertType("integer", "int64", "BIGINT");
    assertEquals("base64", ViewSchemas.typeSchema("binary").getString("contentEncoding"));
  }

  @Test
  void arraysMapsAndStructsAreParsedToTheirElements() {
    JsonObject array = ViewSchemas.typeSchema("array<bigint>");
    assertEquals(new JsonArray().add("array").add("null"), array.getValue("type"));
    assertEquals("int64", array.getJsonObject("items").getString("format"));

    JsonObject map = ViewSchemas.typeSchema("map<string,array<double>>");
    assertEquals(new JsonArray().add("object").add("null"), map.getValue("type"));
    assertEquals("double", map.getJsonObject("additionalProperties")
        .getJsonObject("items").getString("format"));

    JsonObject window = ViewSchemas.typeSchema("struct<start:timestamp,End:timestamp>");
    assertEquals(new JsonArray().add("start").add("End"), window.getJsonArray("required"));
    assertEquals("date-time", window.getJsonObject("properties").getJsonObject("End")
        .getString("format"), "field names keep their case");

    JsonObject quoted = ViewSchemas.typeSchema("struct<`a b`:int, c : decimal(5,1)>");
    assertEquals(Set.of("a b", "c"), quoted.getJsonObject("properties").fieldNames());
  }

  @Test
  void aTypeItCannotReadIsAnyValueThatNamesTheType() {
    for (String odd : List.of("interval day to second", "array<", "struct<a int>", "geometry",
        "map<string>", "decimal(10,2")) {
      JsonObject schema = ViewSchemas.typeSchema(odd);
      assertNull(schema.getValue("type"), odd);
      assertEquals("Spark SQL type " + odd, schema.getString("description"), odd);
    }
  }

  @Test
  void schemaNamesArePascalCase() {
    assertEquals("UserTotals", ViewSchemas.schemaName("user_totals"));
    assertEquals("Orders", ViewSchemas.schemaName("orders"));
    assertEquals("V2Top10", ViewSchemas.schemaName("v2_top10"));
  }

  @Test
  void eachViewGetsAValueSchemaFromItsColumnsAndATypedRow() {
    JsonObject doc = ViewSchemas.document(BASE, List.of(ORDER_STATUS, USER_TOTALS));
    JsonObject value = at(doc, "#/components/schemas/UserTotalsValue");
    assertEquals("object", value.getString("type"));
    assertEquals(new JsonArray().add("total").add("orders").add("last_seen"),
        value.getJsonArray("required"));
    JsonObject properties = value.getJsonObject("properties");
    assertEquals(new JsonArray().add("number").add("null"),
        properties.getJsonObject("total").getValue("type"));
    assertTrue(properties.getJsonObject("total").getString("description").contains("rank"));
    assertEquals("int64", properties.getJsonObject("orders").getString("format"));
    assertEquals("date-time", properties.getJsonObject("last_seen").getString("format"));
    assertTrue(value.getString("description").contains("user_id"), "names the key");

    JsonObject row = at(doc, "#/components/schemas/UserTotalsRow");
    assertEquals("#/components/schemas/UserTotalsValue",
        row.getJsonObject("properties").getJsonObject("value").getString("$ref"));
    assertEquals("user_totals",
        row.getJsonObject("properties").getJsonObject("view").getString("const"));
    assertEquals(at(BASE, "#/components/schemas/Row").getJsonArray("required"),
        row.getJsonArray("required"));
  }

  @Test
  void eachViewGetsTypedPathsBesideTheGenericOnes() {
    JsonObject doc = ViewSchemas.document(BASE, List.of(ORDER_STATUS, USER_TOTALS));
    JsonObject paths = doc.getJsonObject("paths");
    assertEquals("#/components/schemas/UserTotalsRow", responseRef(paths, "/v1/views/user_totals/{key}"));
    assertEquals("#/components/schemas/UserTotalsTop", responseRef(paths, "/v1/views/user_totals/top"));
    assertEquals("#/components/schemas/UserTotalsRow", at(doc, "#/components/schemas/UserTotalsTop")
        .getJsonObject("properties").getJsonObject("rows").getJsonObject("items")
        .getString("$ref"));
    JsonArray oneOf = paths.getJsonObject("/v1/views/order_status").getJsonObject("get")
        .getJsonObject("responses").getJsonObject("200").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema").getJsonArray("oneOf");
    assertEquals(new JsonArray()
            .add(new JsonObject().put("$ref", "#/components/schemas/OrderStatusMultiGet"))
            .add(new JsonObject().put("$ref", "#/components/schemas/OrderStatusPage")),
        oneOf);
    assertFalse(paths.containsKey("/v1/views/order_status/top"), "unranked: no /top");
    assertNull(doc.getJsonObject("components").getJsonObject("schemas")
        .getValue("OrderStatusTop"));
    assertEquals("#/components/schemas/Row", responseRef(paths, "/v1/views/{view}/{key}"),
        "the generic path stays generic");
    assertEquals("getUserTotalsRow",
        paths.getJsonObject("/v1/views/user_totals/{key}").getJsonObject("get")
            .getString("operationId"));
  }

  @Test
  void everyReadTakesFieldsAndMaxStalenessAndATypedReadOnlyItsViewsColumns() {
    JsonObject doc = ViewSchemas.document(BASE, List.of(ORDER_STATUS, USER_TOTALS));
    for (String path : List.of("/v1/views/{view}", "/v1/views/{view}/{key}",
        "/v1/views/{view}/top")) {
      String parameters = doc.getJsonObject("paths").getJsonObject(path).getJsonObject("get")
          .getJsonArray("parameters").encode();
      assertTrue(parameters.contains("#/components/parameters/Fields"), path);
      assertTrue(parameters.contains("#/components/parameters/MaxStaleness"), path);
    }
    JsonArray typed = doc.getJsonObject("paths").getJsonObject("/v1/views/user_totals/{key}")
        .getJsonObject("get").getJsonArray("parameters");
    JsonObject fields = null;
    for (Object p : typed) {
      if (p instanceof JsonObject o && "fields".equals(o.getString("name"))) {
        fields = o;
      }
    }
    assertNotNull(fields, typed.encode());
    assertEquals(new JsonArray().add("total").add("orders").add("last_seen"),
        fields.getJsonObject("schema").getJsonObject("items").getJsonArray("enum"));
  }

  @Test
  void theTypedDocumentIsCoherentAndItsExtraPathsComeFromTheCatalog() {
    List<CatalogEntry> views = List.of(ORDER_STATUS, USER_TOTALS);
    JsonObject doc = ViewSchemas.document(BASE, views);
    Set<String> expected = new HashSet<>();
    for (Endpoint endpoint : Endpoint.values()) {
      expected.add(endpoint.template());
    }
    for (CatalogEntry view : views) {
      expected.add("/v1/views/" + view.name());
      expected.add("/v1/views/" + view.name() + "/{key}");
      if (view.ranked()) {
        expected.add("/v1/views/" + view.name() + "/top");
      }
    }
    assertEquals(expected, doc.getJsonObject("paths").fieldNames());
    assertCoherent(doc);
    assertEquals(new JsonObject(OpenApiHandler.document()), BASE, "the base is not modified");
  }

  @Test
  void theStaticAndTheTypedDocumentsAreValidOpenApi31() {
    Vertx vertx = Vertx.vertx();
    try {
      assertValidOpenApi(vertx, BASE);
      assertValidOpenApi(vertx, ViewSchemas.document(BASE, List.of(ORDER_STATUS, USER_TOTALS)));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void theOpenApiCheckRefusesABrokenDocument() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject doc = ViewSchemas.document(BASE, List.of(USER_TOTALS));
      JsonObject noIn = doc.copy();
      noIn.getJsonObject("paths").getJsonObject("/v1/views/user_totals/{key}")
          .getJsonObject("get").getJsonArray("parameters").add(new JsonObject().put("name", "x"));
      assertThrows(AssertionError.class, () -> assertValidOpenApi(vertx, noIn));
      JsonObject dangling = doc.copy();
      dangling.getJsonObject("components").getJsonObject("schemas").remove("UserTotalsValue");
      assertThrows(RuntimeException.class, () -> assertValidOpenApi(vertx, dangling));
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Against the OpenAPI 3.1 schema (as vertx-openapi bundles it), then with every $ref resolved.
   * Not {@code OpenAPIContract.from}: it also refuses what its router cannot serve (a relative
   * server URL, application/problem+json), which is valid OpenAPI. On a copy: it annotates.
   */
  static void assertValidOpenApi(Vertx vertx, JsonObject doc) {
    JsonObject copy = doc.copy();
    OpenAPIVersion version = OpenAPIVersion.fromContract(copy);
    assertEquals(OpenAPIVersion.V3_1, version);
    SchemaRepository repository = version.getRepository(vertx, "app:///").await();
    OutputUnit result = version.validateContract(vertx, repository, copy).await();
    assertTrue(result.getValid(), "not valid OpenAPI 3.1: " + result.toJson().encodePrettily());
    assertNotNull(version.resolve(vertx, repository, copy).await());
  }

  @Test
  void viewsAlikeInPascalCaseGetDistinctSchemas() {
    CatalogEntry ab = new CatalogEntry("a_b", "", "k", ViewKind.AGGREGATE,
        List.of(new Column("x", "int")), null, 0, 1L);
    CatalogEntry abb = new CatalogEntry("a__b", "", "k", ViewKind.AGGREGATE,
        List.of(new Column("y", "string")), null, 0, 1L);
    JsonObject doc = ViewSchemas.document(BASE, List.of(ab, abb));
    String first = responseRef(doc.getJsonObject("paths"), "/v1/views/a_b/{key}");
    String second = responseRef(doc.getJsonObject("paths"), "/v1/views/a__b/{key}");
    assertNotEquals(first, second);
    assertCoherent(doc);
  }

  /**
   * Structural OpenAPI checks: every $ref resolves, operationIds are unique, and every path
   * parameter in braces is declared once as an "in: path" parameter of each operation.
   */
  static void assertCoherent(JsonObject doc) {
    assertTrue(doc.getString("openapi").startsWith("3.1."));
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    for (String ref : refs) {
      assertNotNull(at(doc, ref), "unresolved $ref " + ref);
    }
    Set<String> operationIds = new HashSet<>();
    Pattern braces = Pattern.compile("\\{([^}]+)}");
    doc.getJsonObject("paths").forEach(path -> {
      JsonObject item = (JsonObject) path.getValue();
      for (String method : item.fieldNames()) {
        if (!OpenApiTest.HTTP_METHODS.contains(method)) {
          continue;
        }
        JsonObject op = item.getJsonObject(method);
        String id = op.getString("operationId");
        if (id != null) {
          assertTrue(operationIds.add(id), "operationId " + id + " twice");
        }
        Set<String> declared = new HashSet<>();
        JsonArray parameters = op.getJsonArray("parameters", new JsonArray());
        for (Object p : parameters) {
          JsonObject parameter = (JsonObject) p;
          if (parameter.containsKey("$ref")) {
            parameter = at(doc, parameter.getString("$ref"));
          }
          if ("path".equals(parameter.getString("in"))) {
            assertTrue(declared.add(parameter.getString("name")), path.getKey());
          }
        }
        Set<String> inPath = new HashSet<>();
        Matcher m = braces.matcher(path.getKey());
        while (m.find()) {
          inPath.add(m.group(1));
        }
        assertEquals(inPath, declared, method + " " + path.getKey() + " path parameters");
      }
    });
  }

  private static String responseRef(JsonObject paths, String path) {
    return paths.getJsonObject(path).getJsonObject("get").getJsonObject("responses")
        .getJsonObject("200").getJsonObject("content").getJsonObject("application/json")
        .getJsonObject("schema").getString("$ref");
  }

  private static void assertType(String type, String format, String spark) {
    JsonObject schema = ViewSchemas.typeSchema(spark);
    assertEquals(new JsonArray().add(type).add("null"), schema.getValue("type"), spark);
    assertEquals(format, schema.getString("format"), spark);
  }

  private static void collectRefs(Object node, List<String> refs) {
    if (node instanceof JsonObject o) {
      o.forEach(e -> {
        if (e.getKey().equals("$ref")) {
          refs.add((String) e.getValue());
        } else {
          collectRefs(e.getValue(), refs);
        }
      });
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectRefs(v, refs));
    }
  }

  /** The object a local JSON pointer names, or null. */
  static JsonObject at(JsonObject doc, String pointer) {
    assertTrue(pointer.startsWith("#/"), "only local refs: " + pointer);
    Object node = doc;
    for (String part : pointer.substring(2).split("/")) {
      node = node instanceof JsonObject o ? o.getValue(part.replace("~1", "/").replace("~0", "~"))
          : null;
    }
    return (JsonObject) node;
  }
}
