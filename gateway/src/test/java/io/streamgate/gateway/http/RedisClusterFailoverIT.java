package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Row;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.CacheConfig;
import io.streamgate.gateway.config.HttpConfig;
import io.streamgate.gateway.config.WarmupConfig;
import io.streamgate.harness.RedisCluster;
import io.streamgate.harness.RedisServer;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos scenario of {@code streamgate demo --cluster} on a 3+3 Redis Cluster, with concurrent
 * reads (point reads and multi-gets from several client threads, no near cache, so every read
 * reaches Redis): a primary is SIGKILLed, its replica takes over, the killed node is restarted on
 * its port and directory and rejoins as a replica. The running gateway must serve reads again
 * within seconds and keep serving them with no timeouts; a gateway started after the failover
 * must serve reads with no timeouts at all.
 *
 * <p>Before the fix, concurrent reads alone wedged the cluster client's pool for good (each read
 * held one pooled connection of every node while it waited for the next node's), so the breaker
 * flapped OPEN/HALF_OPEN forever on a healthy cluster.
 */
class RedisClusterFailoverIT {
  private static final int ROWS = 60;
  private static final int CLIENTS = 12;
  private static final Consumer<GatewayFixture.Seeder> SEED = seed -> {
    seed.register(new CatalogEntry("scores", "test view", "player", ViewKind.AGGREGATE,
        List.of(new CatalogEntry.Column("points", "bigint")), "points", 0,
        System.currentTimeMillis()));
    for (int i = 0; i < ROWS; i++) {
      Row row = new Row("scores", "p" + i, 1, 1, "{\"points\":" + i + "}");
      seed.write(row);
      seed.index(row, (double) i);
    }
  };

  @TempDir Path tempDir;
  RedisCluster cluster;
  final List<GatewayFixture> gateways = new ArrayList<>();
  final List<Reads> reads = new ArrayList<>();

