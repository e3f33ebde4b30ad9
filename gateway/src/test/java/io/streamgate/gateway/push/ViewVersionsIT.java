package io.streamgate.gateway.push;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static io.streamgate.gateway.GatewayFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Names;
import io.streamgate.contract.Row;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view served by one version and then switched to the next (issue 15), against a real
 * redis-server: rows of both versions are written through the contract's scripts into their own
 * tables ({@code totals} and {@code totals.v2}) and the switch is one {@code register_view} of
 * the entry with the new version, as the processor makes it. REST reads the serving version or
 * {@code ?version=}, with the version in a header and in the ETag; WebSocket and SSE subscribers
 * get {@code switch}, a snapshot of the new version, and only its changes after that.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewVersionsIT {
  static final String VIEW = "totals";
  static final String V2 = Names.table(VIEW, 2);

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  static CatalogEntry entry(long version, List<Long> others) {
    return new CatalogEntry(VIEW, "switched in this test", "k", ViewKind.AGGREGATE,
        List.of(new CatalogEntry.Column("n", "bigint")), "n", 0, 1, version, others);
  }

  static Row row(String key, long version, long n) {
    return new Row(VIEW, key, version, System.currentTimeMillis(), "{\"n\":" + n + "}");
  }

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register(entry(1, List.of()));
      for (Row r : List.of(row("a", 5, 10), row("b", 6, 20))) {
        seed.write(VIEW, r);
        seed.index(VIEW, r, (double) Long.parseLong(r.valueJson().replaceAll("\\D", "")));
      }
      // Version 2 recomputes the view from the start: its own rows, row versions from 1.
      for (Row r : List.of(row("a", 1, 100), row("c", 1, 300))) {
        seed.write(V2, r);
        seed.index(V2, r, (double) Long.parseLong(r.valueJson().replaceAll("\\D", "")));
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

  static String header(HttpResponse<String> response) {
    return response.headers().firstValue("Streamgate-View-Version").orElse(null);
  }

  static List<String> keys(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    List<String> keys = new ArrayList<>();
    json(response).getJsonArray("rows").forEach(r -> keys.add(((JsonObject) r).getString("key")));
    return keys;
  }

  @Test
  @Order(1)
  void restAndSubscribersFollowTheSwitchToANewViewVersion() throws Exception {
    // Before: version 1 serves; version 2 is not readable until the catalog says so.
    HttpResponse<String> a1 = fx.get("/v1/views/totals/a", token);
    assertEquals(200, a1.statusCode(), a1.body());
    assertEquals("\"5\"", a1.headers().firstValue("ETag").orElseThrow());
    assertEquals("1", header(a1));
    assertProblem(fx.get("/v1/views/totals/a?version=2", token), 404, "not-found");
    fx.seeder().register(entry(1, List.of(2L))); // version 2 backfilling
    HttpResponse<String> a2 = Poll.until(Duration.ofSeconds(3),
        () -> fx.get("/v1/views/totals/a?version=2", token), r -> r.statusCode() == 200,
        "version 2 readable explicitly");
    assertEquals("2", header(a2));
    assertEquals("\"2.1\"", a2.headers().firstValue("ETag").orElseThrow(), "never v1's \"1\"");
    assertEquals(100, json(a2).getJsonObject("value").getInteger("n"));
    assertEquals(VIEW, json(a2).getString("view"), "rows name the view, never the table");

    try (WsClient ws = WsClient.connect(fx.gateway.port(), token);
        WsClient all = WsClient.connect(fx.gateway.port(), token);
        SseIT.Events sse = SseIT.Events.open(fx.gateway.port(), "/v1/views/totals/a/events",
            token, null)) {
      ws.send(PushIT.subscribe("s", VIEW, "a", "b", "c"));
      assertEquals(5, ws.next().getLong("version"));
      assertEquals(6, ws.next().getLong("version"));
      JsonObject ack = ws.next();
      assertEquals("subscribed", ack.getString("type"));
      assertEquals(1, ack.getLong("version"));
      assertEquals(new JsonArray().add("c"), ack.getJsonArray("missing"));
      all.send(new JsonObject().put("op", "subscribe").put("id", "all").put("view", VIEW));
      assertEquals(1, all.next("subscribed").getLong("version"));
      assertEquals("5", sse.next().get("id"));
      assertEquals("subscribed", sse.next().get("event"));

      // Only the serving version's changes are pushed.
      fx.seeder().write(V2, row("a", 2, 101));
      fx.seeder().write(VIEW, row("b", 7, 21));
      JsonObject b7 = ws.next();
      assertEquals(List.of("update", "b", 7L),
          List.of(b7.getString("type"), b7.getString("key"), b7.getLong("version")), b7.encode());
      assertEquals("b", all.next().getString("key"));

      // The switch: one registration with the new version.
      fx.seeder().register(entry(2, List.of(1L)));
      JsonObject switched = ws.next();
      assertEquals(new JsonObject().put("type", "switch").put("id", "s").put("view", VIEW)
          .put("version", 2), switched);
      JsonObject snapA = ws.next();
      assertEquals(List.of("snapshot", "a", 2L, 101),
          List.of(snapA.getString("type"), snapA.getString("key"), snapA.getLong("version"),
              snapA.getJsonObject("value").getInteger("n")), snapA.encode());
      assertEquals("c", ws.next().getString("key"));
      JsonObject again = ws.next();
      assertEquals("subscribed", again.getString("type"));
      assertEquals(2, again.getLong("version"));
      assertEquals(2, again.getInteger("snapshots"));
      assertEquals(new JsonArray().add("b"), again.getJsonArray("missing"), "no b in version 2");
      assertEquals(new JsonObject().put("type", "switch").put("id", "all").put("view", VIEW)
          .put("version", 2), all.next());
      Map<String, String> sseSwitch = sse.next();
      assertEquals("switch", sseSwitch.get("event"));
      assertEquals(2, new JsonObject(sseSwitch.get("data")).getLong("version"));
      Map<String, String> sseSnapshot = sse.next();
      assertEquals(List.of("snapshot", "2.2"), List.of(sseSnapshot.get("event"),
          sseSnapshot.get("id")));
      assertEquals("subscribed", sse.next().get("event"));

      // After it: version 1 (retiring, still written) is not pushed any more; version 2 is.
      fx.seeder().write(VIEW, row("b", 8, 22));
      fx.seeder().write(VIEW, row("a", 9, 11));
      fx.seeder().write(V2, row("a", 3, 102));
      JsonObject a3 = ws.next();
      assertEquals(List.of("update", "a", 3L), List.of(a3.getString("type"), a3.getString("key"),
          a3.getLong("version")), a3.encode());
      JsonObject allA3 = all.next();
      assertEquals(3, allA3.getLong("version"), allA3.encode());
      assertEquals("2.3", sse.next().get("id"));
      ws.assertQuiet(200);
      all.assertQuiet(0);
    }

    // REST reads the new version, and version 1 while it retires.
    HttpResponse<String> now = Poll.until(Duration.ofSeconds(3),
        () -> fx.get("/v1/views/totals/a", token), r -> "2".equals(header(r)), "version 2");
    assertEquals("\"2.3\"", now.headers().firstValue("ETag").orElseThrow());
    assertEquals(200, fx.get("/v1/views/totals/a", token, "If-None-Match", "\"9\"").statusCode(),
        "v1's tag does not match v2's row");
    HttpResponse<String> notModified = fx.get("/v1/views/totals/a", token, "If-None-Match",
        "\"2.3\"");
    assertEquals(304, notModified.statusCode());
    assertEquals("2", header(notModified));
    HttpResponse<String> old = fx.get("/v1/views/totals/a?version=1", token);
    assertEquals("\"9\"", old.headers().firstValue("ETag").orElseThrow());
    assertEquals("1", header(old));
    assertProblem(fx.get("/v1/views/totals/b", token), 404, "not-found");
    assertEquals("2", header(fx.get("/v1/views/totals/b", token)));
    assertEquals(List.of("a", "c"), keys(fx.get("/v1/views/totals?limit=10", token)));
    assertEquals(List.of("a", "b"), keys(fx.get("/v1/views/totals?limit=10&version=1", token)));
    assertEquals(List.of("c", "a"), keys(fx.get("/v1/views/totals/top", token)));
    assertEquals(List.of("b", "a"), keys(fx.get("/v1/views/totals/top?version=1", token)));
    assertEquals(List.of("a"), keys(fx.get("/v1/views/totals?keys=a,b", token)));
    HttpResponse<String> gone = fx.get("/v1/views/totals/a?version=3", token);
    assertProblem(gone, 404, "not-found");
    assertEquals(new JsonArray().add(2).add(1), json(gone).getJsonArray("readableVersions"));
    JsonObject listed = json(fx.get("/v1/views", token)).getJsonArray("views").getJsonObject(0);
    assertEquals(2, listed.getLong("version"));
    assertEquals(new JsonArray().add(1), listed.getJsonArray("otherVersions"));
  }

  @Test
  @Order(2)
  void resumingWithVersionsOfAnotherViewVersionGetsAFullSnapshot() {
    fx.seeder().register(entry(2, List.of(1L)));
    Poll.until(Duration.ofSeconds(3), () -> fx.gateway.catalog().find(VIEW).orElseThrow()
        .version(), v -> v == 2, "version 2 serving");
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      // c is at row version 1 in version 2; the client's "1" is of version 1: not the same row.
      ws.send(PushIT.subscribe("r", VIEW, "c").put("versions", new JsonObject().put("c", 1))
          .put("viewVersion", 1));
      JsonObject snapshot = ws.next();
      assertEquals(List.of("snapshot", "c"), List.of(snapshot.getString("type"),
          snapshot.getString("key")), snapshot.encode());
      ws.send(PushIT.subscribe("same", VIEW, "c").put("versions", new JsonObject().put("c", 1))
          .put("viewVersion", 2));
      JsonObject ack = ws.next("subscribed");
      assertEquals("r", ack.getString("id"));
      ack = ws.next("subscribed");
      assertEquals(new JsonArray().add("c"), ack.getJsonArray("upToDate"));
    }
  }
}
