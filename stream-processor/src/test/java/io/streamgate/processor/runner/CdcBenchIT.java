package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Change;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.json.Json;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.ManagedProcess;
import io.streamgate.harness.Modules;
import io.streamgate.harness.PostgresServer;
import io.streamgate.harness.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * The changelog path's benchmark, not a timed test: skipped unless {@code -Dstreamgate.bench=true}.
 * PostgreSQL → connector (own process) → Kafka → processor (in-process, {@code local[2]}) → Redis.
 * (1) Latency: 1,000 changes (inserts, updates, deletes), one transaction each, paced; for each
 * change message of the view in Redis (what the gateway serves and pushes), database commit of
 * the change it carries → its arrival (a batch holding several changes of a key writes the newest).
 * Inserts and updates are timed from the commit time the change carries ({@code _source_ts});
 * deletes from when psql returned after the commit (a few ms late, so their latency reads a few ms
 * low). (2) Throughput: 20,000 inserts then 20,000 updates in two transactions; connector changes/s
 * (commit → last change event in Kafka) and end to end (→ last row in Redis).
 */
class CdcBenchIT {
  private static final Keyspace KEYS = new Keyspace("cdcbench");
  private static final String TOPIC = "bench.public.customers";
  private static final int CHANGES = Integer.getInteger("streamgate.bench.changes", 1000);
  private static final int BULK = Integer.getInteger("streamgate.bench.bulk", 20_000);

  @TempDir static Path tmp;