  @AfterEach
  void stop() {
    reads.forEach(Reads::stop);
    gateways.forEach(GatewayFixture::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void readsSurviveAFailoverAndTheKilledPrimarysReturn() throws Exception {
    cluster = RedisCluster.start(RedisCluster.Options.withFailover());
    GatewayFixture running = gateway("running");
    Reads before = reads(running);

    healthy(before);

    // kill -9 a primary; its replica takes over; the killed node comes back as a replica.
    RedisServer victim = cluster.primaries().get(0);
    victim.kill();
    cluster.awaitHealthy(3, Duration.ofSeconds(30));
    Thread.sleep(2_000); // the demo restarts it a few seconds after the failover
    victim.restart();
    cluster.awaitHealthy(3, Duration.ofSeconds(30));

    // (a) The running gateway serves again within a few seconds ...
    before.reset();
    await(before, 10, 100, "reads flowing again after the failover");
    Thread.sleep(2_000); // calls that were already waiting when reads came back
    before.reset();
    // ... and keeps serving, with no timeout and no open breaker.
    Thread.sleep(30_000);
    assertEquals(Map.of(), before.failures(), "failed reads after the failover " + before);
    assertTrue(before.ok() >= 300, "reads kept flowing " + before);

    // (b) A gateway started after the failover serves reads, none failing.
    GatewayFixture late = gateway("late");
    Reads after = reads(late);
    await(after, 15, 200, "reads flowing on the gateway started after the failover");
    after.reset();
    Thread.sleep(10_000);
    assertEquals(Map.of(), after.failures(), "failed reads on the late gateway " + after);
    assertEquals(Map.of(), before.failures(), "failed reads on the running gateway " + before);
    assertTrue(after.ok() >= 100, "late gateway reads kept flowing " + after);
    System.out.println("RedisClusterFailoverIT: running " + before + ", late " + after);
  }

  @Test
  void readsSurviveAFrozenPrimary() throws Exception {
    cluster = RedisCluster.start(RedisCluster.Options.withFailover());
    GatewayFixture running = gateway("running");
    Reads reads = reads(running);
    healthy(reads);

    // SIGSTOP: its connections stay open and answer nothing, like a hung host.
    RedisServer victim = cluster.primaries().get(0); // the first seed: the worst case
    // Asked of another node: redis-cli would wait forever on the frozen one.
    RedisServer witness = cluster.nodes().stream().filter(n -> n != victim).findFirst()
        .orElseThrow();
    long epoch = epoch(witness);
    try (io.streamgate.harness.Paused paused = victim.pause()) {
      Poll.until(Duration.ofSeconds(30), () -> cluster.clusterInfo(witness),
          info -> info.contains("cluster_state:ok") && epoch(info) > epoch,
          "a replica took over (a new epoch, all slots served)");
      reads.reset();
      await(reads, 15, 100, "reads flowing again while the old primary is frozen");
      reads.reset();
      Thread.sleep(10_000);
      System.out.println("RedisClusterFailoverIT frozen: " + reads);
      assertEquals(Map.of(), reads.failures(), "failed reads while the old primary is frozen "
          + reads);
    }
  }

  /**
   * Reads flow on the healthy cluster with no failure at all, for 6 s: long enough, too, for the
   * replicas' first sync (Redis 7 waits 5 s, repl-diskless-sync-delay, before it starts one), so
   * the replica that takes over has the rows.
   */
  private static void healthy(Reads reads) throws InterruptedException {
    await(reads, 15, 200, "reads flowing on the healthy cluster");
    reads.reset();
    Thread.sleep(6_000);
    assertEquals(Map.of(), reads.failures(), "failed reads on a healthy cluster " + reads);
  }

  private long epoch(RedisServer node) {
    return epoch(cluster.clusterInfo(node));
  }

  private static long epoch(String clusterInfo) {
    return clusterInfo.lines().filter(l -> l.startsWith("cluster_current_epoch:"))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst()
        .orElseThrow();
  }

  /** Waits for {@code n} successful reads; the failure tells what the reads got instead. */
  private static void await(Reads reads, int seconds, long n, String what) {
    try {
      Poll.until(Duration.ofSeconds(seconds), reads::ok, ok -> ok >= n, what);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; reads " + reads, e);
    }
  }

  private GatewayFixture gateway(String name) {
    Path dir = tempDir.resolve(name);
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
    // No near cache: every read must reach Redis (a cached row would hide a wedged client). No
    // access log: thousands of stdout lines would only slow the build.
    GatewayFixture fx = GatewayFixture.start(dir, null, cluster.seedUrls(),
        gateways.isEmpty() ? SEED : seed -> { }, c -> c
            .withHttp(new HttpConfig("127.0.0.1", 0, 2, false).withWarmup(WarmupConfig.off()))
            .withCache(new CacheConfig(false, 1, 0)));
    gateways.add(fx);
    return fx;
  }

  private Reads reads(GatewayFixture fx) {
    Reads r = new Reads(fx, fx.token("views:read"));
    reads.add(r);
    return r;
  }

  /** Client threads reading rows (point reads and multi-gets) as fast as the gateway answers. */
  static final class Reads {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ok = new AtomicLong();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    Reads(GatewayFixture fx, String token) {
      for (int i = 0; i < CLIENTS; i++) {
        boolean multi = i % 3 == 0;
        Thread t = new Thread(() -> {
          while (running.get()) {
            String path;
            if (multi) {
              StringBuilder keys = new StringBuilder();
              for (int k = 0; k < 10; k++) {
                keys.append(k == 0 ? "" : ",").append("p")
                    .append(ThreadLocalRandom.current().nextInt(ROWS));
              }
              path = "/v1/views/scores?keys=" + keys;
            } else {
              path = "/v1/views/scores/p" + ThreadLocalRandom.current().nextInt(ROWS);
            }
            String outcome;
            try {
              HttpResponse<String> r = fx.get(path, token);
              outcome = r.statusCode() == 200 ? null
                  : r.statusCode() + " " + r.body().replaceAll(".*\"detail\":\"([^\"]{0,80}).*",
                      "$1");
            } catch (RuntimeException e) {
              outcome = e.toString();
            }
            if (outcome == null) {
              ok.incrementAndGet();
            } else {
              failures.computeIfAbsent(outcome, s -> new AtomicLong()).incrementAndGet();
              pause(20);
            }
          }
        }, "reads-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    long ok() {
      return ok.get();
    }

    Map<String, Long> failures() {
      Map<String, Long> out = new TreeMap<>();
      failures.forEach((k, v) -> out.put(k, v.get()));
      return out;
    }

    void reset() {
      ok.set(0);
      failures.clear();
    }

    void stop() {
      running.set(false);
      for (Thread t : threads) {
        try {
          t.join(15_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public String toString() {
      return "[ok " + ok + ", failed " + failures() + "]";
    }

    private static void pause(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
