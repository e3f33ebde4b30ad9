package io.streamgate.gateway.http;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.CacheConfig;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.RedisServer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway does while Redis is down, hung, or not yet up: 503 fast, then recovery. The
 * near cache is off here, so every read really asks Redis ({@link NearCacheIT} covers stale
 * answers from the cache).
 */
class RedisOutageIT {
  private static final UnaryOperator<GatewayConfig> NO_CACHE =
      c -> c.withCache(new CacheConfig(false, 1, 0));
  /** Generous slack over the 500 ms store timeout for a loaded 2-core CI machine. */
  private static final long MAX_FAILURE_MS = GatewayFixture.REDIS_TIMEOUT_MS + 1_500;
  private static final Duration RECOVERY = Duration.ofSeconds(15);
  private static final String ROW = "/v1/views/user_totals/u1";
  private static final Row U1 = new Row("user_totals", "u1", 1, 1, "{\"orders\":1}");
  private static final Consumer<GatewayFixture.Seeder> SEED = seed -> {
    seed.register("user_totals", "orders");
    seed.write(U1);
  };

  @TempDir Path tempDir;
  GatewayFixture fx;
  RedisServer lateRedis;

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
    if (lateRedis != null) {
      lateRedis.close();
    }
  }

  @Test
  void readinessFollowsRedisAndRequestsFailFastWhileItIsStopped() {
    fx = GatewayFixture.start(tempDir, SEED, NO_CACHE);
    String token = fx.token("views:read");
    assertEquals(200, fx.get("/health/ready", null).statusCode());

    fx.redis.stop();
    HttpResponse<String> notReady = Poll.until(RECOVERY, () -> fx.get("/health/ready", null),
        r -> r.statusCode() == 503, "readiness 503");
    assertProblem(notReady, 503, "not-ready");
    assertRetryAfter(notReady);

    HttpResponse<String> row = timed(() -> fx.get(ROW, token));
    assertProblem(row, 503, "store-unavailable");
    assertRetryAfter(row);
    assertProblem(timed(() -> fx.get("/v1/views/user_totals?keys=u1,u2", token)), 503,
        "store-unavailable");
    // The catalog keeps the last views it knew.
    assertEquals(200, fx.get("/v1/views", token).statusCode());

    fx.redis.restart();
    Poll.until(RECOVERY, () -> fx.get("/health/ready", null).statusCode(), s -> s == 200,
        "readiness 200 after restart");
    // The restarted Redis is empty; once the processor writes again, rows are served again.
    SEED.accept(fx.seeder());
    Poll.until(RECOVERY, () -> fx.get(ROW, token), r -> r.statusCode() == 200, "row served");
    assertEquals(U1.toJson(), fx.get(ROW, token).body());
  }

  @Test
  void aHungRedisCostsARequestAtMostTheTimeout() throws Exception {
    fx = GatewayFixture.start(tempDir, SEED, NO_CACHE);
    String token = fx.token("views:read");
    assertEquals(200, fx.get(ROW, token).statusCode());
    String pid = fx.seeder().send(Request.cmd(Command.INFO).arg("server")).toString().lines()
        .filter(l -> l.startsWith("process_id:")).findFirst().orElseThrow()
        .substring("process_id:".length()).trim();
    signal("STOP", pid);
    try {
      assertProblem(timed(() -> fx.get(ROW, token)), 503, "store-unavailable");
      // Readiness answers from a PING made every second, bounded by the Redis timeout.
      assertProblem(Poll.until(RECOVERY, () -> timed(() -> fx.get("/health/ready", null)),
          r -> r.statusCode() == 503, "readiness 503"), 503, "not-ready");
    } finally {
      signal("CONT", pid);
    }
    Poll.until(RECOVERY, () -> fx.get(ROW, token).statusCode(), s -> s == 200,
        "row served after Redis resumed");
  }

  @Test
  void startsWhileRedisIsDownAndServesOnceItIsUp() {
    int port = FreePorts.find();
    fx = GatewayFixture.start(tempDir, null, "redis://127.0.0.1:" + port, seed -> { }, NO_CACHE);
    String token = fx.token("views:read");
    assertProblem(fx.get("/health/ready", null), 503, "not-ready");
    assertEquals(200, fx.get("/health/live", null).statusCode());
    // Without a catalog the gateway cannot tell "no such view" from "not known yet".
    assertProblem(timed(() -> fx.get(ROW, token)), 503, "store-unavailable");
    assertProblem(fx.get("/v1/views", token), 503, "store-unavailable");

    lateRedis = RedisServer.start(RedisServer.Options.defaults().withPort(port));
    SEED.accept(fx.seeder());
    Poll.until(RECOVERY, () -> fx.get(ROW, token), r -> r.statusCode() == 200, "row served");
    assertEquals(U1.toJson(), fx.get(ROW, token).body());
    Poll.until(RECOVERY, () -> fx.get("/health/ready", null).statusCode(), s -> s == 200,
        "readiness 200");
  }

  /** 1 s when a call failed, the breaker's wait (2 s) once it is open. */
  private static void assertRetryAfter(HttpResponse<String> response) {
    String value = response.headers().firstValue("Retry-After").orElseThrow();
    assertTrue(value.equals("1") || value.equals("2"), "Retry-After: " + value);
  }

  private static HttpResponse<String> timed(Supplier<HttpResponse<String>> request) {
    long start = System.nanoTime();
    HttpResponse<String> response = request.get();
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(elapsedMs < MAX_FAILURE_MS,
        "answered after " + elapsedMs + " ms, limit " + MAX_FAILURE_MS + " ms: " + response.body());
    return response;
  }

  private static void signal(String signal, String pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
  }
}
