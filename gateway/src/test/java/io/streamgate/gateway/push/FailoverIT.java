package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.Gateway;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.config.HttpConfig;
import io.streamgate.gateway.config.WarmupConfig;
import io.streamgate.gateway.config.KeyConfig;
import io.streamgate.gateway.config.ManagementConfig;
import io.streamgate.gateway.config.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several gateways behind a load balancer: a client follows rows on gateway A, A dies (its Vert.x
 * instance closed at once, no goodbye), rows keep changing, and the client reconnects to gateway B
 * with the versions it has. It gets exactly the rows that changed while it was away, at their
 * newest version, and nothing it already had: no data lost, nothing older replayed.
 */
class FailoverIT {
  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static Vertx vertxA;
  static Gateway a;
  static Vertx vertxB;
  static Gateway b;
  static String token;

  @BeforeAll
  static void start() {
    // The fixture's Redis and seeder play the processor; A and B are the gateways under test.
    fx = GatewayFixture.start(tempDir, seed -> seed.register("user_totals", "orders"));
    token = fx.token("views:read");
    GatewayConfig config = new GatewayConfig(
        new HttpConfig("127.0.0.1", 0, 1, false).withWarmup(WarmupConfig.off()),
        new RedisConfig(fx.redis.uri(), GatewayFixture.NAMESPACE, 500, 4, 1024),
        new AuthConfig("streamgate", "streamgate", 5,
            List.of(new KeyConfig("demo", "HS256", tempDir.resolve("jwt.secret")))))
        .withManagement(ManagementConfig.defaults().withPort(0));
    vertxA = Vertx.vertx();
    a = Gateway.start(vertxA, config).await();
    vertxB = Vertx.vertx();
    b = Gateway.start(vertxB, config).await();
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close().await();
      vertxB.close().await();
    }
    if (vertxA != null) {
      vertxA.close().await();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void aClientOfADeadGatewayResumesOnAnotherWithoutLosingChanges() {
    List<String> keys = List.of("f1", "f2", "f3", "f4");
    for (String key : keys) {
      fx.seeder().write(PushIT.row("user_totals", key, 1));
    }
    Map<String, Long> have = new HashMap<>();
    WsClient onA = WsClient.connect(a.port(), token);
    onA.send(PushIT.subscribe("s", "user_totals", keys.toArray(String[]::new)));
    for (JsonObject m : onA.until(m -> "subscribed".equals(m.getString("type")))) {
      if ("snapshot".equals(m.getString("type"))) {
        have.put(m.getString("key"), m.getLong("version"));
      }
    }
    fx.seeder().write(PushIT.row("user_totals", "f1", 2));
    JsonObject update = onA.next("update");
    have.put(update.getString("key"), update.getLong("version"));
    assertEquals(Map.of("f1", 2L, "f2", 1L, "f3", 1L, "f4", 1L), have);

    // Gateway A goes away (its whole Vert.x instance); the processor keeps writing.
    vertxA.close().await();
    onA.closed.join();
    fx.seeder().write(PushIT.row("user_totals", "f2", 2));
    fx.seeder().write(PushIT.row("user_totals", "f3", 2));
    fx.seeder().write(PushIT.row("user_totals", "f3", 3));

    try (WsClient onB = WsClient.connect(b.port(), token)) {
      JsonObject versions = new JsonObject();
      have.forEach(versions::put);
      onB.send(PushIT.subscribe("s", "user_totals", keys.toArray(String[]::new))
          .put("versions", versions));
      Map<String, Long> caughtUp = new HashMap<>();
      JsonObject ack = null;
      for (JsonObject m : onB.until(m -> "subscribed".equals(m.getString("type")))) {
        if ("snapshot".equals(m.getString("type"))) {
          assertNull(m.getBoolean("reset"), "nothing went back: " + m.encode());
          caughtUp.put(m.getString("key"), m.getLong("version"));
        } else {
          ack = m;
        }
      }
      assertEquals(Map.of("f2", 2L, "f3", 3L), caughtUp, "exactly what changed while away");
      assertTrue(ack.getJsonArray("upToDate").contains("f1") && ack.getJsonArray("upToDate")
          .contains("f4"), ack.encode());
      fx.seeder().write(PushIT.row("user_totals", "f4", 2));
      JsonObject next = onB.next("update");
      assertEquals("f4", next.getString("key"));
      assertEquals(2, next.getLong("version"));
    }
  }
}
