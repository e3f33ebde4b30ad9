package io.streamgate.gateway.rest;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static io.streamgate.gateway.GatewayFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v1 read endpoints against a real redis-server seeded through the contract's scripts. */
class ReadPathIT {
  private static final Row U1 = new Row("user_totals", "u1", 3, 1_732_531_200_000L,
      "{\"orders\":2,\"total\":19.5,\"note\":\"caf\\u00e9 \\\"x\\\"\"}");
  private static final Row U2 = new Row("user_totals", "u/2 ü", 7, 1_732_531_200_500L,
      "{\"orders\":5,\"total\":100}");

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders", "total");
      seed.register("order_status", "status");
      assertEquals(1, seed.write(U1));
      assertEquals(1, seed.write(U2));
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
  void pointReadReturnsTheContractRowJsonWithItsVersionAsEtag() {
    HttpResponse<String> response = fx.get("/v1/views/user_totals/u1", token);
    assertEquals(200, response.statusCode());
    assertEquals(U1.toJson(), response.body());
    assertEquals("\"3\"", response.headers().firstValue("ETag").orElseThrow());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
  }

  @Test
  void keysWithSlashesSpacesAndUnicodeArePercentEncodedInThePath() {
    HttpResponse<String> response = fx.get("/v1/views/user_totals/u%2F2%20%C3%BC", token);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(U2.toJson(), response.body());
  }

  @Test
  void matchingIfNoneMatchGives304AndAStaleOneTheRow() {
    HttpResponse<String> notModified =
        fx.get("/v1/views/user_totals/u1", token, "If-None-Match", "\"3\"");
    assertEquals(304, notModified.statusCode());
    assertEquals("", notModified.body());
    assertEquals("\"3\"", notModified.headers().firstValue("ETag").orElseThrow());

    HttpResponse<String> weakList =
        fx.get("/v1/views/user_totals/u1", token, "If-None-Match", "\"1\", W/\"3\"");
    assertEquals(304, weakList.statusCode());

    HttpResponse<String> stale = fx.get("/v1/views/user_totals/u1", token, "If-None-Match", "\"2\"");
    assertEquals(200, stale.statusCode());
    assertEquals(U1.toJson(), stale.body());
  }

  @Test
  void aNewerWriteIsServedWithTheNewEtag() {
    Row v1 = new Row("order_status", "o9", 1, 1000, "{\"status\":\"NEW\"}");
    Row v2 = new Row("order_status", "o9", 2, 2000, "{\"status\":\"PAID\"}");
    fx.seeder().write(v1);
    assertEquals(v1.toJson(), fx.get("/v1/views/order_status/o9", token).body());
    fx.seeder().write(v2);
    // The near cache learns of the write from its change message, within milliseconds.
    HttpResponse<String> response = Poll.until(Duration.ofSeconds(2),
        () -> fx.get("/v1/views/order_status/o9", token, "If-None-Match", "\"1\""),
        r -> r.statusCode() != 304, "the newer version");
    assertEquals(200, response.statusCode());
    assertEquals(v2.toJson(), response.body());
    assertEquals("\"2\"", response.headers().firstValue("ETag").orElseThrow());
  }

  @Test
  void unknownViewIsA404Problem() {
    HttpResponse<String> response = fx.get("/v1/views/no_such_view/u1", token);
    assertProblem(response, 404, "not-found");
    JsonObject problem = json(response);
    assertTrue(problem.getString("detail").contains("no_such_view"), problem.encode());
    assertEquals("/v1/views/no_such_view/u1", problem.getString("instance"));
    assertEquals("Not found", problem.getString("title"));
  }

  @Test
  void missingKeyIsA404Problem() {
    HttpResponse<String> response = fx.get("/v1/views/user_totals/nobody", token);
    assertProblem(response, 404, "not-found");
    assertTrue(json(response).getString("detail").contains("nobody"));
  }

  @Test
  void invalidKeyOrViewNameIsA400Problem() {
    HttpResponse<String> tooLong = fx.get("/v1/views/user_totals/" + "k".repeat(257), token);
    assertProblem(tooLong, 400, "bad-request");
    assertTrue(json(tooLong).getString("detail").contains("257 characters"));

    assertProblem(fx.get("/v1/views/user_totals/a%01b", token), 400, "bad-request");

    HttpResponse<String> badView = fx.get("/v1/views/User-Totals/u1", token);
    assertProblem(badView, 400, "bad-request");
    assertTrue(json(badView).getString("detail").contains("must match"));
  }

