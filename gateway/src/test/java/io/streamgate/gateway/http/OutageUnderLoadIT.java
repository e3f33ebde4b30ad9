package io.streamgate.gateway.http;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.config.CacheConfig;
import io.streamgate.gateway.config.HttpConfig;
import io.streamgate.gateway.config.WarmupConfig;
import io.vertx.core.Future;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis killed and restarted under a steady stream of concurrent reads: no request waits past
 * the store timeout, the breaker opens and answers 503 with its Retry-After, readiness drops,
 * the event loops never stall, and everything recovers on its own once Redis is back.
 */
class OutageUnderLoadIT {
  private static final int CLIENTS = 4;
  /** The 500 ms store timeout plus generous slack for a loaded 2-core machine. */
  private static final long MAX_REQUEST_MS = GatewayFixture.REDIS_TIMEOUT_MS + 1_500;
  /**
   * A loop held as long as one store timeout means something waited for Redis on it. Shorter
   * lateness happens on a 2-core machine running clients, Redis and the build at once.
   */
  private static final long MAX_LOOP_LATENESS_MS = GatewayFixture.REDIS_TIMEOUT_MS;
  private static final String ROW = "/v1/views/user_totals/u1";
  private static final Row U1 = new Row("user_totals", "u1", 1, 1, "{\"orders\":1}");
  private static final Consumer<GatewayFixture.Seeder> SEED = seed -> {
    seed.register("user_totals", "orders");
    seed.write(U1);
  };

  @TempDir Path tempDir;
  GatewayFixture fx;
  final AtomicBoolean running = new AtomicBoolean(true);
  final List<Thread> clients = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : clients) {
      t.join(10_000);
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void killingRedisUnderLoadOpensTheBreakerFailsFastAndRecoversOnItsOwn() {
    // No access log: thousands of synchronous stdout lines through the build's pipe would stall
    // the loops on their own and hide what is measured here. No near cache: every read must
    // reach the breaker (stale answers from the cache are NearCacheIT's subject).
    fx = GatewayFixture.start(tempDir, SEED, c -> c
        .withHttp(new HttpConfig("127.0.0.1", 0, 2, false).withWarmup(WarmupConfig.off()))
        .withCache(new CacheConfig(false, 1, 0)));
    String token = fx.token("views:read");
    LatenessProbe probe = new LatenessProbe();
    fx.vertx.deployVerticle(() -> probe.new Loop(),
        new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE)).await();

    AtomicLong slowest = new AtomicLong();
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    Map<String, AtomicLong> retryAfters = new ConcurrentHashMap<>();
    for (int i = 0; i < CLIENTS; i++) {
      Thread client = new Thread(() -> {
        while (running.get()) {
          long start = System.nanoTime();
          HttpResponse<String> r = fx.get(ROW, token);
          slowest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
          statuses.computeIfAbsent(r.statusCode(), s -> new AtomicLong()).incrementAndGet();
          if (r.statusCode() == 503) {
            retryAfters.computeIfAbsent(r.headers().firstValue("Retry-After").orElse("none"),
                s -> new AtomicLong()).incrementAndGet();
          }
          pause(5);
        }
      }, "client-" + i);
      client.start();
      clients.add(client);
    }
    Poll.until(Duration.ofSeconds(10), () -> count(statuses, 200), n -> n >= 50, "reads flowing");
    // Class loading and JIT of the first requests are not what is measured.
    probe.reset();
    slowest.set(0);

    fx.redis.stop();
    Poll.until(Duration.ofSeconds(10), () -> fx.gateway.breaker().state(),
        s -> s == Breaker.State.OPEN, "breaker open");
    Poll.until(Duration.ofSeconds(10), () -> retryAfters.getOrDefault("2", new AtomicLong()).get(),
        n -> n >= 10, "503s from the open breaker (Retry-After: waitDurationInOpenMs = 2 s)");
    HttpResponse<String> notReady = Poll.until(Duration.ofSeconds(5),
        () -> fx.get("/health/ready", null), r -> r.statusCode() == 503, "readiness 503");
    assertProblem(notReady, 503, "not-ready");
    assertTrue(notReady.headers().firstValue("Retry-After").isPresent());

    fx.redis.restart();
    SEED.accept(fx.seeder()); // the restarted Redis is empty; the processor would write again
    long recoveredFrom = count(statuses, 200);
    Poll.until(Duration.ofSeconds(15), () -> count(statuses, 200) - recoveredFrom,
        n -> n >= 50, "reads flowing again without any intervention");
    assertEquals(Breaker.State.CLOSED, fx.gateway.breaker().state());
    Poll.until(Duration.ofSeconds(5), () -> fx.get("/health/ready", null).statusCode(),
        s -> s == 200, "readiness 200");
    running.set(false);

    assertTrue(retryAfters.keySet().stream().allMatch(v -> v.equals("1") || v.equals("2")),
        "every 503 carries Retry-After: 1 (store failed) or 2 (breaker open): " + retryAfters);
    assertTrue(slowest.get() <= MAX_REQUEST_MS,
        "slowest request took " + slowest.get() + " ms; limit " + MAX_REQUEST_MS + " ms");
    System.out.println("OutageUnderLoadIT: slowest request " + slowest + " ms, worst event-loop"
        + " lateness " + probe.worst() + " ms, statuses " + statuses + ", Retry-After " + retryAfters);
    assertTrue(probe.worst() < MAX_LOOP_LATENESS_MS, "an event loop was stalled for "
        + probe.worst() + " ms");
    assertTrue(probe.ticks() > 100, "the probe ran: " + probe.ticks() + " ticks");
    assertEquals(Map.of(), unexpected(statuses), "only 200 and 503 are expected");
  }

  private static long count(Map<Integer, AtomicLong> statuses, int status) {
    AtomicLong n = statuses.get(status);
    return n == null ? 0 : n.get();
  }

  private static Map<Integer, Long> unexpected(Map<Integer, AtomicLong> statuses) {
    Map<Integer, Long> out = new java.util.TreeMap<>();
    statuses.forEach((s, n) -> {
      if (s != 200 && s != 503 && s != 404) { // 404 only between restart and re-seeding
        out.put(s, n.get());
      }
    });
    return out;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // paces the load; not waiting for async work
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A 10 ms periodic timer on every event loop: how late it fires shows whether anything held a
   * loop (a blocking call would show up as lateness of about its duration).
   */
  static final class LatenessProbe {
    private static final long PERIOD_MS = 10;
    private final AtomicLong worst = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();

    void reset() {
      worst.set(0);
      ticks.set(0);
    }

    long worst() {
      return worst.get();
    }

    long ticks() {
      return ticks.get();
    }

    final class Loop extends VerticleBase {
      private long last;

      @Override
      public Future<?> start() {
        last = System.nanoTime();
        vertx.setPeriodic(PERIOD_MS, id -> {
          long now = System.nanoTime();
          worst.accumulateAndGet((now - last) / 1_000_000 - PERIOD_MS, Math::max);
          ticks.incrementAndGet();
          last = now;
        });
        return Future.succeededFuture();
      }
    }
  }
}
