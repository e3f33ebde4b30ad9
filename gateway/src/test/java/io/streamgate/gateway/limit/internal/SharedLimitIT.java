package io.streamgate.gateway.limit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import io.streamgate.harness.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three limiters, each with its own Redis connection and sync, against one real redis-server:
 * one principal hammering all three gets at most the limit plus 5 % plus one sync interval's
 * worth of requests through, and Redis going away leaves each limiter enforcing the limit alone.
 */
class SharedLimitIT {
  private static final long LIMIT = 1_000;
  private static final int PERIOD_SECONDS = 60;
  private static final int INTERVAL_MS = 100;
  private static final int TIMEOUT_MS = 500;
  private static final LimitsConfig CONFIG = new LimitsConfig(true, "p", INTERVAL_MS,
      Map.of("p", new PlanConfig(LIMIT, PERIOD_SECONDS)));

  RedisServer redis;
  Vertx vertx;
  Clock clock;
  final List<SharedRateLimiter> limiters = new ArrayList<>();
  final List<String> deployments = new ArrayList<>();

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    // 1 s after a minute boundary, as before the limiter slid (it no longer matters).
    long now = System.currentTimeMillis();
    long periodMs = PERIOD_SECONDS * 1000L;
    clock = Clock.offset(Clock.systemUTC(),
        Duration.ofMillis(-Math.floorMod(now, periodMs) + 1_000));
    for (int i = 0; i < 3; i++) {
      SharedRateLimiter limiter = new SharedRateLimiter(CONFIG, clock,
          RedisLimitSync.staleAfterMillis(INTERVAL_MS, TIMEOUT_MS));
      Redis client = Redis.createClient(vertx, redis.uri());
      deployments.add(vertx.deployVerticle(new RedisLimitSync(limiter, client,
          new Keyspace("lt"), INTERVAL_MS, TIMEOUT_MS, redis.uri())).await());
      limiters.add(limiter);
    }
    for (SharedRateLimiter limiter : limiters) {
      Poll.until(Duration.ofSeconds(5), limiter::instances, n -> n == 3, "3 gateways known");
    }
  }

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void onePrincipalHammeringThreeGatewaysGetsTheLimitPlusAtMostTheBound() throws Exception {
    AtomicLong admitted = new AtomicLong();
    AtomicLong attempts = new AtomicLong();
    long durationNanos = TimeUnit.MILLISECONDS.toNanos(1_500);
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (SharedRateLimiter limiter : limiters) {
      Thread thread = new Thread(() -> {
        while (System.nanoTime() - start < durationNanos) {
          attempts.incrementAndGet();
          if (limiter.isAllowed("hammer", "p").allowed()) {
            admitted.incrementAndGet();
          }
          LockSupport.parkNanos(500_000); // ~1-2 requests per ms per gateway
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsedMs = (System.nanoTime() - start) / 1e6;
    long intervalWorth = Math.round(attempts.get() / elapsedMs * INTERVAL_MS);
    long bound = LIMIT + LIMIT * 5 / 100 + intervalWorth;
    String report = "admitted " + admitted + " of " + attempts + " attempts; limit " + LIMIT
        + ", bound " + bound + " (one interval = " + intervalWorth + " requests)";
    System.out.println("SharedLimitIT: " + report);
    assertTrue(attempts.get() > 2 * LIMIT, "the hammer was too slow to test anything: " + report);
    assertTrue(admitted.get() <= bound, report);
    assertTrue(admitted.get() >= LIMIT * 95 / 100, "the budget must get used: " + report);

    // Every gateway has synced its admits into the one counter (a hash of slots) in Redis.
    Redis reader = Redis.createClient(vertx, redis.uri());
    Poll.until(Duration.ofSeconds(5), () -> {
      List<String> keys = reader.send(Request.cmd(Command.KEYS).arg("{lt:rl}:w:*")).await()
          .stream().map(Object::toString).toList();
      return keys.size() == 1 ? reader.send(Request.cmd(Command.HVALS).arg(keys.get(0))).await()
          .stream().mapToLong(r -> r.toLong()).sum() : -1L;
    }, count -> count == admitted.get(), "the Redis counter to equal what was admitted");
  }

  @Test
  void withRedisGoneEachGatewayKeepsEnforcingTheLimitAlone() {
    redis.stop();
    SharedRateLimiter one = limiters.get(0);
    Poll.until(Duration.ofSeconds(5), () -> one.shared(clock.millis()), s -> !s,
        "the shared counts to go stale");
    long admitted = 0;
    for (int i = 0; i < LIMIT + 10; i++) {
      if (one.isAllowed("solo", "p").allowed()) {
        admitted++;
      }
    }
    assertEquals(LIMIT, admitted);
    assertFalse(one.isAllowed("solo", "p").allowed());
  }
}
