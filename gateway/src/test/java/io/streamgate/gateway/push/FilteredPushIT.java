package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.CatalogEntry.Column;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.config.PushConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filtered subscriptions ({@code where}) over WebSocket and SSE against a real gateway and
 * redis-server, rows written the way the processor writes an indexed view.
 */
class FilteredPushIT {
  static final String VIEW = "order_status";
  static final List<String> INDEXES = List.of("userId", "status");
  static final int MAX_ROWS = 10;
  static final AtomicLong VERSIONS = new AtomicLong();

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> seed.register(new CatalogEntry(VIEW, "orders",
        "orderId", ViewKind.LATEST, List.of(new Column("userId", "string"),
            new Column("status", "string")), null, 0, 1, 1, List.of(), INDEXES)),
        c -> c.withPush(new PushConfig(true, 3, MAX_ROWS, 4096, 65_536, 1_000, 30_000)));
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static long write(String key, String user, String status) {
    long v = VERSIONS.incrementAndGet();
    fx.seeder().writeIndexed(VIEW, new Row(VIEW, key, v, System.currentTimeMillis(),
        "{\"userId\":\"" + user + "\",\"status\":\"" + status + "\"}"), INDEXES);
    return v;
  }

  static long delete(String key) {
    long v = VERSIONS.incrementAndGet();
    fx.seeder().delete(new Tombstone(VIEW, key, v, System.currentTimeMillis()));
    return v;
  }

  static JsonObject where(String id, JsonObject where) {
    return new JsonObject().put("op", "subscribe").put("id", id).put("view", VIEW)
        .put("where", where);
  }

  /** Snapshot messages until subscribed; key → message. */
  static Map<String, JsonObject> snapshot(WsClient ws) {
    Map<String, JsonObject> rows = new TreeMap<>();
    for (JsonObject m : ws.until(m -> "subscribed".equals(m.getString("type")))) {
      if ("snapshot".equals(m.getString("type"))) {
        rows.put(m.getString("key"), m);
      } else {
        assertEquals("subscribed", m.getString("type"), m.encode());
      }
    }
    return rows;
  }

  @Test
  void aUsersOrdersComeAsASnapshotThenEnterUpdateAndLeave() {
    write("a-1", "u-1", "created");
    write("a-2", "u-1", "paid");
    write("a-3", "u-2", "created");
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(where("s1", new JsonObject().put("userId", "u-1")));
      assertEquals(List.of("a-1", "a-2"), new ArrayList<>(snapshot(ws).keySet()));

      long v4 = write("a-4", "u-1", "created");
      JsonObject enter = ws.next();
      assertEquals("enter", enter.getString("type"), enter.encode());
      assertEquals("a-4", enter.getString("key"));
      assertEquals(v4, enter.getLong("version"));
      assertEquals("u-1", enter.getJsonObject("value").getString("userId"));

      write("a-3", "u-2", "paid"); // another user's order: nothing
      long v1 = write("a-1", "u-1", "paid");
      JsonObject update = ws.next();
      assertEquals("update", update.getString("type"), update.encode());
      assertEquals(v1, update.getLong("version"));

      long moved = write("a-2", "u-2", "paid"); // handed to another user: it leaves
      assertEquals(new JsonObject().put("type", "leave").put("id", "s1").put("view", VIEW)
          .put("key", "a-2").put("version", moved), ws.next());
      long deleted = delete("a-4");
      assertEquals(new JsonObject().put("type", "leave").put("id", "s1").put("view", VIEW)
          .put("key", "a-4").put("version", deleted), ws.next());
      write("a-2", "u-2", "shipped"); // no longer matching: nothing
      ws.assertQuiet(300);
    }
  }

  @Test
  void aStatusFilterSeesEnterAndLeaveAsTheStatusChangesAndRestFollows() {
    write("b-1", "u-3", "created");
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(where("paid", new JsonObject().put("status", "refunding")));
      assertEquals(Map.of(), snapshot(ws));
      write("b-1", "u-3", "refunding");
      assertEquals("enter", ws.next().getString("type"));
      assertEquals(List.of("b-1"), restKeys("status=refunding"));
      write("b-1", "u-3", "refunded");
      JsonObject leave = ws.next();
      assertEquals("leave", leave.getString("type"));
      assertEquals("b-1", leave.getString("key"));
      assertEquals(List.of(), restKeys("status=refunding"));
    }
  }

  static List<String> restKeys(String query) {
    JsonObject page = GatewayFixture.json(fx.get("/v1/views/" + VIEW + "?" + query, token));
    List<String> keys = new ArrayList<>();
    page.getJsonArray("rows").forEach(r -> keys.add(((JsonObject) r).getString("key")));
    return keys;
  }

  @Test
  void resumeSendsOnlyWhatChangedAndLeaveForWhatNoLongerMatches() {
    long c1 = write("c-1", "u-4", "created");
    long c2 = write("c-2", "u-4", "created");
    write("c-3", "u-4", "created");
    write("c-2", "u-5", "created"); // left while the client was away
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(where("r", new JsonObject().put("userId", "u-4"))
          .put("versions", new JsonObject().put("c-1", c1).put("c-2", c2)));
      List<JsonObject> messages = ws.until(m -> "subscribed".equals(m.getString("type")));
      assertEquals(3, messages.size(), messages.toString());
      assertEquals("snapshot", messages.get(0).getString("type"));
      assertEquals("c-3", messages.get(0).getString("key"));
      assertEquals("leave", messages.get(1).getString("type"));
      assertEquals("c-2", messages.get(1).getString("key"));
      assertEquals(new JsonArray().add("c-1"), messages.get(2).getJsonArray("upToDate"));
    }
  }

  @Test
  void boundsAndRefusals() {
    for (int i = 0; i <= MAX_ROWS; i++) {
      write("d-" + i, "u-many", "created");
    }
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(where("big", new JsonObject().put("userId", "u-many")));
      JsonObject error = ws.next("error");
      assertEquals("too_many_rows", error.getString("code"), error.encode());
      assertEquals("big", error.getString("id"));

      ws.send(where("bad", new JsonObject().put("amount", 3)));
      error = ws.next("error");
      assertEquals("bad_request", error.getString("code"));
      assertEquals("view 'order_status' cannot be filtered by 'amount': its indexed columns are"
          + " userId, status", error.getString("message"));

      ws.send(where("both", new JsonObject().put("userId", "u-1"))
          .put("keys", new JsonArray().add("a-1")));
      assertEquals("bad_request", ws.next("error").getString("code"));

      // Filtered subscriptions count against the connection's subscriptions (3 here).
      for (String id : List.of("w1", "w2", "w3")) {
        ws.send(where(id, new JsonObject().put("userId", "nobody-" + id)));
        ws.next("subscribed");
      }
      ws.send(where("w4", new JsonObject().put("userId", "nobody")));
      assertEquals("too_many_subscriptions", ws.next("error").getString("code"));
      // Entering past the bound ends the subscription too.
      ws.send(new JsonObject().put("op", "unsubscribe").put("id", "w1"));
      ws.next("unsubscribed");
      ws.send(where("grow", new JsonObject().put("userId", "u-grow")));
      ws.next("subscribed");
      for (int i = 0; i <= MAX_ROWS; i++) {
        write("g-" + i, "u-grow", "created");
      }
      List<JsonObject> got = ws.until(m -> "error".equals(m.getString("type")));
      assertEquals(MAX_ROWS, got.stream().filter(m -> "enter".equals(m.getString("type")))
          .count());
      assertEquals("too_many_rows", got.get(got.size() - 1).getString("code"));
    }
  }

  @Test
  void aTenantBoundTokenSeesOnlyItsTenantsRows() {
    write("acme:e-1", "u-6", "created");
    write("beta:e-2", "u-6", "created");
    String acme = fx.token(new JsonObject().put("sub", "p").put("scope", "views:read")
        .put("tenant", "acme"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    try (WsClient ws = WsClient.connect(fx.gateway.port(), acme)) {
      ws.send(where("t", new JsonObject().put("userId", "u-6")));
      assertEquals(List.of("acme:e-1"), new ArrayList<>(snapshot(ws).keySet()));
      write("beta:e-3", "u-6", "created");
      write("acme:e-4", "u-6", "created");
      assertEquals("acme:e-4", ws.next().getString("key"));
    }
  }

  @Test
  void sseStreamsAFilterAskedForWithAcceptEventStream() throws Exception {
    write("f-1", "u-7", "created");
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + fx.gateway.port() + "/v1/views/" + VIEW + "?userId=u-7&access_token=" + token))
        .header("Accept", "text/event-stream").build();
    HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request,
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode());
    LinkedBlockingQueue<Map<String, String>> events = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      Map<String, String> event = new HashMap<>();
      try {
        response.body().forEach(line -> {
          if (line.isEmpty()) {
            if (event.containsKey("event")) {
              events.add(new HashMap<>(event));
            }
            event.clear();
          } else if (!line.startsWith(":")) {
            int colon = line.indexOf(':');
            event.put(line.substring(0, colon), line.substring(colon + 1).trim());
          }
        });
      } catch (RuntimeException closed) {
        // the test closed the stream
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      Map<String, String> first = poll(events);
      assertEquals("snapshot", first.get("event"), first.toString());
      assertEquals("f-1", new JsonObject(first.get("data")).getString("key"));
      assertTrue(!first.containsKey("id"), "no Last-Event-ID for a set of rows");
      assertEquals("subscribed", poll(events).get("event"));
      write("f-2", "u-7", "created");
      Map<String, String> enter = poll(events);
      assertEquals("enter", enter.get("event"));
      assertEquals("f-2", new JsonObject(enter.get("data")).getString("key"));
      write("f-1", "u-8", "created");
      Map<String, String> leave = poll(events);
      assertEquals("leave", leave.get("event"));
      assertEquals("f-1", new JsonObject(leave.get("data")).getString("key"));
    } finally {
      response.body().close();
    }
    HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + fx.gateway.port() + "/v1/views/" + VIEW + "?amount=1"))
        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, bad.statusCode(), bad.body());
  }

  private static Map<String, String> poll(LinkedBlockingQueue<Map<String, String>> events)
      throws InterruptedException, IOException {
    Map<String, String> event = events.poll(5, TimeUnit.SECONDS);
    if (event == null) {
      throw new AssertionError("no event within 5 s");
    }
    return event;
  }
}
