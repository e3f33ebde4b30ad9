package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A database table live in Redis: real PostgreSQL, the connector as its own process, a real Kafka
 * broker and the processor in-process. The {@code customers} view mirrors the table (deleted rows
 * are tombstones) and {@code customers_by_city} equals {@code SELECT city, count(*) … GROUP BY
 * city}, also after a {@code kill -9} of the connector mid-stream, whose restart repeats every
 * change since its start (its stored position is never flushed here).
 */
class CdcIT {
  private static final String NS = "cdc";
  private static final Keyspace KEYS = new Keyspace(NS);
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Path LOGS = Modules.root().resolve("stream-processor/target/cdc-it");
  private static final String TOPIC = "cdcit.public.customers";
  private static final List<String> CITIES = List.of("Lyon", "Paris", "Oslo", "Rome", "Porto");

  private static PostgresServer postgres;
  private static KafkaBroker kafka;
  private static RedisServer redis;

  @TempDir static Path tmp;

  @BeforeAll
  static void services() {
    CompletableFuture<PostgresServer> db = CompletableFuture.supplyAsync(PostgresServer::start);
    kafka = KafkaBroker.shared();
    redis = RedisServer.start();
    postgres = db.join();
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void theTableAndItsCountsPerCityLiveInRedisThroughCrashesOfTheConnector() throws Exception {
    postgres.psql("CREATE TABLE customers (\"customerId\" text PRIMARY KEY, name text NOT NULL,"
        + " tier text, city text);"
        + "ALTER TABLE customers REPLICA IDENTITY FULL;"
        + "INSERT INTO customers VALUES ('c-1', 'Ada', 'gold', 'Lyon'), ('c-2', 'Bob', 'silver',"
        + " 'Oslo'), ('c-3', 'Cy', NULL, 'Lyon')");
    Path config = connectorConfig();
    List<ManagedProcess> connectors = new ArrayList<>();
    try (PipelineRunner runner = PipelineRunner.start(settings())) {
      connectors.add(startConnector(config));
      // The snapshot (op r), then changes: an insert, an update, a delete, a row changed twice
      // in one transaction.
      await("the snapshot in Redis", connectors, () -> table().equals(view()));
      postgres.psql("INSERT INTO customers VALUES ('c-4', 'Di', 'gold', 'Rome')");
      postgres.psql("UPDATE customers SET city = 'Paris' WHERE \"customerId\" = 'c-1'");
      postgres.psql("DELETE FROM customers WHERE \"customerId\" = 'c-2'");
      postgres.psql("BEGIN; UPDATE customers SET tier = 'bronze' WHERE \"customerId\" = 'c-3';"
          + " UPDATE customers SET tier = 'platinum', city = 'Porto' WHERE \"customerId\" = 'c-3';"
          + " COMMIT");
      await("the changes in Redis", connectors, () -> table().equals(view()));
      Map<String, String> deleted = row("customers", "c-2");
      assertEquals("1", deleted.get(Tombstone.FIELD_DELETED), "c-2 is a tombstone: " + deleted);
      assertFalse(deleted.containsKey("value"));
      Map<String, Object> ada = value("customers", "c-1");
      assertEquals(List.of("Ada", "gold", "Paris", "u"),
          List.of(ada.get("name"), ada.get("tier"), ada.get("city"), ada.get("_op")), "" + ada);
      assertTrue(ada.containsKey("_lsn") && ada.containsKey("_source_ts"), "" + ada);
      long version = Long.parseLong(row("customers", "c-1").get("version"));
      assertEquals(1, version % 2, "a live row's version is 2 × LSN + 1: " + version);
      await("the counts per city", connectors, () -> counts().equals(countsInRedis()));
      assertEquals(Map.of("Paris", 1L, "Porto", 1L, "Rome", 1L), countsInRedis());
      for (String empty : List.of("Lyon", "Oslo")) {
        assertEquals("1", row("customers_by_city", empty).get(Tombstone.FIELD_DELETED),
            empty + " has no customers left: deleted, not left at 0");
      }

      // A stream of inserts, moves between cities and deletes; the connector dies mid-stream.
      AtomicInteger target = new AtomicInteger(Integer.MAX_VALUE);
      AtomicInteger committed = new AtomicInteger();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(target, committed));
      await("300 changes committed", connectors, () -> committed.get() >= 300 || writer.isDone());
      connectors.get(0).kill();
      target.set(Math.max(1000, committed.get() + 200));
      connectors.add(startConnector(config));
      writer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      await(committed.get() + " changes: the table in Redis", connectors,
          () -> table().equals(view()));
      await("the counts per city in Redis", connectors, () -> counts().equals(countsInRedis()));
      int[] records = records();
      assertTrue(records[0] > records[1], "the restarted connector repeated changes ("
          + records[0] + " change events in Kafka, " + records[1] + " distinct)");
    } finally {
      for (ManagedProcess c : connectors) {
        c.close();
      }
    }
  }

