package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.ViewKind;
import io.streamgate.contract.control.ViewStatus;
import io.streamgate.contract.control.ViewStatus.State;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import io.streamgate.gateway.GatewayFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /asyncapi.json} against what a real gateway sends: every WebSocket message and SSE
 * event of a session that goes through subscribe, snapshot, update, delete, errors, token
 * refresh, unsubscribe and a view switch is checked against its message's payload schema, the
 * row values typed per view.
 */
class AsyncApiIT {
  private static final String VIEW = "order_status";
  private static final long WATERMARK = 1_764_072_000_000L;

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;
  static AsyncApiChecker checker;
  static ScheduledExecutorService processor;

  private static CatalogEntry entry(long version, List<Long> others) {
    return new CatalogEntry(VIEW, "order status", "orderId", ViewKind.LATEST,
        List.of(new CatalogEntry.Column("status", "string"),
            new CatalogEntry.Column("amount", "double")), null, 0, 1, version, others);
  }

  private static Row row(String table, String key, long version, String status) {
    return new Row(VIEW, key, version, WATERMARK + version,
        "{\"status\":\"" + status + "\",\"amount\":" + version + ".5}");
  }

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register(entry(1, List.of()));
      seed.write(row(VIEW, "o-1", 1, "created"));
      seed.write(row(VIEW, "o-3", 1, "created"));
    });
    token = fx.token("views:read");
    processor = Executors.newSingleThreadScheduledExecutor();
    processor.scheduleWithFixedDelay(AsyncApiIT::report, 0, 500, TimeUnit.MILLISECONDS);
    HttpResponse<String> doc = io.streamgate.gateway.Poll.until(java.time.Duration.ofSeconds(5),
        () -> fx.get("/asyncapi.json", null),
        r -> r.body().contains("OrderStatusValue"), "the document typed for the view");
    checker = new AsyncApiChecker(new JsonObject(doc.body()));
    io.streamgate.gateway.Poll.until(java.time.Duration.ofSeconds(5),
        () -> fx.get("/v1/views/" + VIEW + "/o-1", token), r -> r.headers()
            .firstValue("Streamgate-Lag-Ms").isPresent(), "the view's freshness");
  }

  /** The processor's status: both versions caught up. */
  private static void report() {
    long now = System.currentTimeMillis();
    fx.seeder().send(Request.cmd(Command.HSET).arg(fx.keyspace.viewStatus()).arg(VIEW)
        .arg(new ViewStatus(VIEW, 1, List.of(
            new VersionStatus(1, State.LIVE, 1, 0, 2, WATERMARK, "", now),
            new VersionStatus(2, State.BACKFILLING, 1, 0, 1, WATERMARK, "", now)), now).toJson()));
  }

  @AfterAll
  static void stop() {
    if (processor != null) {
      processor.shutdownNow();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void theDocumentListsEveryMessageInItsChannelAndTypesRowValuesPerView() {
    HttpResponse<String> response = fx.get("/asyncapi.json", null);
    assertEquals(200, response.statusCode());
    JsonObject doc = new JsonObject(response.body());
    assertEquals("3.0.0", doc.getString("asyncapi"));
    Set<String> ws = doc.getJsonObject("channels").getJsonObject("ws")
        .getJsonObject("messages").fieldNames();
    assertTrue(ws.containsAll(List.of("subscribe", "unsubscribe", "auth", "ping", "snapshot",
        "update", "delete", "subscribed", "switch", "unsubscribed", "error", "status", "resync",
        "authenticated", "pong", "enter", "leave")), ws.toString());
    assertEquals(10, doc.getJsonObject("channels").getJsonObject("sse")
        .getJsonObject("messages").size());
    JsonObject value = doc.getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("OrderStatusValue");
    assertEquals(Set.of("status", "amount"), value.getJsonObject("properties").fieldNames());
    String etag = response.headers().firstValue("ETag").orElseThrow();
    assertEquals(304, fx.get("/asyncapi.json", null, "If-None-Match", etag).statusCode());
  }

  @Test
  void everyMessageAWebSocketSessionGetsFitsTheDocument() {
    Set<String> seen = new TreeSet<>();
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send("{\"op\":\"subscribe\",\"id\":\"s1\",\"view\":\"" + VIEW
          + "\",\"keys\":[\"o-1\",\"o-2\"]}");
      JsonObject snapshot = check(ws.next("snapshot"), seen);
      assertEquals(0L, snapshot.getLong("lagMs"));
      assertEquals("2025-11-25T12:00:00Z", snapshot.getString("watermark"));
      check(ws.next("subscribed"), seen);

      fx.seeder().write(row(VIEW, "o-2", 2, "paid"));
      JsonObject update = check(ws.next("update"), seen);
      assertEquals(0L, update.getLong("lagMs"));
      fx.seeder().delete(new Tombstone(VIEW, "o-1", 3, WATERMARK + 3));
      check(ws.next("delete"), seen);

      ws.send("{\"op\":\"ping\"}");
      check(ws.next("pong"), seen);
      ws.send("{\"op\":\"dance\",\"id\":\"x\"}");
      check(ws.next("error"), seen);
      ws.send("{\"op\":\"subscribe\",\"id\":\"s1\",\"view\":\"" + VIEW + "\"}");
      JsonObject duplicate = check(ws.next("error"), seen);
      assertEquals("duplicate_id", duplicate.getString("code"));
      ws.send("{\"op\":\"auth\",\"token\":\"" + fx.token("views:read") + "\"}");
      check(ws.next("authenticated"), seen);
      ws.send("{\"op\":\"subscribe\",\"id\":\"all\",\"view\":\"" + VIEW + "\"}");
      check(ws.next("subscribed"), seen);
      ws.send("{\"op\":\"unsubscribe\",\"id\":\"all\"}");
      check(ws.next("unsubscribed"), seen);

      // The view switches to version 2: switch, its snapshot, subscribed.
      fx.seeder().write(VIEW + ".v2", row(VIEW, "o-2", 1, "shipped"));
      fx.seeder().register(entry(2, List.of(1L)));
      check(ws.next("switch"), seen);
      JsonObject second = check(ws.next("snapshot"), seen);
      assertEquals("shipped", second.getJsonObject("value").getString("status"));
      check(ws.next("subscribed"), seen);
    } finally {
      fx.seeder().register(entry(1, List.of()));
    }
    assertEquals(Set.of("authenticated", "delete", "error", "pong", "snapshot", "subscribed",
        "switch", "unsubscribed", "update"), seen);
    // And what a client sends, as the document describes it.
    checker.assertFits("clientMessages", "subscribe", new JsonObject("{\"op\":\"subscribe\","
        + "\"id\":\"s1\",\"view\":\"order_status\",\"keys\":[\"o-1\"],\"versions\":{\"o-1\":4},"
        + "\"viewVersion\":1}"));
  }

  private static JsonObject check(JsonObject message, Set<String> seen) {
    checker.assertFits("wsMessages", message.getString("type"), message);
    seen.add(message.getString("type"));
    return message;
  }

  @Test
  void everyEventAnSseStreamGetsFitsTheDocument() throws Exception {
    try (SseIT.Events events = SseIT.Events.open(fx.gateway.port(),
        "/v1/views/" + VIEW + "/o-3/events", token, null)) {
      List<String> names = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        names.add(checkEvent(events.next()));
      }
      fx.seeder().write(row(VIEW, "o-3", 5, "paid"));
      names.add(checkEvent(events.next()));
      fx.seeder().delete(new Tombstone(VIEW, "o-3", 6, WATERMARK + 6));
      names.add(checkEvent(events.next()));
      assertEquals(List.of("snapshot", "subscribed", "update", "delete"), names);
    }
  }

  private static String checkEvent(Map<String, String> event) {
    JsonObject data = new JsonObject(event.get("data"));
    checker.assertFits("sseEvents", event.get("event"), data);
    if (!event.get("event").equals("subscribed")) {
      assertEquals(0L, data.getLong("lagMs"), data.encode());
    }
    return event.get("event");
  }

  @Test
  void theCheckRefusesWhatTheDocumentDoesNot() {
    String ok = "{\"type\":\"update\",\"id\":\"s1\",\"view\":\"order_status\",\"key\":\"o-1\","
        + "\"version\":3,\"updatedAt\":1,\"lagMs\":0,\"value\":{\"status\":\"paid\","
        + "\"amount\":1.5}}";
    assertTrue(checker.check("wsMessages", "update", new JsonObject(ok)).getValid());
    // The value typed per view: status is a string.
    assertFalse(checker.check("wsMessages", "update",
        new JsonObject(ok.replace("\"paid\"", "5"))).getValid());
    assertFalse(checker.check("wsMessages", "update",
        new JsonObject(ok).put("surprise", true)).getValid());
    assertFalse(checker.check("wsMessages", "update",
        new JsonObject(ok).put("lagMs", -4)).getValid());
    JsonObject noVersion = new JsonObject(ok);
    noVersion.remove("version");
    assertFalse(checker.check("wsMessages", "update", noVersion).getValid());
    assertFalse(checker.check("wsMessages", "error", new JsonObject()
        .put("type", "error").put("id", null).put("code", "oops").put("message", "m")).getValid());
    assertThrows(AssertionError.class, () -> checker.messageId("wsMessages", "teleport"));
  }
}
