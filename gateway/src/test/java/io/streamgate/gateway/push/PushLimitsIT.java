package io.streamgate.gateway.push;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.config.PushConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push limits against a real gateway: the per-connection message budget weighted by keys
 * (tied to the token's plan), sockets per principal, oversized and deeply nested messages, the
 * order of subscribe checks and key lengths in characters. Failed authentications per address
 * are in {@link PushAuthFailuresIT} (they lock the test's own address out for a while).
 */
class PushLimitsIT {
  static final int SOCKETS = 3;

  @TempDir static Path tempDir;
  static GatewayFixture fx;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders");
      seed.register("order_status", "status");
      for (int i = 0; i < 10; i++) {
        seed.write(new Row("user_totals", "k" + i, 1, 1, "{\"orders\":1}"));
      }
    }, c -> c.withPush(PushConfig.defaults().withLimits(0, SOCKETS, 1_024, 10)));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static String token(String subject, String plan, String scope) {
    JsonObject claims = new JsonObject().put("sub", subject).put("scope", scope);
    if (plan != null) {
      claims.put("plan", plan);
    }
    return fx.token(claims, new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
  }

  static JsonObject subscribe(String id, String view, List<String> keys) {
    return new JsonObject().put("op", "subscribe").put("id", id).put("view", view)
        .put("keys", new JsonArray(new ArrayList<>(keys)));
  }

  static List<String> keys(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add("k" + i);
    }
    return keys;
  }

  @Test
  void aTrialTokensSocketMayReadTwentyKeysAMinuteThenIsRefusedThenClosed() {
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token("budget", "trial",
        "views:read"))) {
      ws.send(subscribe("a", "user_totals", keys(10)));
      assertEquals(10, ws.next("subscribed").getInteger("snapshots"));
      ws.send(subscribe("b", "user_totals", keys(10)));
      assertEquals("b", ws.next("subscribed").getString("id"));
      ws.send(subscribe("c", "user_totals", keys(1)));
      JsonObject refused = ws.next("error");
      assertEquals("rate_limited", refused.getString("code"));
      assertEquals("c", refused.getString("id"));
      assertTrue(refused.getString("message").contains("20 key reads per minute"),
          refused.encode());
      for (int i = 0; i < PushConfig.MAX_REFUSED_MESSAGES - 1; i++) {
        ws.send(new JsonObject().put("op", "ping"));
      }
      assertEquals(Push.CLOSE_RATE_LIMITED, ws.closeCode(WsClient.WAIT));
    }
  }

  @Test
  void aPrincipalMayHoldOnlySoManySocketsOnAGateway() {
    String token = token("many-sockets", null, "views:read");
    List<WsClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < SOCKETS; i++) {
        open.add(WsClient.connect(fx.gateway.port(), token));
      }
      WsClient.HandshakeFailed failed = assertThrows(WsClient.HandshakeFailed.class,
          () -> WsClient.connect(fx.gateway.port(), token));
      WebSocketHandshakeException e =
          assertInstanceOf(WebSocketHandshakeException.class, failed.getCause());
      assertEquals(429, e.getResponse().statusCode());
      HttpResponse<String> sse = fx.get("/v1/views/user_totals/k1/events", token);
      assertProblem(sse, 429, "rate-limited");
      assertTrue(GatewayFixture.json(sse).getString("detail").contains("at most " + SOCKETS));
      assertEquals(200, fx.get("/v1/views/user_totals/k1", token).statusCode(),
          "plain reads are not push connections");
    } finally {
      open.forEach(WsClient::close);
    }
    // Closed sockets are given back.
    io.streamgate.gateway.Poll.until(Duration.ofSeconds(5), () -> {
      try (WsClient again = WsClient.connect(fx.gateway.port(), token)) {
        return true;
      } catch (WsClient.HandshakeFailed e) {
        return false;
      }
    }, ok -> ok, "a socket to be accepted again");
  }

  @Test
  void aFrameAboveTheFrameLimitClosesWith1009() throws Exception {
    try (RawWs ws = new RawWs(fx.gateway.port(), token("big", null, "views:read"))) {
      ws.sendFrame("x".repeat(70_000).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(1009, ws.closeCode());
    }
  }

  @Test
  void aMessageAboveTheMessageLimitInSmallFragmentsGetsAnErrorThenA1009() {
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token("frag", null, "views:read"))) {
      String chunk = "y".repeat(8_192);
      for (int i = 0; i * chunk.length() <= PushConfig.MAX_MESSAGE_BYTES && !ws.closed.isDone();
          i++) {
        // One fragment at a time: the JDK client fails a send while another is pending.
        try {
          ws.socket.sendText(chunk, false).join();
        } catch (java.util.concurrent.CompletionException closedMeanwhile) {
          break;
        }
      }
      JsonObject error = ws.next("error");
      assertEquals("frame_too_large", error.getString("code"));
      assertEquals(1009, ws.closeCode(WsClient.WAIT));
    }
  }

  @Test
  void aMessageAboveMaxFrameBytesInFragmentsGetsAnErrorAndTheSocketStays() {
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token("mid", null, "views:read"))) {
      for (int i = 0; i < 3; i++) {
        ws.socket.sendText("z".repeat(8_000), false).join();
      }
      ws.socket.sendText("z", true).join();
      assertEquals("frame_too_large", ws.next("error").getString("code"));
      ws.send(new JsonObject().put("op", "ping"));
      assertEquals("pong", ws.next().getString("type"));
    }
  }

  @Test
  void aDeeplyNestedMessageGetsAClearError() {
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token("deep", null, "views:read"))) {
      ws.send("{\"op\":\"subscribe\",\"id\":\"d\",\"view\":\"user_totals\",\"keys\":"
          + "[".repeat(5_000) + "]".repeat(5_000) + "}");
      JsonObject error = ws.next("error");
      assertEquals("bad_request", error.getString("code"));
      assertTrue(error.getString("message").contains("nest"), error.encode());
      ws.send(new JsonObject().put("op", "ping"));
      assertEquals("pong", ws.next().getString("type"));
    }
  }

  @Test
  void subscribeChecksScopeBeforeKeysAndCountsKeyLengthInCharacters() {
    String onlyOrders = token("scoped", null, "views:order_status:read");
    try (WsClient ws = WsClient.connect(fx.gateway.port(), onlyOrders)) {
      ws.send(subscribe("s", "user_totals", List.of("bad\u0001key")));
      assertEquals("forbidden", ws.next("error").getString("code"),
          "no scope for the view: refused for that, whatever the keys");
      ws.send(subscribe("s", "user_totals2", List.of("bad\u0001key")));
      assertEquals("forbidden", ws.next("error").getString("code"),
          "scopes do not reveal which views exist");
      ws.send(subscribe("s", "order_status", List.of("bad\u0001key")));
      assertEquals("bad_request", ws.next("error").getString("code"));
      String emoji = "\uD83D\uDE00".repeat(256); // 256 characters, 512 UTF-16 units
      ws.send(subscribe("e", "order_status", List.of(emoji)));
      JsonObject subscribed = ws.next("subscribed");
      assertEquals(List.of(emoji), subscribed.getJsonArray("missing").getList());
    }
  }
}
