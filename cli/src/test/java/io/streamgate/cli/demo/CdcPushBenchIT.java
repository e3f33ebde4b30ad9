package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.Modules;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket leg of the changelog benchmark, not a timed test: skipped unless {@code
 * -Dstreamgate.bench=true}. {@code ./streamgate demo --with-postgres} (its own orchestration, on
 * free ports, without the order generator): PostgreSQL → connector → Kafka → processor → Redis →
 * gateway → a WebSocket subscribed to the whole {@code customers} view.
 *
 * <p>(1) Latency: 1,000 changes through {@code psql}, one transaction each, paced (inserts of new
 * customers, updates that move one to another city, deletes); for each {@code update} message,
 * its change's commit time ({@code _source_ts} in the value) → its arrival; for each {@code
 * delete}, {@code psql} returning after the commit → its arrival (reads a few ms low). A batch that
 * holds several changes of one key pushes only the newest. (2) Throughput: 5,000 inserts in one
 * transaction → the {@code update} of the last of them on the socket.
 */
class CdcPushBenchIT {
  private static final int CHANGES = Integer.getInteger("streamgate.bench.changes", 1000);
  private static final int BULK = Integer.getInteger("streamgate.bench.bulk", 5000);
  private static final long PACE_MS = Long.getLong("streamgate.bench.paceMs", 100);
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  @TempDir Path stateDir;

  /** Arrival time (epoch ms) and message, per key and type, as the socket delivers them. */
  private final Map<String, List<long[]>> updates = new ConcurrentHashMap<>();
  private final Map<String, Long> deletes = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> subscribed = new CompletableFuture<>();

