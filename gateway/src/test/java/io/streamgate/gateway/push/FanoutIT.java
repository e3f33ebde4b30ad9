package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.Gateway;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.config.HttpConfig;
import io.streamgate.gateway.config.WarmupConfig;
import io.streamgate.gateway.config.KeyConfig;
import io.streamgate.gateway.config.ManagementConfig;
import io.streamgate.gateway.config.RedisConfig;
import io.streamgate.gateway.push.internal.PushHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fan-out: one change subscription per gateway process however many clients it has, several
 * gateways on one Redis each delivering, and a lost subscription that is never a silent gap.
 */
class FanoutIT {
  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static Vertx otherVertx;
  static Gateway other;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> seed.register("user_totals", "orders"));
    token = fx.token("views:read");
    otherVertx = Vertx.vertx();
    GatewayConfig config = new GatewayConfig(
        new HttpConfig("127.0.0.1", 0, 1, false).withWarmup(WarmupConfig.off()),
        new RedisConfig(fx.redis.uri(), GatewayFixture.NAMESPACE, 500, 4, 1024),
        new AuthConfig("streamgate", "streamgate", 5,
            List.of(new KeyConfig("demo", "HS256", tempDir.resolve("jwt.secret")))))
        .withManagement(ManagementConfig.defaults().withPort(0));
    other = Gateway.start(otherVertx, config).await();
  }

  @AfterAll
  static void stop() {
    if (other != null) {
      other.close().await();
      otherVertx.close().await();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void twoGatewaysOnOneRedisBothDeliverWithOneSubscriptionEach() {
    List<WsClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        WsClient ws = WsClient.connect(i % 2 == 0 ? fx.gateway.port() : other.port(), token);
        ws.send(PushIT.subscribe("s", "user_totals", "shared"));
        assertEquals("subscribed", ws.next().getString("type"));
        clients.add(ws);
      }
      // The near cache and push of a gateway share its one PSUBSCRIBE: 2 gateways, 2 patterns.
      Poll.until(Duration.ofSeconds(5), () -> fx.seeder().send(
          Request.cmd(Command.CLIENT).arg("LIST").arg("TYPE").arg("pubsub")).toString()
          .lines().filter(line -> line.contains(" psub=1 ")).count(), n -> n == 2,
          "one pattern subscription per gateway");
      // Regression: requests run on duplicated contexts; fanouts are per event loop (the
      // fixture runs 2 server instances), not per connection.
      assertTrue(((PushHub) fx.gateway.push()).loopCount() <= 2,
          "fanouts: " + ((PushHub) fx.gateway.push()).loopCount());
      for (long v = 1; v <= 10; v++) {
        fx.seeder().write(PushIT.row("user_totals", "shared", v));
      }
      for (WsClient ws : clients) {
        for (long v = 1; v <= 10; v++) {
          assertEquals(v, ws.next().getLong("version"));
        }
      }
    } finally {
      clients.forEach(WsClient::close);
    }
  }

  @Test
  void aLostChangeSubscriptionIsReportedAndTheMissedStateResent() {
    fx.seeder().write(PushIT.row("user_totals", "gap", 1));
    try (WsClient ws = WsClient.connect(fx.gateway.port(), token)) {
      ws.send(PushIT.subscribe("g", "user_totals", "gap"));
      assertEquals(1, ws.next().getLong("version"));
      assertEquals("subscribed", ws.next().getString("type"));
      // Cut the gateways' subscriber connections; write while they are reconnecting.
      fx.seeder().send(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub"));
      fx.seeder().write(PushIT.row("user_totals", "gap", 2));
      JsonObject down = ws.next();
      assertEquals("status", down.getString("type"));
      assertEquals(false, down.getBoolean("live"));
      List<JsonObject> rest = ws.until(m -> m.getLong("version", 0L) == 2);
      assertTrue(rest.stream().anyMatch(m -> "status".equals(m.getString("type"))
          && m.getBoolean("live")), "told when live again: " + rest);
      // And live again for real.
      fx.seeder().write(PushIT.row("user_totals", "gap", 3));
      assertEquals(3, ws.next("update").getLong("version"));
    }
  }
}
