package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.PushConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket protocol against a real redis-server: rows are written only through the
 * contract's write script, so every update a client sees came through Redis pub/sub and the
 * gateway's one change subscription.
 */
class PushIT {
  static final int MAX_SUBSCRIPTIONS = 3;
  static final int HEARTBEAT_MS = 300;

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders");
      seed.register("order_status", "status");
      seed.write(row("user_totals", "a", 1));
      seed.write(row("user_totals", "b", 1));
    }, c -> c
        .withAuth(new AuthConfig(c.auth().issuer(), c.auth().audience(), 0, c.auth().keys()))
        .withPush(new PushConfig(true, MAX_SUBSCRIPTIONS, 10, 1024, 65_536, 1_000,
            HEARTBEAT_MS)));
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static Row row(String view, String key, long version) {
    return new Row(view, key, version, System.currentTimeMillis(), "{\"n\":" + version + "}");
  }

  static JsonObject subscribe(String id, String view, String... keys) {
    return new JsonObject().put("op", "subscribe").put("id", id).put("view", view)
        .put("keys", new JsonArray(List.of((Object[]) keys)));
  }

  @Test
  void subscribeGetsSnapshotsThenEveryUpdateInOrder() {
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(subscribe("s1", "user_totals", "a", "b", "new"));
      JsonObject a = ws.next();
      assertEquals("snapshot", a.getString("type"));
      assertEquals("s1", a.getString("id"));
      assertEquals("user_totals", a.getString("view"));
      assertEquals("a", a.getString("key"));
      assertEquals(1, a.getLong("version"));
      assertEquals(new JsonObject().put("n", 1), a.getJsonObject("value"));
      assertEquals("b", ws.next().getString("key"));
      JsonObject ack = ws.next();
      assertEquals("subscribed", ack.getString("type"));
      assertEquals(2, ack.getInteger("snapshots"));
      assertEquals(new JsonArray().add("new"), ack.getJsonArray("missing"));

      for (long v = 1; v <= 20; v++) {
        fx.seeder().write(row("user_totals", "new", v));
      }
      for (long v = 1; v <= 20; v++) {
        JsonObject update = ws.next();
        assertEquals("update", update.getString("type"), update.encode());
        assertEquals("new", update.getString("key"));
        assertEquals(v, update.getLong("version"), "in order, none missing");
      }
      // A stale write (version not newer) changes nothing in Redis and publishes nothing.
      assertEquals(0, fx.seeder().write(row("user_totals", "new", 5)));
      // Keys the client did not name never reach it.
      fx.seeder().write(row("user_totals", "other", 1));
      ws.assertQuiet(300);
    }
  }

  @Test
  void resumeSendsOnlyNewerStateAndSaysSoWhenTheStoreWentBack() {
    fx.seeder().write(row("user_totals", "r1", 10));
    fx.seeder().write(row("user_totals", "r2", 5));
    fx.seeder().write(row("user_totals", "r3", 4));
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(subscribe("r", "user_totals", "r1", "r2", "r3")
          .put("versions", new JsonObject().put("r1", 10).put("r2", 3).put("r3", 9)));
      JsonObject r2 = ws.next();
      assertEquals("r2", r2.getString("key"));
      assertEquals(5, r2.getLong("version"));
      assertNull(r2.getBoolean("reset"));
      JsonObject r3 = ws.next();
      assertEquals("r3", r3.getString("key"));
      assertEquals(4, r3.getLong("version"));
      assertEquals(true, r3.getBoolean("reset"), "older than the client's: said so");
      JsonObject ack = ws.next();
      assertEquals("subscribed", ack.getString("type"));
      assertEquals(new JsonArray().add("r1"), ack.getJsonArray("upToDate"));
      fx.seeder().write(row("user_totals", "r1", 11));
      JsonObject update = ws.next();
      assertEquals("update", update.getString("type"));
      assertEquals(11, update.getLong("version"));
    }
  }

  @Test
  void aDeleteIsADeleteMessageAndResumeTellsAClientThatMissedIt() {
    fx.seeder().write(row("user_totals", "d1", 1));
    fx.seeder().write(row("user_totals", "d2", 4));
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token);
        WsClient all = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(subscribe("d", "user_totals", "d1"));
      assertEquals("snapshot", ws.next().getString("type"));
      assertEquals("subscribed", ws.next().getString("type"));
      all.send(new JsonObject().put("op", "subscribe").put("id", "all").put("view",
          "user_totals"));
      assertEquals("subscribed", all.next().getString("type"));
      assertEquals(1, fx.seeder().delete(new Tombstone("user_totals", "d1", 2, 1234)));
      JsonObject delete = ws.next();
      assertEquals(new JsonObject().put("type", "delete").put("id", "d").put("view",
          "user_totals").put("key", "d1").put("version", 2).put("updatedAt", 1234), delete);
      assertEquals("delete", all.next().getString("type"), "whole-view subscriptions too");
      // A replayed older write changes nothing; a newer one is an update again.
      assertEquals(0, fx.seeder().write(row("user_totals", "d1", 1)));
      fx.seeder().write(row("user_totals", "d1", 3));
      JsonObject back = ws.next();
      assertEquals("update", back.getString("type"));
      assertEquals(3, back.getLong("version"));
    }
    assertEquals(1, fx.seeder().delete(new Tombstone("user_totals", "d2", 5, 1)));
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      // The client held d2 at 4 and missed its delete at 5.
      ws.send(subscribe("r", "user_totals", "d2").put("versions", new JsonObject().put("d2", 4)));
      JsonObject missed = ws.next();
      assertEquals("delete", missed.getString("type"), missed.encode());
      assertEquals(5, missed.getLong("version"));
      JsonObject ack = ws.next();
      assertEquals(new JsonArray().add("d2"), ack.getJsonArray("missing"));
      assertEquals(1, ack.getLong("version"), "the view version of the snapshot");
    }
  }

  @Test
  void refusalsAreErrorMessagesAndTheSocketStaysUsable() {
    String oneView = fx.token("views:user_totals:read");
    String tenant = fx.token(new JsonObject().put("sub", "acme-app").put("scope", "views:read")
        .put("tenant", "acme"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    try (WsClient ws = WsClient.connect(fx.gateway.port(), oneView);
        WsClient acme = WsClient.connect(fx.gateway.port(), tenant)) {
      ws.send("not json");
      assertError(ws.next(), null, "bad_request");
      ws.send("{\"op\":\"subscribe\",\"id\":\"x\",\"view\":\"user_totals\",\"keys\":\""
          + "x".repeat(2000) + "\"]}");
      assertError(ws.next(), null, "frame_too_large");
      ws.send(subscribe("f", "order_status", "o1"));
      assertError(ws.next(), "f", "forbidden");
      ws.send(subscribe("u", "no_such_view", "k"));
      assertError(ws.next(), "u", "forbidden"); // scope first: scopes don't reveal views
      ws.send(new JsonObject().put("op", "unsubscribe").put("id", "nope"));
      assertError(ws.next(), "nope", "unknown_subscription");
      ws.send(new JsonObject().put("op", "dance"));
      assertError(ws.next(), null, "bad_request");

      acme.send(subscribe("t", "user_totals", "acme:1", "globex:1"));
      JsonObject foreign = acme.next();
      assertError(foreign, "t", "forbidden");
      assertTrue(foreign.getString("message").contains("globex:1"), foreign.encode());
      acme.send(subscribe("v", "no_such_view", "acme:1"));
      assertError(acme.next(), "v", "unknown_view");

      for (int i = 0; i < MAX_SUBSCRIPTIONS; i++) {
        ws.send(subscribe("ok" + i, "user_totals", "a"));
        assertEquals("snapshot", ws.next().getString("type"));
        assertEquals("subscribed", ws.next().getString("type"));
      }
      ws.send(subscribe("ok0", "user_totals", "b"));
      assertError(ws.next(), "ok0", "duplicate_id");
      ws.send(subscribe("one-more", "user_totals", "b"));
      assertError(ws.next(), "one-more", "too_many_subscriptions");
      ws.send(new JsonObject().put("op", "unsubscribe").put("id", "ok0"));
      assertEquals("unsubscribed", ws.next().getString("type"));
      ws.send(new JsonObject().put("op", "ping"));
      assertEquals("pong", ws.next().getString("type"));
      ws.send(subscribe("one-more", "user_totals", "b"));
      assertEquals("snapshot", ws.next().getString("type"), "usable after every error");
    }
  }

  @Test
  void theHandshakeNeedsAValidTokenInTheHeaderOrTheQuery() {
    WsClient.HandshakeFailed none = assertThrows(WsClient.HandshakeFailed.class,
        () -> WsClient.connect(fx.gateway.port(), null));
    assertEquals(401, ((WebSocketHandshakeException) none.getCause()).getResponse().statusCode());
    WsClient.HandshakeFailed bad = assertThrows(WsClient.HandshakeFailed.class,
        () -> WsClient.connect(fx.gateway.port(), token + "x"));
    assertEquals(401, ((WebSocketHandshakeException) bad.getCause()).getResponse().statusCode());
    try (WsClient ws = WsClient.connect(URI.create("ws://127.0.0.1:" + fx.gateway.port()
        + "/v1/ws?access_token=" + token), null)) {
      ws.send(subscribe("q", "user_totals", "a"));
      assertEquals("snapshot", ws.next().getString("type"));
    }
    // Plain GET without the upgrade: a problem, not a hang.
    assertEquals(400, fx.get("/v1/ws", token).statusCode());
  }

  @Test
  void aWholeViewSubscriptionGetsEveryKeysUpdates() {
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(new JsonObject().put("op", "subscribe").put("id", "all").put("view",
          "order_status"));
      JsonObject ack = ws.next();
      assertEquals("subscribed", ack.getString("type"));
      assertEquals(0, ack.getInteger("snapshots"));
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        fx.seeder().write(row("order_status", "o" + i, 1));
      }
      for (int i = 0; i < 5; i++) {
        JsonObject update = ws.next();
        assertEquals("update", update.getString("type"));
        seen.add(update.getString("key"));
      }
      assertEquals(List.of("o0", "o1", "o2", "o3", "o4"), seen);
    }
  }

  @Test
  void anExpiredTokenClosesTheSocketUnlessRefreshedInBand() throws Exception {
    JWTOptions shortLived = new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInSeconds(2);
    JsonObject claims = new JsonObject().put("sub", "tester").put("scope", "views:read");
    try (WsClient expiring = WsClient.connect(fx.gateway.port(), fx.token(claims, shortLived));
        WsClient refreshed = WsClient.connect(fx.gateway.port(), fx.token(claims, shortLived))) {
      refreshed.send(new JsonObject().put("op", "auth").put("token", token));
      JsonObject ok = refreshed.next("authenticated");
      assertTrue(ok.getLong("expiresAt") > System.currentTimeMillis() / 1000 + 60);
      String otherSubject = fx.token(new JsonObject().put("sub", "mallory")
          .put("scope", "views:read"), new JWTOptions().setIssuer("streamgate")
          .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
      refreshed.send(new JsonObject().put("op", "auth").put("token", otherSubject));
      assertError(refreshed.next(), null, "unauthorized");

      assertEquals(Push.CLOSE_TOKEN_EXPIRED, expiring.closeCode(Duration.ofSeconds(6)));
      assertTrue(expiring.closeReason.contains("token expired"), expiring.closeReason);
      refreshed.send(subscribe("still", "user_totals", "a"));
      assertEquals("snapshot", refreshed.next().getString("type"), "refreshed socket is open");
    }
  }

  @Test
  void idleSocketsGetPingsAndOneThatNeverAnswersIsClosed() throws Exception {
    long start = System.nanoTime();
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token);
        Socket dead = rawHandshake(fx.gateway.port(), token)) {
      Poll.until(Duration.ofSeconds(5), () -> ws.pings, n -> n >= 3, "pings received");
      // The raw client answers nothing: after 3 heartbeat intervals without a pong the
      // gateway sends a close frame with 4003 (the TCP close follows Vert.x's closing timeout).
      dead.setSoTimeout(5_000);
      List<int[]> frames = readFramesUntilClose(dead.getInputStream());
      long ms = (System.nanoTime() - start) / 1_000_000;
      int[] close = frames.get(frames.size() - 1);
      assertEquals(Push.CLOSE_NO_PONG, close[1]);
      assertTrue(ms >= 2 * HEARTBEAT_MS && ms < 4_000, "closed " + ms + " ms after connecting");
      assertTrue(frames.stream().filter(f -> f[0] == 0x9).count() >= 2, "pinged first");
      assertFalse(ws.closed.isDone(), "the answering client stays connected");
      assertTrue(fx.metrics().contains(
          "streamgate_push_dropped_connections_total{reason=\"no_pong\",transport=\"ws\"}"));
    }
  }

  /** A WebSocket handshake by hand; afterwards the socket is the caller's to (not) read. */
  static Socket rawHandshake(int port, String token) throws Exception {
    return rawHandshake(port, token, 0);
  }

  static Socket rawHandshake(int port, String token, int receiveBuffer) throws Exception {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
    OutputStream out = socket.getOutputStream();
    out.write(("GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + token + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("closed during handshake: " + head);
      }
      head.append((char) b);
    }
    assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
    return socket;
  }

  /**
   * Reads server frames until a close frame: each as {opcode, close code or payload length}.
   */
  static List<int[]> readFramesUntilClose(InputStream in) throws Exception {
    java.io.DataInputStream data = new java.io.DataInputStream(in);
    List<int[]> frames = new ArrayList<>();
    while (true) {
      int opcode = data.readUnsignedByte() & 0x0f;
      long length = data.readUnsignedByte() & 0x7f;
      if (length == 126) {
        length = data.readUnsignedShort();
      } else if (length == 127) {
        length = data.readLong();
      }
      byte[] payload = new byte[(int) length];
      data.readFully(payload);
      if (opcode == 0x8) {
        frames.add(new int[] {opcode, length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1});
        return frames;
      }
      frames.add(new int[] {opcode, (int) length});
    }
  }

  /** Sends one masked text frame (clients must mask). */
  static void sendText(Socket socket, String text) throws Exception {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = {1, 2, 3, 4};
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    socket.getOutputStream().write(frame.toByteArray());
    socket.getOutputStream().flush();
  }

  static void assertError(JsonObject message, String id, String code) {
    assertEquals("error", message.getString("type"), message.encode());
    assertEquals(id, message.getString("id"), message.encode());
    assertEquals(code, message.getString("code"), message.encode());
    assertFalse(message.getString("message").isBlank());
  }
}