  @Test
  void commitToWebSocketLatencyAndThroughput() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("streamgate.bench"),
        "benchmark: run with -Dstreamgate.bench=true");
    // The server runs as the OS user postgres when the test runs as root: it must reach its data.
    Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    int httpPort = FreePorts.find();
    DemoSettings settings = DemoSettings.defaults(Modules.root())
        .withStateDir(stateDir)
        .withPorts(httpPort, FreePorts.find(), FreePorts.find())
        .withGenerator(false)
        // A benchmark, not a startup test: a loaded machine may take minutes to start Spark.
        .withStartupTimeout(Duration.ofMinutes(10))
        .withProcessorMetricsPort(FreePorts.find())
        .withManagementPort(FreePorts.find())
        .withPostgres(true, FreePorts.find());
    Demo demo = new Demo(settings, new StartupProgress(System.out));
    try {
      demo.start();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .header("Authorization", "Bearer " + demo.token())
          .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/v1/ws"), new Listener())
          .get(30, TimeUnit.SECONDS);
      ws.sendText("{\"op\":\"subscribe\",\"id\":\"all\",\"view\":\"customers\"}", true);
      subscribed.get(30, TimeUnit.SECONDS);

      // (1) Paced changes: a key is changed again at least 30 changes (3 s) after its last one.
      Random random = new Random(16);
      List<String> live = new ArrayList<>();
      Map<String, Long> deletedAt = new ConcurrentHashMap<>();
      Map<String, Integer> lastTouched = new ConcurrentHashMap<>();
      int inserted = 0;
      long started = System.currentTimeMillis();
      for (int i = 0; i < CHANGES; i++) {
        long due = started + i * PACE_MS;
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        int kind = i % 10;
        int fi = i;
        List<String> ready = live.stream().filter(k -> fi - lastTouched.get(k) >= 30).toList();
        if (kind < 4 || ready.isEmpty()) {
          String key = "b-" + (++inserted);
          psql(demo, "INSERT INTO customers VALUES ('" + key + "', 'Bench', 'gold', 'City "
              + random.nextInt(20) + "')");
          live.add(key);
          lastTouched.put(key, i);
        } else if (kind < 7) {
          String key = ready.get(random.nextInt(ready.size()));
          psql(demo, "UPDATE customers SET city = 'City " + random.nextInt(20)
              + "' WHERE \"customerId\" = '" + key + "'");
          lastTouched.put(key, i);
        } else {
          String key = ready.get(random.nextInt(ready.size()));
          psql(demo, "DELETE FROM customers WHERE \"customerId\" = '" + key + "'");
          deletedAt.put(key, System.currentTimeMillis());
          live.remove(key);
        }
      }
      String lastDeleted = deletedAt.keySet().stream().max((a, b) ->
          Long.compare(deletedAt.get(a), deletedAt.get(b))).orElseThrow();
      String lastLive = live.get(live.size() - 1);
      await(() -> deletes.containsKey(lastDeleted) && updates.containsKey(lastLive));
      Thread.sleep(3_000); // stragglers of the last batch

      List<Long> updateLatency = new ArrayList<>();
      updates.forEach((key, got) -> {
        if (key.startsWith("b-")) {
          got.forEach(g -> updateLatency.add(g[0] - g[1]));
        }
      });
      List<Long> deleteLatency = new ArrayList<>();
      deletes.forEach((key, at) -> {
        if (deletedAt.containsKey(key)) {
          deleteLatency.add(at - deletedAt.get(key));
        }
      });
      report("commit -> WebSocket update (inserts and updates, from _source_ts)", updateLatency);
      report("commit -> WebSocket delete (from psql returning)", deleteLatency);
      assertEquals(deletedAt.keySet(), Map.copyOf(deletes).keySet().stream()
          .filter(deletedAt::containsKey).collect(java.util.stream.Collectors.toSet()),
          "every delete pushed");

      // (2) Bulk: one transaction, then the last key's update on the socket.
      long bulkStart = System.currentTimeMillis();
      psql(demo, "INSERT INTO customers SELECT 'bulk-' || n, 'Bulk', 'silver', 'City ' || (n % 20)"
          + " FROM generate_series(1, " + BULK + ") AS n");
      long committed = System.currentTimeMillis();
      String lastBulk = "bulk-" + BULK;
      await(() -> updates.containsKey(lastBulk));
      long done = updates.get(lastBulk).get(0)[0];
      long pushedBulk = updates.keySet().stream().filter(k -> k.startsWith("bulk-")).count();
      System.out.printf(Locale.ROOT, "CdcPushBenchIT: %d inserts in one transaction (committed in"
          + " %d ms) -> last one's update on the WebSocket %d ms after the commit: %.0f changes/s"
          + " end to end (%d of %d keys pushed: a batch pushes each key's newest)%n", BULK,
          committed - bulkStart, done - committed, BULK * 1000.0 / Math.max(1, done - committed),
          pushedBulk, BULK);
      assertTrue(pushedBulk > 0);
      ws.abort();
    } finally {
      demo.stop(line -> System.out.println("CdcPushBenchIT: " + line));
    }
  }

  private static void report(String what, List<Long> latencies) {
    List<Long> sorted = latencies.stream().sorted().toList();
    assertTrue(!sorted.isEmpty(), what + ": nothing received");
    System.out.printf(Locale.ROOT, "CdcPushBenchIT: %s: %d messages, p50 %d ms, p99 %d ms, max %d"
        + " ms%n", what, sorted.size(), sorted.get(sorted.size() / 2),
        sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)),
        sorted.get(sorted.size() - 1));
  }

  private static void psql(Demo demo, String sql) throws Exception {
    List<String> command = new ArrayList<>(List.of(demo.psql().split(" ")));
    command.addAll(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), "psql " + sql + ": " + output);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "not within " + DEADLINE);
      Thread.sleep(50);
    }
  }

  /** Records each update (arrival, commit time) and delete (arrival) of the subscription. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        long now = System.currentTimeMillis();
        Map<String, Object> message = Json.parseObject(text.toString());
        text.setLength(0);
        String key = String.valueOf(message.get("key"));
        switch (String.valueOf(message.get("type"))) {
          case "subscribed" -> subscribed.complete(null);
          case "update" -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> value = (Map<String, Object>) message.get("value");
            long commit = Instant.parse(String.valueOf(value.get("_source_ts"))).toEpochMilli();
            updates.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(
                new ArrayList<>())).add(new long[] {now, commit});
          }
          case "delete" -> deletes.putIfAbsent(key, now);
          default -> { }
        }
      }
      ws.request(1);
      return null;
    }
  }
}
