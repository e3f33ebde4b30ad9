package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.Modules;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket and REST legs of the changelog benchmark, not a timed test: skipped unless {@code
 * -Dstreamgate.bench=true}. {@code ./streamgate demo --with-postgres} (its own orchestration, on
 * free ports, without the order generator): PostgreSQL → connector → Kafka → processor → Redis →
 * gateway → a WebSocket subscribed to the whole {@code customers} view, and beside it one thread
 * polling the gateway's multi-get ({@link RestPoller}).
 *
 * <p>(1) Latency: 1,000 changes through {@code psql}, one transaction each, paced (inserts of new
 * customers, updates that move one to another city; both set {@code name} to {@code "Bench <n>"},
 * n the change's number, so a row read over REST says which change it shows; deletes).
 * WebSocket: for each {@code update} message, its change's commit time ({@code _source_ts} in the
 * value) → its arrival; for each {@code delete}, {@code psql} returning after the commit → its
 * arrival (reads a few ms low). A batch that holds several changes of one key pushes only the
 * newest. REST: for each change, the same start (the {@code _source_ts} of the row that shows it;
 * {@code psql} returning for a delete) → the first multi-get answer that shows it: the row with
 * its {@code name}, or for a delete the key under {@code deleted}. A change whose key showed a
 * later change first was never visible (one batch, newest wins) and is counted as overtaken; one
 * never seen at all fails the test. (2) Throughput: 5,000 inserts in one transaction → the {@code
 * update} of the last of them on the socket, and its row over REST.
 */
class CdcPushBenchIT {
  private static final int CHANGES = Integer.getInteger("streamgate.bench.changes", 1000);
  private static final int BULK = Integer.getInteger("streamgate.bench.bulk", 5000);
  private static final long PACE_MS = Long.getLong("streamgate.bench.paceMs", 100);
  private static final Duration DEADLINE = Duration.ofMinutes(3);
  /** The REST poller's round: one multi-get of every pending key (in chunks) this often. */
  private static final long POLL_MS = 20;
  /** The gateway's limit of keys per multi-get ({@code Rest.MAX_KEYS}). */
  private static final int MAX_KEYS = 100;

  @TempDir Path stateDir;

