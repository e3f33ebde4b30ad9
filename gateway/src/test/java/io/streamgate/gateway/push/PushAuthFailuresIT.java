package io.streamgate.gateway.push;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.config.PushConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed token checks per client address on the push routes: after the maximum in 10 s, the
 * address gets 429 without its token being checked (even a valid one), on WebSocket and SSE.
 */
class PushAuthFailuresIT {
  static final int MAX_FAILURES = 3;

  @TempDir static Path tempDir;
  static GatewayFixture fx;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> seed.register("user_totals", "orders"),
        c -> c.withPush(PushConfig.defaults().withLimits(0, 50, 1_024, MAX_FAILURES)));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void anAddressWithTooManyFailedTokenChecksIsRefusedWithoutChecking() {
    for (int i = 0; i < MAX_FAILURES; i++) {
      assertEquals(401, fx.get("/v1/ws", "forged." + i + ".token").statusCode());
    }
    HttpResponse<String> refused = fx.get("/v1/ws", fx.token("views:read"));
    assertProblem(refused, 429, "rate-limited");
    assertTrue(refused.headers().firstValue("Retry-After").isPresent());
    assertTrue(GatewayFixture.json(refused).getString("detail").contains("not checked"));
    assertProblem(fx.get("/v1/views/user_totals/u1/events", fx.token("views:read")), 429,
        "rate-limited");
    assertEquals(404, fx.get("/v1/views/user_totals/u1", fx.token("views:read")).statusCode(),
        "other routes are not affected");
  }
}
