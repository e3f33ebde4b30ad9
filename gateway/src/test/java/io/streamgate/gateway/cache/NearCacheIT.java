package io.streamgate.gateway.cache;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.CacheConfig;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The near cache against a real redis-server. Rows are never revalidated by time here (1 h), so
 * every change a read sees arrived as a change message.
 */
class NearCacheIT {
  private static final int NEVER_REVALIDATE_MS = 3_600_000;
  private static final Duration SOON = Duration.ofSeconds(2);
  private static final Row A1 = new Row("user_totals", "a", 1, 1, "{\"orders\":1}");
  private static final Row A2 = new Row("user_totals", "a", 2, 2, "{\"orders\":2}");
  private static final Row B1 = new Row("user_totals", "b", 1, 1, "{\"orders\":10}");
  private static final Consumer<GatewayFixture.Seeder> SEED = seed -> {
    seed.register("user_totals", "orders");
    seed.write(A1);
    seed.write(B1);
  };

  @TempDir Path tempDir;
  GatewayFixture fx;
  String token;
  NearCache cache;

  @BeforeEach
  void start() {
    fx = GatewayFixture.start(tempDir, SEED,
        c -> c.withCache(new CacheConfig(true, 1_000, NEVER_REVALIDATE_MS)));
    token = fx.token("views:read");
    cache = fx.gateway.nearCache();
    Poll.until(SOON, cache::attached, a -> a, "near cache subscribed");
  }

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void aWriteReachesTheCachedRowByItsChangeMessage() {
    assertEquals(A1.toJson(), fx.get("/v1/views/user_totals/a", token).body());
    long hits = cache.hits();
    assertEquals(A1.toJson(), fx.get("/v1/views/user_totals/a", token).body());
    assertEquals(hits + 1, cache.hits(), "the second read was answered from memory");

    long written = System.nanoTime();
    assertEquals(1, fx.seeder().write(A2));
    Poll.until(SOON, () -> fx.get("/v1/views/user_totals/a", token).body(),
        body -> body.equals(A2.toJson()), "the newer version");
    long ms = (System.nanoTime() - written) / 1_000_000;
    assertTrue(ms < 1_000, "took " + ms + " ms");
    assertTrue(cache.hits() > hits + 1, "still answered from memory, now with version 2");
    assertEquals(2, GatewayFixture.json(fx.get("/v1/views/user_totals?keys=a", token))
        .getJsonArray("rows").getJsonObject(0).getLong("version"));
  }

  @Test
  void withRedisStoppedCachedRowsAreServedMarkedStaleAndOthersGet503() {
    fx.get("/v1/views/user_totals/a", token);
    fx.get("/v1/views/user_totals?keys=a,b", token);
    fx.redis.stop();

    HttpResponse<String> stale = Poll.until(Duration.ofSeconds(10),
        () -> fx.get("/v1/views/user_totals/a", token),
        r -> r.headers().firstValue("Streamgate-Stale").isPresent(), "a stale answer");
    assertEquals(200, stale.statusCode());
    assertEquals(A1.toJson(), stale.body());
    assertEquals("true", stale.headers().firstValue("Streamgate-Stale").orElseThrow());
    long age = Long.parseLong(stale.headers().firstValue("Age").orElseThrow());
    assertTrue(age >= 0 && age < 60, "Age " + age);
    assertEquals("\"1\"", stale.headers().firstValue("ETag").orElseThrow());

    HttpResponse<String> both = fx.get("/v1/views/user_totals?keys=b,a", token);
    assertEquals(200, both.statusCode(), both.body());
    assertEquals("true", both.headers().firstValue("Streamgate-Stale").orElseThrow());
    assertProblem(fx.get("/v1/views/user_totals/never-read", token), 503, "store-unavailable");
    assertProblem(fx.get("/v1/views/user_totals?keys=a,never-read", token), 503,
        "store-unavailable");

    // Back, empty: the processor writes version 2. Redis is the truth again, nothing stale.
    fx.redis.restart();
    fx.seeder().register("user_totals", "orders");
    fx.seeder().write(A2);
    HttpResponse<String> fresh = Poll.until(Duration.ofSeconds(15),
        () -> fx.get("/v1/views/user_totals/a", token), r -> r.statusCode() == 200
            && r.headers().firstValue("Streamgate-Stale").isEmpty(), "a fresh answer");
    assertEquals(A2.toJson(), fresh.body());
  }

  @Test
  void losingTheSubscriptionDropsTheCacheWhichIsRebuiltAfterResubscribing() {
    fx.get("/v1/views/user_totals?keys=a,b", token);
    assertTrue(cache.size() >= 2, "size " + cache.size());

    // Redis stays up; only the gateway's subscriber connection is cut.
    fx.seeder().send(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub"));
    Poll.until(Duration.ofSeconds(5), () -> cache.attached() && cache.size() == 0, ok -> ok,
        "resubscribed with an empty cache");
    // A write whose message may have been missed while unsubscribed is still read.
    fx.seeder().write(A2);
    assertEquals(A2.toJson(), fx.get("/v1/views/user_totals/a", token).body());
    assertEquals(A2.toJson(), fx.get("/v1/views/user_totals/a", token).body());
    assertFalse(fx.get("/v1/views/user_totals/a", token).headers()
        .firstValue("Streamgate-Stale").isPresent());
  }

  @Test
  void aRowDueForRevalidationIsAnsweredFromMemoryWhileOneReadAsksRedisInTheBackground()
      throws Exception {
    fx.close();
    int revalidateMs = 300;
    fx = GatewayFixture.start(tempDir, SEED,
        c -> c.withCache(new CacheConfig(true, 1_000, revalidateMs)));
    cache = fx.gateway.nearCache();
    Poll.until(SOON, cache::attached, a -> a, "near cache subscribed");
    assertEquals(B1.toJson(), fx.get("/v1/views/user_totals/b", token).body());
    // Gone from Redis without a change message: only revalidation can notice.
    fx.seeder().send(Request.cmd(Command.DEL).arg(fx.keyspace.row("user_totals", "b")));
    Thread.sleep(revalidateMs + 50);

    long misses = cache.misses();
    long revalidations = cache.revalidations();
    HttpResponse<String> due = fx.get("/v1/views/user_totals/b", token);
    assertEquals(200, due.statusCode(), "due, still answered from memory");
    assertEquals(B1.toJson(), due.body());
    assertEquals(revalidations + 1, cache.revalidations(), "one revalidation in the background");
    assertEquals(misses, cache.misses(), "the read itself did not wait for Redis");
    Poll.until(SOON, () -> fx.get("/v1/views/user_totals/b", token).statusCode(),
        status -> status == 404, "the revalidation's answer: no such row");
    assertTrue(fx.metrics().contains("streamgate_cache_revalidations_total"), "exported");
  }
}
