package io.streamgate.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.CatalogEntry.Column;
import io.streamgate.contract.Row;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /openapi.json} of a real gateway types each view of its catalog, answers 304 to its
 * ETag, and follows the catalog: a view registered again with another column changes the
 * document without a restart.
 */
class OpenApiIT {
  static final CatalogEntry USER_TOTALS = new CatalogEntry("user_totals", "Totals per user",
      "user_id", ViewKind.AGGREGATE,
      List.of(new Column("orders", "bigint"), new Column("total", "double"),
          new Column("last_seen", "timestamp")),
      "total", 0, 1L);

  @TempDir Path tempDir;

  @Test
  void theDocumentTypesEachViewAndFollowsTheCatalog() {
    Row row = new Row("user_totals", "u1", 1, 1_732_531_200_000L,
        "{\"orders\":2,\"total\":19.5,\"last_seen\":\"2024-11-25T10:40:00.000Z\"}");
    try (GatewayFixture fx = GatewayFixture.start(tempDir, seed -> {
      seed.register(USER_TOTALS);
      seed.write(row);
    })) {
      HttpResponse<String> first = fx.get("/openapi.json", null);
      assertEquals(200, first.statusCode(), first.body());
      JsonObject doc = new JsonObject(first.body());
      OpenApiViewSchemasTest.assertCoherent(doc);
      OpenApiViewSchemasTest.assertValidOpenApi(fx.vertx, doc);
      JsonObject value = OpenApiViewSchemasTest.at(doc, "#/components/schemas/UserTotalsValue");
      assertEquals(new JsonArray().add("number").add("null"),
          value.getJsonObject("properties").getJsonObject("total").getValue("type"));
      assertNotNull(doc.getJsonObject("paths").getJsonObject("/v1/views/user_totals/{key}"));
      assertNotNull(doc.getJsonObject("paths").getJsonObject("/v1/views/user_totals/top"));
      assertNotNull(doc.getJsonObject("paths").getJsonObject("/v1/views/{view}/{key}"));
      assertServedValueFits(fx, value);

      String etag = first.headers().firstValue("ETag").orElseThrow();
      HttpResponse<String> same = fx.get("/openapi.json", null, "If-None-Match", etag);
      assertEquals(304, same.statusCode());
      assertEquals("", same.body());
      assertEquals(etag, same.headers().firstValue("ETag").orElseThrow());

      fx.seeder().register(new CatalogEntry("user_totals", "Totals per user", "user_id",
          ViewKind.AGGREGATE, List.of(new Column("orders", "bigint"), new Column("total", "double"),
              new Column("biggest", "decimal(12,2)")), "total", 0, 2L));
      fx.seeder().register("order_status", "status");
      HttpResponse<String> changed = Poll.until(Duration.ofSeconds(15),
          () -> fx.get("/openapi.json", null, "If-None-Match", etag),
          r -> r.statusCode() == 200 && r.body().contains("OrderStatusValue"),
          "the document with the catalog's changes");
      JsonObject after = new JsonObject(changed.body());
      OpenApiViewSchemasTest.assertCoherent(after);
      OpenApiViewSchemasTest.assertValidOpenApi(fx.vertx, after);
      JsonObject properties = OpenApiViewSchemasTest.at(after,
          "#/components/schemas/UserTotalsValue").getJsonObject("properties");
      assertEquals(new JsonArray().add("number").add("null"),
          properties.getJsonObject("biggest").getValue("type"));
      assertFalse(properties.containsKey("last_seen"), "the dropped column is gone");
      assertEquals("int64", OpenApiViewSchemasTest.at(after,
          "#/components/schemas/OrderStatusValue").getJsonObject("properties")
          .getJsonObject("status").getString("format"));
      assertFalse(after.getJsonObject("paths").containsKey("/v1/views/order_status/top"));
      assertNotEquals(etag, changed.headers().firstValue("ETag").orElseThrow());
    }
  }

  /** The row the gateway serves has a value the document describes, type by type. */
  private static void assertServedValueFits(GatewayFixture fx, JsonObject valueSchema) {
    HttpResponse<String> read = fx.get("/v1/views/user_totals/u1", fx.token("views:read"));
    assertEquals(200, read.statusCode(), read.body());
    JsonObject served = new JsonObject(read.body()).getJsonObject("value");
    JsonObject properties = valueSchema.getJsonObject("properties");
    assertEquals(properties.fieldNames(), served.fieldNames());
    for (String column : served.fieldNames()) {
      Object v = served.getValue(column);
      String type = properties.getJsonObject(column).getJsonArray("type").getString(0);
      boolean fits = switch (type) {
        case "number" -> v instanceof Number;
        case "integer" -> v instanceof Integer || v instanceof Long;
        case "string" -> v instanceof String;
        default -> false;
      };
      assertTrue(fits, column + ": " + v + " is no " + type);
    }
  }
}