  /** Random changes, one per transaction, 20 transactions per psql call, until {@code target}. */
  private static void write(AtomicInteger target, AtomicInteger committed) {
    Random random = new Random(16);
    List<String> live = new ArrayList<>(List.of("c-1", "c-3", "c-4"));
    int next = 100;
    while (committed.get() < target.get()) {
      StringBuilder sql = new StringBuilder();
      int n = Math.min(20, target.get() - committed.get());
      for (int i = 0; i < n; i++) {
        int kind = live.size() < 10 ? 0 : random.nextInt(5);
        String city = CITIES.get(random.nextInt(CITIES.size()));
        String statement;
        if (kind <= 1) {
          String id = "c-" + next++;
          live.add(id);
          statement = "INSERT INTO customers VALUES ('" + id + "', 'n" + id + "', 'gold', '" + city
              + "')";
        } else if (kind <= 3) {
          statement = "UPDATE customers SET city = '" + city + "', name = 'm" + next++
              + "' WHERE \"customerId\" = '" + live.get(random.nextInt(live.size())) + "'";
        } else {
          statement = "DELETE FROM customers WHERE \"customerId\" = '"
              + live.remove(random.nextInt(live.size())) + "'";
        }
        sql.append("BEGIN; ").append(statement).append("; COMMIT; ");
      }
      postgres.psql(sql.toString());
      committed.addAndGet(n);
    }
  }

  /** The table as the customers view's values would show it: key → name, tier, city. */
  private static Map<String, String> table() {
    Map<String, String> out = new TreeMap<>();
    for (String line : postgres.psql("SELECT \"customerId\", name, coalesce(tier, '-'), city"
        + " FROM customers").split("\n")) {
      if (!line.isBlank()) {
        String[] f = line.split("\\|");
        out.put(f[0], f[1] + "|" + f[2] + "|" + f[3]);
      }
    }
    return out;
  }

  /** The customers view: its indexed (live) keys with their values. */
  private static Map<String, String> view() {
    Map<String, String> out = new TreeMap<>();
    try (Jedis jedis = jedis()) {
      for (String key : jedis.zrange(KEYS.keysIndex("customers"), 0, -1)) {
        Map<String, Object> v = value("customers", key);
        out.put(key, v == null ? "(no value)" : v.get("name") + "|"
            + (v.get("tier") == null ? "-" : v.get("tier")) + "|" + v.get("city"));
      }
    }
    return out;
  }

