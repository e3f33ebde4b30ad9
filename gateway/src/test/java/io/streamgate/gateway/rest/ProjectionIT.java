package io.streamgate.gateway.rest;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static io.streamgate.gateway.GatewayFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ?fields=} on every read shape, and the entity tags of projected point reads. */
class ProjectionIT {
  private static final String VIEW = "product_revenue";
  private static final Row P1 = row("p1", 3, "{\"name\":\"lamp\",\"orders\":2,"
      + "\"revenue\":19.50,\"tags\":[\"a\",{\"b\":1}]}");
  private static final Row P2 = row("p2", 4, "{\"name\":\"desk \\\"xl\\\"\",\"orders\":7,"
      + "\"revenue\":300,\"tags\":[]}");

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  private static Row row(String key, long version, String value) {
    return new Row(VIEW, key, version, 1_732_531_200_000L + version, value);
  }

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register(new CatalogEntry(VIEW, "revenue per product", "productId",
          ViewKind.AGGREGATE, List.of(new CatalogEntry.Column("name", "string"),
              new CatalogEntry.Column("orders", "bigint"),
              new CatalogEntry.Column("revenue", "double"),
              new CatalogEntry.Column("tags", "array<string>")),
          "revenue", 0, System.currentTimeMillis()));
      for (Row r : List.of(P1, P2)) {
        seed.write(r);
        seed.index(r, new JsonObject(r.valueJson()).getDouble("revenue"));
      }
    });
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void pointReadReturnsOnlyTheFieldsAsWritten() {
    HttpResponse<String> response = fx.get("/v1/views/" + VIEW + "/p1?fields=revenue,tags",
        token);
    assertEquals(200, response.statusCode(), response.body());
    // Members copied as the processor wrote them (19.50 stays 19.50), in the value's order.
    assertEquals(new Row(VIEW, "p1", 3, P1.updatedAt(),
        "{\"revenue\":19.50,\"tags\":[\"a\",{\"b\":1}]}").toJson(), response.body());
  }

  @Test
  void everyReadShapeProjects() {
    JsonObject many = json(fx.get("/v1/views/" + VIEW + "?keys=p1,p2&fields=name", token));
    assertValues(many.getJsonArray("rows"), "name");
    JsonObject page = json(fx.get("/v1/views/" + VIEW + "?limit=10&fields=orders", token));
    assertEquals(2, page.getJsonArray("rows").size());
    assertValues(page.getJsonArray("rows"), "orders");
    JsonObject top = json(fx.get("/v1/views/" + VIEW + "/top?n=2&fields=name&fields=revenue",
        token));
    assertEquals("p2", top.getJsonArray("rows").getJsonObject(0).getString("key"));
    assertValues(top.getJsonArray("rows"), "name", "revenue");
  }

  private static void assertValues(JsonArray rows, String... fields) {
    assertTrue(!rows.isEmpty());
    for (int i = 0; i < rows.size(); i++) {
      JsonObject value = rows.getJsonObject(i).getJsonObject("value");
      assertEquals(List.of(fields), List.copyOf(value.fieldNames()), value.encode());
    }
  }

  @Test
  void unknownOrEmptyFieldsAre400NamingTheColumns() {
    HttpResponse<String> unknown = fx.get("/v1/views/" + VIEW + "/p1?fields=name,price", token);
    assertProblem(unknown, 400, "bad-request");
    JsonObject problem = json(unknown);
    assertTrue(problem.getString("detail").contains("[\"price\"]"), problem.encode());
    assertEquals(new JsonArray(List.of("name", "orders", "revenue", "tags")),
        problem.getJsonArray("columns"));
    assertProblem(fx.get("/v1/views/" + VIEW + "?limit=5&fields=", token), 400, "bad-request");
    assertProblem(fx.get("/v1/views/" + VIEW + "/top?fields=name,,orders", token), 400,
        "bad-request");
  }

  @Test
  void projectedEtagIsWeakDiffersFromTheFullOneAndFollowsOnlyTheProjectedColumns() {
    String path = "/v1/views/" + VIEW + "/p2";
    Row before = new Row(VIEW, "p2", 10, 1_732_531_300_000L,
        "{\"name\":\"chair\",\"orders\":1,\"revenue\":5,\"tags\":[]}");
    fx.seeder().write(before);
    String full = etag(fx.get(path, token));
    HttpResponse<String> first = fx.get(path + "?fields=name", token);
    String projected = etag(first);
    assertTrue(projected.startsWith("W/\""), projected);
    assertNotEquals(full, projected);
    assertNotEquals(projected, etag(fx.get(path + "?fields=orders", token)));
    assertEquals(304, fx.get(path + "?fields=name", token, "If-None-Match", projected)
        .statusCode());
    // The full tag does not validate the projected answer, nor the reverse.
    assertEquals(200, fx.get(path + "?fields=name", token, "If-None-Match", full).statusCode());
    assertEquals(200, fx.get(path, token, "If-None-Match", projected).statusCode());

    // Another column changes: a new row version, the same projected value, still 304.
    fx.seeder().write(new Row(VIEW, "p2", 11, 1_732_531_400_000L,
        "{\"name\":\"chair\",\"orders\":2,\"revenue\":9,\"tags\":[]}"));
    awaitVersion(path, 11);
    HttpResponse<String> unchanged = fx.get(path + "?fields=name", token, "If-None-Match",
        projected);
    assertEquals(304, unchanged.statusCode());
    assertEquals(projected, etag(unchanged));
    assertNotEquals(full, etag(fx.get(path, token)));

    // The projected column changes: 200 with a new tag.
    fx.seeder().write(new Row(VIEW, "p2", 12, 1_732_531_500_000L,
        "{\"name\":\"stool\",\"orders\":2,\"revenue\":9,\"tags\":[]}"));
    awaitVersion(path, 12);
    HttpResponse<String> changed = fx.get(path + "?fields=name", token, "If-None-Match",
        projected);
    assertEquals(200, changed.statusCode());
    assertNotEquals(projected, etag(changed));
    assertEquals("stool", json(changed).getJsonObject("value").getString("name"));
    // The near cache kept the whole row.
    assertEquals(4, json(fx.get(path, token)).getJsonObject("value").size());
  }

  /** The near cache follows the change feed: wait until the write is what a read sees. */
  private static void awaitVersion(String path, long version) {
    Poll.until(Duration.ofSeconds(5), () -> json(fx.get(path, token)).getLong("version"),
        v -> v == version, "version " + version + " of " + path);
  }

  private static String etag(HttpResponse<String> response) {
    return response.headers().firstValue("ETag").orElseThrow();
  }
}