  @Test
  void multiGetReturnsFoundRowsInRequestOrderAndTheMissingKeys() {
    HttpResponse<String> response =
        fx.get("/v1/views/user_totals?keys=nope,u%2F2%20%C3%BC,u1,gone,u1", token);
    assertEquals(200, response.statusCode(), response.body());
    JsonObject body = json(response);
    assertEquals("user_totals", body.getString("view"));
    JsonArray rows = body.getJsonArray("rows");
    assertEquals(2, rows.size());
    assertEquals(Row.fromJson(U2.toJson()), Row.fromJson(rows.getJsonObject(0).encode()));
    assertEquals(U1.key(), rows.getJsonObject(1).getString("key"));
    assertEquals(new JsonArray().add("nope").add("gone"), body.getJsonArray("missing"));
    assertEquals(new JsonArray(), body.getJsonArray("deleted"));
    // Rows are embedded verbatim, value text included.
    assertTrue(response.body().contains(U1.toJson()), response.body());
  }

  @Test
  void aDeletedRowIsA404RowDeletedWithItsVersionThenAPlain404OnceTheTombstoneExpires() {
    Row live = new Row("order_status", "d1", 5, 1000, "{\"status\":\"NEW\"}");
    fx.seeder().write(live);
    assertEquals(200, fx.get("/v1/views/order_status/d1", token).statusCode(), "cached now");
    Tombstone delete = new Tombstone("order_status", "d1", 6, 2000);
    assertEquals(1, fx.seeder().delete("order_status", delete, 2_000));
    HttpResponse<String> deleted = Poll.until(Duration.ofSeconds(2),
        () -> fx.get("/v1/views/order_status/d1", token), r -> r.statusCode() == 404,
        "the delete reached the near cache by its message");
    assertProblem(deleted, 404, "row-deleted");
    JsonObject problem = json(deleted);
    assertEquals(6, problem.getLong("version"));
    assertEquals(2000, problem.getLong("deletedAt"));
    assertEquals("d1", problem.getString("key"));
    assertTrue(problem.getString("detail").contains("deleted at version 6"), problem.encode());
    assertEquals("1", deleted.headers().firstValue("Streamgate-View-Version").orElseThrow());
    assertEquals("Row deleted", problem.getString("title"));

    // An older write (a replayed batch) cannot bring it back.
    assertEquals(0, fx.seeder().write(live));
    HttpResponse<String> many = fx.get("/v1/views/order_status?keys=o9,d1,none", token);
    assertEquals(200, many.statusCode(), many.body());
    JsonObject body = json(many);
    assertEquals(new JsonArray().add("d1").add("none"), body.getJsonArray("missing"));
    assertEquals(new JsonArray().add(new JsonObject().put("key", "d1").put("version", 6)
        .put("deletedAt", 2000)), body.getJsonArray("deleted"));

    // Redis forgets the tombstone after its retention; then it is a row that never existed.
    HttpResponse<String> forgotten = Poll.until(Duration.ofSeconds(6),
        () -> fx.get("/v1/views/order_status/d1", token),
        r -> r.body().contains("/problems/not-found"), "a plain 404 after the retention");
    assertProblem(forgotten, 404, "not-found");

    // A newer write brings the row back, at once (by its message).
    Row back = new Row("order_status", "d1", 7, 3000, "{\"status\":\"BACK\"}");
    assertEquals(1, fx.seeder().write(back));
    assertEquals(back.toJson(), Poll.until(Duration.ofSeconds(2),
        () -> fx.get("/v1/views/order_status/d1", token).body(),
        b -> b.contains("BACK"), "the row written again"));
  }

  @Test
  void everyViewResponseSaysWhichViewVersionAnswered() {
    assertEquals("1", fx.get("/v1/views/user_totals/u1", token)
        .headers().firstValue("Streamgate-View-Version").orElseThrow());
    assertEquals("1", fx.get("/v1/views/user_totals/u1", token, "If-None-Match", "\"3\"")
        .headers().firstValue("Streamgate-View-Version").orElseThrow(), "304 too");
    assertEquals("1", fx.get("/v1/views/user_totals/nobody", token)
        .headers().firstValue("Streamgate-View-Version").orElseThrow(), "a missing row too");
    assertEquals("1", fx.get("/v1/views/user_totals?keys=u1&version=1", token)
        .headers().firstValue("Streamgate-View-Version").orElseThrow());
    HttpResponse<String> unreadable = fx.get("/v1/views/user_totals/u1?version=2", token);
    assertProblem(unreadable, 404, "not-found");
    assertEquals(new JsonArray().add(1), json(unreadable).getJsonArray("readableVersions"));
    assertProblem(fx.get("/v1/views/user_totals/u1?version=x", token), 400, "bad-request");
    assertProblem(fx.get("/v1/views/user_totals/u1?version=0", token), 400, "bad-request");
  }