  private static Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    for (String line : postgres.psql("SELECT city, count(*) FROM customers GROUP BY city")
        .split("\n")) {
      if (!line.isBlank()) {
        String[] f = line.split("\\|");
        out.put(f[0], Long.parseLong(f[1]));
      }
    }
    return out;
  }

  private static Map<String, Long> countsInRedis() {
    Map<String, Long> out = new TreeMap<>();
    try (Jedis jedis = jedis()) {
      for (String city : jedis.zrange(KEYS.keysIndex("customers_by_city"), 0, -1)) {
        Map<String, Object> v = value("customers_by_city", city);
        out.put(city, v == null ? -1 : ((Number) v.get("customers")).longValue());
      }
    }
    return out;
  }

  private static Map<String, String> row(String view, String key) {
    try (Jedis jedis = jedis()) {
      return jedis.hgetAll(KEYS.row(view, key));
    }
  }

  private static Map<String, Object> value(String view, String key) {
    String value = row(view, key).get("value");
    return value == null ? null : Json.parseObject(value);
  }

  /** Change events in the topic, and distinct ones by (key, LSN). */
  private static int[] records() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "cdc-it-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    int total = 0;
    Set<String> distinct = new HashSet<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      int empty = 0;
      while (empty < 3) {
        var polled = consumer.poll(Duration.ofMillis(500));
        empty = polled.isEmpty() ? empty + 1 : 0;
        for (ConsumerRecord<String, String> r : polled) {
          if (r.value() != null) {
            total++;
            Object lsn = ((Map<?, ?>) Json.parseObject(r.value()).get("source")).get("lsn");
            distinct.add(r.key() + " " + lsn);
          }
        }
      }
    }
    return new int[] {total, distinct.size()};
  }

  private static Jedis jedis() {
    return new Jedis("127.0.0.1", redis.port());
  }

  private static Path connectorConfig() throws Exception {
    Path file = tmp.resolve("connector.yaml");
    // The position is never stored during the test, so the restart after kill -9 repeats
    // every change since the start: the views must count each once.
    Files.writeString(file, """
        database:
          port: %d
          dbname: %s
          user: %s
        tables: [public.customers]
        slot: cdcit
        publication: cdcit
        topicPrefix: cdcit
        kafka:
          bootstrapServers: %s
        stateDir: %s
        offsetFlushIntervalMs: 600000
        """.formatted(postgres.port(), postgres.database(), postgres.user(),
        kafka.bootstrapServers(), tmp.resolve("connector-state")));
    return file;
  }

  private static ManagedProcess startConnector(Path config) throws Exception {
    return ManagedProcess.startJava("connector", "connector",
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        "io.streamgate.connector.ConnectorMain", List.of("--config", config.toString()), Map.of(),
        LOGS.resolve("connector.log"));
  }

  private static ProcessorSettings settings() throws Exception {
    Path pipeline = tmp.resolve("pipeline.yaml");
    Files.writeString(pipeline, """
        tombstoneRetention: 1 hour
        sources:
          customers:
            topic: %s
            format: debezium
            key: customerId
            schema: "customerId STRING NOT NULL, name STRING NOT NULL, tier STRING, city STRING"
            options:
              startingOffsets: earliest
        views:
          customers:
            sql: SELECT * FROM customers
            key: customerId
            kind: latest
          customers_by_city:
            sql: SELECT city, count(*) AS customers FROM customers GROUP BY city
            key: city
            kind: aggregate
        """.formatted(TOPIC));
    return new ProcessorSettings(pipeline, kafka.bootstrapServers(), redis.uri(), NS,
        tmp.resolve("checkpoints").toString(), "local[2]", Map.of(), -1);
  }

  private static void await(String what, List<ManagedProcess> connectors,
      Supplier<Boolean> condition) {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (!condition.get()) {
      ManagedProcess last = connectors.get(connectors.size() - 1);
      assertTrue(last.isAlive(), "connector exited waiting for " + what + ":\n" + last.tail(40));
      assertFalse(Instant.now().isAfter(deadline), "no " + what + " within "
          + DEADLINE.toSeconds() + " s; table " + table() + "\nview " + view() + "\ncounts "
          + counts() + "\nin Redis " + countsInRedis() + "\n" + last.tail(20));
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
  }
}