  @Test
  void commitToRedisLatencyAndConnectorThroughput() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("streamgate.bench"),
        "benchmark: run with -Dstreamgate.bench=true");
    KafkaBroker kafka = KafkaBroker.shared();
    try (RedisServer redis = RedisServer.start(); PostgresServer db = PostgresServer.start()) {
      db.psql("CREATE TABLE customers (\"customerId\" text PRIMARY KEY, name text, tier text,"
          + " city text); ALTER TABLE customers REPLICA IDENTITY FULL;"
          + " INSERT INTO customers VALUES ('seed', 'Seed', 'gold', 'Lyon')");
      Path config = tmp.resolve("connector.yaml");
      Files.writeString(config, """
          database: { port: %d, dbname: %s, user: %s }
          tables: [public.customers]
          slot: bench
          publication: bench
          topicPrefix: bench
          kafka: { bootstrapServers: %s }
          stateDir: %s
          """.formatted(db.port(), db.database(), db.user(), kafka.bootstrapServers(),
          tmp.resolve("connector-state")));
      Path pipeline = tmp.resolve("pipeline.yaml");
      Files.writeString(pipeline, """
          sources:
            customers:
              topic: %s
              format: debezium
              key: customerId
              schema: "customerId STRING NOT NULL, name STRING, tier STRING, city STRING"
              options: { startingOffsets: earliest }
          views:
            customers: { sql: "SELECT * FROM customers", key: customerId, kind: latest }
            customers_by_city:
              sql: SELECT city, count(*) AS customers FROM customers GROUP BY city
              key: city
              kind: aggregate
          """.formatted(TOPIC));
      ProcessorSettings settings = new ProcessorSettings(pipeline, kafka.bootstrapServers(),
          redis.uri(), "cdcbench", tmp.resolve("checkpoints").toString(), "local[2]", Map.of());
      try (PipelineRunner runner = PipelineRunner.start(settings);
          ManagedProcess connector = ManagedProcess.startJava("connector", "connector",
              List.of("-Xmx256m", "-XX:+UseSerialGC"), "io.streamgate.connector.ConnectorMain",
              List.of("--config", config.toString()), Map.of(),
              Modules.root().resolve("stream-processor/target/cdc-bench/connector.log"));
          Messages messages = new Messages(redis.port())) {
        await("the seed row", () -> messages.upserts.containsKey("seed"));
        latency(db, messages);
        throughput(db, kafka, redis, messages);
      }
    }
  }

  private static void latency(PostgresServer db, Messages messages) {
    Random random = new Random(16);
    List<String> live = new ArrayList<>();
    Map<String, Long> deleteCommitted = new ConcurrentHashMap<>();
    long started = System.nanoTime();
    for (int i = 0; i < CHANGES; i++) {
      int kind = live.size() < 20 ? 0 : random.nextInt(3);
      String statement;
      String id;
      if (kind == 0) {
        id = "l-" + i;
        live.add(id);
        statement = "INSERT INTO customers VALUES ('" + id + "', 'n', 'gold', 'Lyon')";
      } else if (kind == 1) {
        id = live.get(random.nextInt(live.size()));
        statement = "UPDATE customers SET city = 'c" + i + "' WHERE \"customerId\" = '" + id + "'";
      } else {
        id = live.remove(random.nextInt(live.size()));
        statement = "DELETE FROM customers WHERE \"customerId\" = '" + id + "'";
      }
      messages.expect(id, kind == 0 ? "Lyon" : kind == 1 ? "c" + i : null);
      db.psql(statement);
      if (kind == 2) {
        deleteCommitted.put(id, System.currentTimeMillis());
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    await("every change in Redis", messages::allSeen);
    List<Long> upserts = new ArrayList<>(messages.upsertLatencies());
    List<Long> deletes = new ArrayList<>();
    messages.deletes.forEach((id, received) -> deletes.add(received - deleteCommitted.get(id)));
    System.out.printf("CDC bench: %d changes in %.1f s (%.0f/s, one transaction each, psql)%n",
        CHANGES, seconds, CHANGES / seconds);
    System.out.println("CDC bench: commit -> Redis change message, inserts+updates "
        + stats(upserts) + "; deletes " + stats(deletes));
    // A micro-batch writes only the newest change of a key: fewer messages than changes.
    assertTrue(upserts.size() + deletes.size() <= CHANGES);
  }

  private static void throughput(PostgresServer db, KafkaBroker kafka, RedisServer redis,
      Messages messages) {
    try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
      long before = count(consumer, Duration.ofSeconds(3));
      long start = System.nanoTime();
      db.psql("INSERT INTO customers SELECT 'b-' || g, 'bulk', 'gold', 'City ' || (g % 50)"
          + " FROM generate_series(1, " + BULK + ") g");
      db.psql("UPDATE customers SET tier = 'silver' WHERE name = 'bulk'");
      long committed = System.nanoTime();
      long seen = before;
      long lastSeen = committed;
      while (seen < before + 2L * BULK) {
        long n = count(consumer, Duration.ofMillis(200));
        if (n > 0) {
          seen += n;
          lastSeen = System.nanoTime();
        }
        assertTrue(System.nanoTime() - committed < TimeUnit.MINUTES.toNanos(5), "Kafka has "
            + (seen - before) + " of " + 2 * BULK + " bulk changes after 5 minutes");
      }
      await("the bulk rows updated in Redis", () -> {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
          String value = jedis.hget(KEYS.row("customers", "b-" + BULK), "value");
          return value != null && value.contains("silver")
              && messages.bulkUpdates.get() >= BULK;
        }
      });
      long inRedis = System.nanoTime();
      System.out.printf("CDC bench: %d changes (%d inserts, %d updates, 2 transactions committed in"
              + " %.1f s): connector %.0f changes/s (commit -> last in Kafka %.1f s), end to end"
              + " %.0f changes/s (-> last in Redis %.1f s)%n", 2 * BULK, BULK, BULK,
          (committed - start) / 1e9, 2 * BULK / ((lastSeen - start) / 1e9),
          (lastSeen - committed) / 1e9, 2 * BULK / ((inRedis - start) / 1e9),
          (inRedis - committed) / 1e9);
    }
  }

  private static long count(KafkaConsumer<String, String> consumer, Duration wait) {
    return consumer.poll(wait).count();
  }

  private static KafkaConsumer<String, String> consumer(KafkaBroker kafka) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "cdc-bench-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(TOPIC));
    return consumer;
  }

  private static String stats(List<Long> millis) {
    if (millis.isEmpty()) {
      return "none";
    }
    List<Long> sorted = millis.stream().sorted().toList();
    return String.format("p50 %d ms, p99 %d ms, max %d ms (n=%d)",
        sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
        sorted.get(sorted.size() - 1), sorted.size());
  }

  private static void await(String what, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (!condition.getAsBoolean()) {
      assertTrue(Instant.now().isBefore(deadline), "no " + what + " within 3 minutes");
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /** Change messages of the customers view, with when each arrived (wall clock, ms). */
  private static final class Messages extends JedisPubSub implements AutoCloseable {
    final Map<String, List<long[]>> upserts = new ConcurrentHashMap<>();
    final Map<String, String> cities = new ConcurrentHashMap<>();
    final Map<String, Long> deletes = new ConcurrentHashMap<>();
    final java.util.concurrent.atomic.AtomicLong bulkUpdates = new java.util.concurrent.atomic.AtomicLong();
    /** Key → its city after the last change sent, or "" once deleted. */
    private final Map<String, String> expected = new ConcurrentHashMap<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final Thread thread;

    Messages(int port) throws InterruptedException {
      thread = new Thread(() -> {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
          jedis.subscribe(this, KEYS.changeChannel("customers"));
        }
      }, "cdc-bench-messages");
      thread.setDaemon(true);
      thread.start();
      assertTrue(subscribed.await(10, TimeUnit.SECONDS));
    }

    /** @param city the key's city after this change, null for a delete */
    void expect(String id, String city) {
      expected.put(id, city == null ? "" : city);
    }

    /** Every key's last message says what its last change did. */
    boolean allSeen() {
      for (Map.Entry<String, String> e : expected.entrySet()) {
        boolean done = e.getValue().isEmpty() ? deletes.containsKey(e.getKey())
            : e.getValue().equals(cities.get(e.getKey()));
        if (!done) {
          return false;
        }
      }
      return true;
    }

    List<Long> upsertLatencies() {
      List<Long> out = new ArrayList<>();
      upserts.forEach((id, list) -> {
        if (id.startsWith("l-")) {
          list.forEach(m -> out.add(m[1] - m[0]));
        }
      });
      return out;
    }

    @Override
    public void onSubscribe(String channel, int count) {
      subscribed.countDown();
    }

    @Override
    public void onMessage(String channel, String message) {
      long now = System.currentTimeMillis();
      Change change = Change.fromJson(message);
      if (change instanceof Tombstone t) {
        deletes.put(t.key(), now);
      } else if (change instanceof Row row) {
        Map<String, Object> value = Json.parseObject(row.valueJson());
        if ("bulk".equals(value.get("name"))) {
          if ("silver".equals(value.get("tier"))) {
            bulkUpdates.incrementAndGet();
          }
          return;
        }
        cities.put(row.key(), String.valueOf(value.get("city")));
        long committed = Instant.parse(String.valueOf(value.get("_source_ts"))).toEpochMilli();
        upserts.computeIfAbsent(row.key(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
            .add(new long[] {committed, now});
      }
    }

    @Override
    public void close() {
      unsubscribe();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