  /** Stopped before the demo, however the test ends. */
  private final List<RestPoller> pollers = new ArrayList<>();

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
      RestPoller rest = new RestPoller(httpPort, demo.token());
      pollers.add(rest);

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
          psql(demo, "INSERT INTO customers VALUES ('" + key + "', 'Bench " + i + "', 'gold',"
              + " 'City " + random.nextInt(20) + "')");
          rest.expect(Leg.UPSERT, key, "Bench " + i, -1);
          live.add(key);
          lastTouched.put(key, i);
        } else if (kind < 7) {
          String key = ready.get(random.nextInt(ready.size()));
          psql(demo, "UPDATE customers SET city = 'City " + random.nextInt(20)
              + "', name = 'Bench " + i + "' WHERE \"customerId\" = '" + key + "'");
          rest.expect(Leg.UPSERT, key, "Bench " + i, -1);
          lastTouched.put(key, i);
        } else {
          String key = ready.get(random.nextInt(ready.size()));
          psql(demo, "DELETE FROM customers WHERE \"customerId\" = '" + key + "'");
          long returned = System.currentTimeMillis();
          deletedAt.put(key, returned);
          rest.expect(Leg.DELETE, key, null, returned);
          live.remove(key);
        }
      }
      String lastDeleted = deletedAt.keySet().stream().max((a, b) ->
          Long.compare(deletedAt.get(a), deletedAt.get(b))).orElseThrow();
      String lastLive = live.get(live.size() - 1);
      await(() -> deletes.containsKey(lastDeleted) && updates.containsKey(lastLive));
      Thread.sleep(3_000); // stragglers of the last batch
      awaitQuietly(() -> rest.pending() == 0); // the misses are counted and failed below

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
      RestPoller.Outcome restOutcome = rest.outcome();
      report("commit -> REST row shows the insert/update (from _source_ts)", "changes",
          restOutcome.latencies().get(Leg.UPSERT));
      report("commit -> REST key listed deleted (from psql returning)", "changes",
          restOutcome.latencies().get(Leg.DELETE));
      System.out.println("CdcPushBenchIT: " + restOutcome.summary());
      assertEquals(deletedAt.keySet(), Map.copyOf(deletes).keySet().stream()
          .filter(deletedAt::containsKey).collect(java.util.stream.Collectors.toSet()),
          "every delete pushed");
      assertEquals(List.of(), restOutcome.missed(), "changes never seen over REST within "
          + DEADLINE + " (key: change)");

      // (2) Bulk: one transaction, then the last key's update on the socket.
      long bulkStart = System.currentTimeMillis();
      psql(demo, "INSERT INTO customers SELECT 'bulk-' || n, 'Bulk', 'silver', 'City ' || (n % 20)"
          + " FROM generate_series(1, " + BULK + ") AS n");
      long committed = System.currentTimeMillis();
      String lastBulk = "bulk-" + BULK;
      rest.expect(Leg.BULK, lastBulk, "Bulk", committed);
      await(() -> updates.containsKey(lastBulk));
      long done = updates.get(lastBulk).get(0)[0];
      long pushedBulk = updates.keySet().stream().filter(k -> k.startsWith("bulk-")).count();
      System.out.printf(Locale.ROOT, "CdcPushBenchIT: %d inserts in one transaction (committed in"
          + " %d ms) -> last one's update on the WebSocket %d ms after the commit: %.0f changes/s"
          + " end to end (%d of %d keys pushed: a batch pushes each key's newest)%n", BULK,
          committed - bulkStart, done - committed, BULK * 1000.0 / Math.max(1, done - committed),
          pushedBulk, BULK);
      await(() -> rest.pending() == 0);
      long restBulk = rest.outcome().latencies().get(Leg.BULK).get(0);
      System.out.printf(Locale.ROOT, "CdcPushBenchIT: the same last insert's row over REST %d ms"
          + " after the commit%n", restBulk);
      assertTrue(pushedBulk > 0);
      ws.abort();
    } finally {
      pollers.forEach(RestPoller::close);
      demo.stop(line -> System.out.println("CdcPushBenchIT: " + line));
    }
  }

  private static void report(String what, List<Long> latencies) {
    report(what, "messages", latencies);
  }

  private static void report(String what, String unit, List<Long> latencies) {
    List<Long> sorted = latencies.stream().sorted().toList();
    assertTrue(!sorted.isEmpty(), what + ": nothing received");
    System.out.printf(Locale.ROOT, "CdcPushBenchIT: %s: %d %s, p50 %d ms, p99 %d ms, max %d"
        + " ms%n", what, sorted.size(), unit, sorted.get(sorted.size() / 2),
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
    assertTrue(awaitQuietly(condition), "not within " + DEADLINE);
  }

  /** Whether {@code condition} held within {@link #DEADLINE}. */
  private static boolean awaitQuietly(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() >= end) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** What a change is timed as over REST. */
  enum Leg { UPSERT, DELETE, BULK }

  /**
   * A change the REST poller waits to see: the {@code name} it sets (null for a delete), and when
   * it started ({@code -1}: the commit time the row that shows it carries, {@code _source_ts}).
   */
  private record Expected(Leg leg, String marker, long startMs) {
    @Override
    public String toString() {
      return leg == Leg.DELETE ? "delete" : "'" + marker + "'";
    }
  }

  /**
   * The REST leg: one thread that, every {@link #POLL_MS}, asks the gateway's multi-get ({@code
   * GET /v1/views/customers?keys=}, at most {@link #MAX_KEYS} keys a request, HTTP/1.1 on one
   * kept-alive connection) for every key with a change it has not seen yet, and times each change
   * to the arrival of the first answer that shows it: the row's {@code name} is the change's, or
   * (a delete) the key is listed under {@code deleted}, i.e. its tombstone is there (a key merely
   * {@code missing} may not have been inserted yet). The answer's arrival reads up to one request
   * high; the 20 ms round adds up to 20 ms.
   */
  private static final class RestPoller implements AutoCloseable {
    /** What the poller saw; {@code missed}: the changes still unseen, as {@code key: change}. */
    record Outcome(Map<Leg, List<Long>> latencies, int overtaken, List<String> missed,
        long requests, long keysAsked, long failures, String firstFailure) {
      String summary() {
        int seen = latencies.values().stream().mapToInt(List::size).sum();
        return String.format(Locale.ROOT, "REST poller: %d changes seen, %d overtaken (a later"
            + " change of their key showed first: one batch, newest wins), %d never seen; %d"
            + " multi-gets (%.1f keys each on average, a round every %d ms), %d failed%s", seen,
            overtaken, missed.size(), requests, requests == 0 ? 0.0 : (double) keysAsked / requests,
            POLL_MS, failures, firstFailure == null ? "" : " (first: " + firstFailure + ")");
      }
    }

    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1) // Vert.x: no h2c upgrade dance
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    private final String base;
    private final String authorization;
    private final Object lock = new Object();
    /** Per key, its unseen changes in the order they were committed. Guarded by lock. */
    private final Map<String, List<Expected>> pending = new LinkedHashMap<>();
    private final Map<Leg, List<Long>> latencies = new EnumMap<>(Leg.class);
    private int overtaken;
    private long requests;
    private long keysAsked;
    private long failures;
    private String firstFailure;
    private volatile boolean running = true;
    private final Thread thread;

    RestPoller(int httpPort, String token) {
      base = "http://127.0.0.1:" + httpPort + "/v1/views/customers?keys=";
      authorization = "Bearer " + token;
      for (Leg leg : Leg.values()) {
        latencies.put(leg, new ArrayList<>());
      }
      thread = new Thread(this::run, "cdc-bench-rest-poller");
      thread.setDaemon(true);
      thread.start();
    }

    /** Waits for one more change of {@code key} (after it is committed). */
    void expect(Leg leg, String key, String marker, long startMs) {
      synchronized (lock) {
        pending.computeIfAbsent(key, k -> new ArrayList<>()).add(new Expected(leg, marker, startMs));
      }
    }

    int pending() {
      synchronized (lock) {
        return pending.values().stream().mapToInt(List::size).sum();
      }
    }

    Outcome outcome() {
      synchronized (lock) {
        Map<Leg, List<Long>> copy = new EnumMap<>(Leg.class);
        latencies.forEach((leg, list) -> copy.put(leg, List.copyOf(list)));
        List<String> missed = new ArrayList<>();
        pending.forEach((key, changes) -> changes.forEach(c -> missed.add(key + ": " + c)));
        return new Outcome(copy, overtaken, missed, requests, keysAsked, failures, firstFailure);
      }
    }

    private void run() {
      while (running) {
        long round = System.nanoTime();
        List<String> keys;
        synchronized (lock) {
          keys = new ArrayList<>(pending.keySet());
        }
        for (int from = 0; from < keys.size() && running; from += MAX_KEYS) {
          poll(keys.subList(from, Math.min(keys.size(), from + MAX_KEYS)));
        }
        long sleep = POLL_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - round);
        if (sleep > 0) {
          try {
            Thread.sleep(sleep);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    private void poll(List<String> keys) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + String.join(",", keys)))
          .header("Authorization", authorization)
          .timeout(Duration.ofSeconds(10))
          .GET()
          .build();
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        failed(e.toString());
        return;
      } catch (InterruptedException e) {
        running = false;
        return;
      }
      long now = System.currentTimeMillis();
      if (response.statusCode() != 200) {
        String body = response.body();
        failed(response.statusCode() + " " + body.substring(0, Math.min(200, body.length())));
        return;
      }
      Map<String, Object> answer = Json.parseObject(response.body());
      synchronized (lock) {
        requests++;
        keysAsked += keys.size();
        for (Object each : (List<?>) answer.get("rows")) {
          Map<?, ?> row = (Map<?, ?>) each;
          Map<?, ?> value = (Map<?, ?>) row.get("value");
          String name = String.valueOf(value.get("name"));
          resolve(String.valueOf(row.get("key")), now,
              c -> c.leg() != Leg.DELETE && c.marker().equals(name),
              () -> Instant.parse(String.valueOf(value.get("_source_ts"))).toEpochMilli());
        }
        for (Object each : (List<?>) answer.get("deleted")) {
          resolve(String.valueOf(((Map<?, ?>) each).get("key")), now,
              c -> c.leg() == Leg.DELETE, () -> -1);
        }
      }
    }

    /**
     * The change of {@code key} the answer {@code shows} was seen {@code now}; the key's changes
     * committed before it, still unseen, never will be (overtaken). Caller holds lock.
     */
    private void resolve(String key, long now, Predicate<Expected> shows, LongSupplier commit) {
      List<Expected> changes = pending.get(key);
      if (changes == null) {
        return;
      }
      for (int i = 0; i < changes.size(); i++) {
        Expected change = changes.get(i);
        if (shows.test(change)) {
          long start = change.startMs() >= 0 ? change.startMs() : commit.getAsLong();
          latencies.get(change.leg()).add(now - start);
          overtaken += i;
          changes.subList(0, i + 1).clear();
          if (changes.isEmpty()) {
            pending.remove(key);
          }
          return;
        }
      }
    }

    private void failed(String what) {
      synchronized (lock) {
        failures++;
        if (firstFailure == null) {
          firstFailure = what;
        }
      }
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