  @Test
  void multiGetRejectsTooManyKeysAndEmptyKeys() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i <= Rest.MAX_KEYS; i++) {
      keys.add("k" + i);
    }
    HttpResponse<String> tooMany =
        fx.get("/v1/views/user_totals?keys=" + String.join(",", keys), token);
    assertProblem(tooMany, 400, "bad-request");
    assertTrue(json(tooMany).getString("detail").contains("at most 100"));

    assertProblem(fx.get("/v1/views/user_totals?keys=", token), 400, "bad-request");
    assertProblem(fx.get("/v1/views/user_totals?keys=a,,b", token), 400, "bad-request");
    assertProblem(fx.get("/v1/views/user_totals?keys=a&limit=2", token), 400, "bad-request");
    assertProblem(fx.get("/v1/views/no_such_view?keys=a", token), 404, "not-found");
  }

  @Test
  void listsViewsWithTheirDescription() {
    HttpResponse<String> response = fx.get("/v1/views", token);
    assertEquals(200, response.statusCode());
    JsonArray views = json(response).getJsonArray("views");
    JsonObject userTotals = views.stream().map(JsonObject.class::cast)
        .filter(v -> v.getString("name").equals("user_totals")).findFirst().orElseThrow();
    assertEquals("test view user_totals", userTotals.getString("description"));
    assertEquals("key", userTotals.getString("key"));
    assertEquals("aggregate", userTotals.getString("kind"));
    assertEquals(new JsonArray()
            .add(new JsonObject().put("name", "orders").put("type", "bigint"))
            .add(new JsonObject().put("name", "total").put("type", "bigint")),
        userTotals.getJsonArray("columns"));
    assertTrue(userTotals.containsKey("rank"));
    assertEquals(0L, userTotals.getLong("ttlSeconds"));
    assertEquals(1L, userTotals.getLong("version"));
    assertEquals(new JsonArray(), userTotals.getJsonArray("otherVersions"));
    assertFalse(userTotals.containsKey("registeredAt"));
  }

  @Test
  void aViewRegisteredAfterStartupIsServedOnceAnnounced() {
    assertProblem(fx.get("/v1/views/late_view/k", token), 404, "not-found");
    fx.seeder().register("late_view", "n");
    fx.seeder().write(new Row("late_view", "k", 1, 1, "{\"n\":1}"));
    // Pub/sub, not the 10 s periodic refresh, must deliver it well within this deadline.
    Poll.until(Duration.ofSeconds(3), () -> fx.get("/v1/views/late_view/k", token).statusCode(),
        status -> status == 200, "late_view served");
    assertTrue(fx.gateway.catalog().find("late_view").isPresent());
  }

  @Test
  void anUnparseableCatalogEntryIsSkippedNotFatal() {
    fx.seeder().rawCatalogEntry("broken_view", "{\"name\":\"broken_view\",\"kind\":\"sideways\"}");
    fx.seeder().register("after_broken", "n");
    Poll.until(Duration.ofSeconds(3), () -> fx.gateway.catalog().find("after_broken").isPresent(),
        found -> found, "after_broken in catalog");
    assertTrue(fx.gateway.catalog().find("broken_view").isEmpty());
    assertTrue(fx.gateway.catalog().find("user_totals").isPresent());
    assertProblem(fx.get("/v1/views/broken_view/x", token), 404, "not-found");
  }

  @Test
  void requestIdIsEchoedWhenSaneAndReplacedOtherwise() {
    HttpResponse<String> sane = fx.get("/v1/views/user_totals/u1", token, "X-Request-Id", "abc-123");
    assertEquals("abc-123", sane.headers().firstValue("X-Request-Id").orElseThrow());

    HttpResponse<String> insane =
        fx.get("/v1/views/user_totals/u1", token, "X-Request-Id", "a b;<script>");
    String replaced = insane.headers().firstValue("X-Request-Id").orElseThrow();
    assertNotEquals("a b;<script>", replaced);
    assertTrue(replaced.matches("[0-9a-f]{32}"), replaced);

    HttpResponse<String> problem = fx.get("/v1/views/user_totals/nobody", token, "X-Request-Id", "r-9");
    assertEquals("r-9", problem.headers().firstValue("X-Request-Id").orElseThrow());
    assertEquals("r-9", json(problem).getString("requestId"));
  }

  @Test
  void unknownRoutesAndMethodsAreProblemsToo() {
    assertProblem(fx.get("/nowhere", null), 404, "not-found");
    assertProblem(fx.get("/v1/views/user_totals/u1/extra", token), 404, "not-found");
  }

  @Test
  void healthNeedsNoToken() {
    assertEquals(200, fx.get("/health/live", null).statusCode());
    HttpResponse<String> ready = fx.get("/health/ready", null);
    assertEquals(200, ready.statusCode());
    assertEquals("UP", json(ready).getString("status"));
  }}
