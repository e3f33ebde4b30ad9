package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.GatewayFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open WebSockets do not hold a shutdown for the whole grace period: they get 1001. */
class PushShutdownIT {
  @TempDir Path tempDir;

  @Test
  void shutdownClosesSocketsWithGoingAway() {
    GatewayFixture fx = GatewayFixture.start(tempDir,
        seed -> seed.register("user_totals", "orders"));
    try (WsClient ws = WsClient.connect(fx.gateway.port(), fx.token("views:read"))) {
      ws.send(PushIT.subscribe("s", "user_totals", "a"));
      assertEquals("subscribed", ws.next().getString("type"));
      long start = System.nanoTime();
      fx.close();
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Push.CLOSE_GOING_AWAY, ws.closeCode(Duration.ofSeconds(5)));
      assertTrue(ms < 5_000, "shutdown took " + ms + " ms");
    }
  }
}
