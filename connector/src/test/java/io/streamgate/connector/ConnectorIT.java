package io.streamgate.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.ManagedProcess;
import io.streamgate.harness.Modules;
import io.streamgate.harness.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector as its own process between a real PostgreSQL and a real Kafka broker. */
class ConnectorIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(45);
  /** Kept after the run, for a failure's full story (a restart appends to the same log). */
  private static final Path LOGS = Modules.root().resolve("connector/target/connector-it");

  private static PostgresServer postgres;
  private static KafkaBroker kafka;

  @TempDir
  Path temp;

  private final List<ManagedProcess> connectors = new ArrayList<>();

  @BeforeAll
  static void startServices() {
    CompletableFuture<PostgresServer> db = CompletableFuture.supplyAsync(PostgresServer::start);
    kafka = KafkaBroker.shared();
    postgres = db.join();
  }

  @AfterAll
  static void stopServices() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void writesInsertsUpdatesAndDeletesWithBeforeAfterAndGrowingLsnsThenATombstone() throws Exception {
    // Quoted: PostgreSQL folds unquoted names to lower case, and the JSON carries the names as stored.
    postgres.psql("CREATE TABLE customers (\"customerId\" text PRIMARY KEY, name text, tier text, city text);"
        + "ALTER TABLE customers REPLICA IDENTITY FULL;"
        + "INSERT INTO customers VALUES ('c-1', 'Ada', 'gold', 'Lyon')");
    int metricsPort = FreePorts.find();
    Path config = config("one", "public.customers");
    // Trust authentication takes any password; this one must show up in no log line.
    String password = "password-" + System.nanoTime();
    ManagedProcess connector = startConnector(config, Map.of("STREAMGATE_DB_PASSWORD", password),
        "--metrics-port", String.valueOf(metricsPort));
    awaitStreaming("one", connector);

    postgres.psql("INSERT INTO customers VALUES ('c-2', 'Bob', 'silver', 'Oslo')");
    postgres.psql("UPDATE customers SET city = 'Paris' WHERE \"customerId\" = 'c-1'");
    postgres.psql("DELETE FROM customers WHERE \"customerId\" = 'c-2'");

    List<ConsumerRecord<String, String>> records = consume("one.public.customers", 5, connector);
    assertEquals(5, records.size(), "snapshot read, insert, update, delete and the delete's tombstone: " + records);

    JsonNode read = value(records.get(0));
    assertEquals("r", read.get("op").asText());
    assertEquals("Lyon", read.get("after").get("city").asText());

    JsonNode insert = value(records.get(1));
    assertEquals("c", insert.get("op").asText());
    assertTrue(insert.get("before").isNull());
    assertEquals("{\"customerId\":\"c-2\",\"name\":\"Bob\",\"tier\":\"silver\",\"city\":\"Oslo\"}",
        insert.get("after").toString());
    assertEquals("{\"customerId\":\"c-2\"}", records.get(1).key(), "the key is Debezium's key JSON, no schema");
    assertEquals("customers", insert.get("source").get("table").asText());
    assertTrue(insert.get("source").get("ts_ms").asLong() > 0);

    JsonNode update = value(records.get(2));
    assertEquals("u", update.get("op").asText());
    assertEquals("Lyon", update.get("before").get("city").asText(), "REPLICA IDENTITY FULL: the whole old row");
    assertEquals("gold", update.get("before").get("tier").asText());
    assertEquals("Paris", update.get("after").get("city").asText());

    JsonNode delete = value(records.get(3));
    assertEquals("d", delete.get("op").asText());
    assertEquals("Oslo", delete.get("before").get("city").asText());
    assertTrue(delete.get("after").isNull());

    assertEquals("{\"customerId\":\"c-2\"}", records.get(4).key());
    assertNull(records.get(4).value(), "Kafka tombstone after the delete");

    long insertLsn = insert.get("source").get("lsn").asLong();
    long updateLsn = update.get("source").get("lsn").asLong();
    long deleteLsn = delete.get("source").get("lsn").asLong();
    assertTrue(0 < insertLsn && insertLsn < updateLsn && updateLsn < deleteLsn,
        "LSNs grow: " + insertLsn + ", " + updateLsn + ", " + deleteLsn);

    // Counted once Kafka acknowledged the batch, which may be a moment after a consumer sees it.
    String url = "http://127.0.0.1:" + metricsPort + "/metrics";
    await("metrics of the delete", connector, () -> get(url).contains(
        "streamgate_connector_changes_total{table=\"public.customers\",op=\"d\"} 1"));
    String metrics = get(url);
    assertTrue(metrics.contains("streamgate_connector_changes_total{table=\"public.customers\",op=\"u\"} 1"), metrics);
    assertTrue(metrics.contains("streamgate_connector_changes_total{table=\"public.customers\",op=\"d\"} 1"), metrics);
    assertTrue(metrics.contains("streamgate_connector_lag_seconds "), metrics);
    assertFalse(Files.readString(connector.logFile()).contains(password), "the password is in the log");
  }

  @Test
  void killMinusNineMidStreamLosesNoChange() throws Exception {
    postgres.psql("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL);"
        + "ALTER TABLE accounts REPLICA IDENTITY FULL");
    Path config = config("two", "public.accounts");
    ManagedProcess first = startConnector(config);
    awaitStreaming("two", first);

    // The writer commits until it is told how many changes to make in all, which happens only
    // after the kill: the connector always dies mid-stream, however slow this machine is.
    AtomicInteger target = new AtomicInteger(Integer.MAX_VALUE);
    AtomicInteger committed = new AtomicInteger();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeChanges(target, committed));
    int changes;
    String topic = "two.public.accounts";
    Map<String, Object> seen = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = consumer(topic)) {
      await("the first 100 changes in Kafka", first, () -> {
        poll(consumer, seen);
        return seen.size() >= 100;
      });
      first.kill();
      target.set(Math.max(500, committed.get() + 100));

      ManagedProcess second = startConnector(config);
      writer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      changes = committed.get();
      await("all " + changes + " changes in Kafka", second, () -> {
        poll(consumer, seen);
        return distinctChanges(seen) >= changes;
      });
    }
    assertEquals(changes, distinctChanges(seen), "every change exactly once by (key, LSN)");

    Map<Integer, Integer> replayed = new TreeMap<>();
    seen.values().stream().filter(JsonNode.class::isInstance).map(JsonNode.class::cast)
        .sorted((a, b) -> Long.compare(a.get("source").get("lsn").asLong(), b.get("source").get("lsn").asLong()))
        .forEach(change -> {
          if (change.get("op").asText().equals("d")) {
            replayed.remove(change.get("before").get("id").asInt());
          } else {
            replayed.put(change.get("after").get("id").asInt(), change.get("after").get("balance").asInt());
          }
        });
    assertEquals(table(), replayed, "replaying the topic in LSN order rebuilds the table");
  }

  /** Inserts, updates and deletes rows of accounts, one change per transaction, until {@code target}. */
  private static void writeChanges(AtomicInteger target, AtomicInteger committed) {
    Random random = new Random(16);
    List<Integer> live = new ArrayList<>();
    int nextId = 1;
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
        Statement statement = connection.createStatement()) {
      while (committed.get() < target.get()) {
        int kind = live.size() < 5 ? 0 : random.nextInt(4);
        if (kind == 0 || kind == 1) {
          statement.executeUpdate("INSERT INTO accounts VALUES (" + nextId + ", " + random.nextInt(1000) + ")");
          live.add(nextId++);
        } else if (kind == 2) {
          statement.executeUpdate("UPDATE accounts SET balance = " + random.nextInt(1000) + " WHERE id = "
              + live.get(random.nextInt(live.size())));
        } else {
          statement.executeUpdate("DELETE FROM accounts WHERE id = " + live.remove(random.nextInt(live.size())));
        }
        committed.incrementAndGet();
        // Paced: a steady stream rather than a burst the connector takes in one batch.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(4));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<Integer, Integer> table() throws SQLException {
    Map<Integer, Integer> rows = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, balance FROM accounts")) {
      while (result.next()) {
        rows.put(result.getInt(1), result.getInt(2));
      }
    }
    return rows;
  }

  /** Records by (key, LSN): change envelopes as JSON, tombstones as a marker. */
  private static void poll(KafkaConsumer<String, String> consumer, Map<String, Object> seen) {
    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
      if (record.value() == null) {
        seen.put(record.key() + " tombstone " + record.offset(), Boolean.TRUE);
      } else {
        JsonNode change = value(record);
        seen.put(record.key() + " " + change.get("source").get("lsn").asLong(), change);
      }
    }
  }

  private static long distinctChanges(Map<String, Object> seen) {
    return seen.values().stream().filter(JsonNode.class::isInstance).count();
  }

  private Path config(String name, String table) throws IOException {
    Path file = temp.resolve(name + ".yaml");
    Files.writeString(file, """
        database:
          port: %d
          dbname: %s
          user: %s
        tables: [%s]
        slot: %s
        publication: %s
        topicPrefix: %s
        kafka:
          bootstrapServers: %s
        stateDir: %s
        """.formatted(postgres.port(), postgres.database(), postgres.user(), table, name, name, name,
        kafka.bootstrapServers(), temp.resolve(name + "-state")));
    return file;
  }

  private ManagedProcess startConnector(Path config) throws IOException {
    return startConnector(config, Map.of());
  }

  private ManagedProcess startConnector(Path config, Map<String, String> env, String... extraArgs)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(extraArgs));
    ManagedProcess process = ManagedProcess.startJava("connector", "connector",
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), ConnectorMain.class.getName(), args,
        env, LOGS.resolve(config.getFileName().toString().replace(".yaml", ".log")));
    connectors.add(process);
    return process;
  }

  /** Until the connector streams from its slot (after the initial snapshot). */
  private static void awaitStreaming(String slot, ManagedProcess connector) {
    await("slot " + slot + " active", connector, () -> postgres.psql(
        "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" + slot + "'").equals("1"));
  }

  private static List<ConsumerRecord<String, String>> consume(String topic, int count, ManagedProcess connector) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(topic)) {
      await(count + " records in " + topic, connector, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records.size() >= count;
      });
      // Nothing more than expected arrives meanwhile.
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    // One key per partition here would reorder; all records of one key are in one partition, in order.
    records.sort((a, b) -> Long.compare(lsnOrOffset(a, records), lsnOrOffset(b, records)));
    return records;
  }

  /** Sort key: the LSN of a change; a tombstone sorts right after the change before it in its partition. */
  private static long lsnOrOffset(ConsumerRecord<String, String> record, List<ConsumerRecord<String, String>> all) {
    if (record.value() != null) {
      return value(record).get("source").get("lsn").asLong() * 2;
    }
    return all.stream()
        .filter(r -> r.partition() == record.partition() && r.offset() == record.offset() - 1)
        .findFirst().map(r -> lsnOrOffset(r, all) + 1).orElseThrow();
  }

  private static KafkaConsumer<String, String> consumer(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "connector-it-" + topic + "-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private static void await(String what, ManagedProcess connector, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (!condition.getAsBoolean()) {
      assertTrue(connector.isAlive(), "connector exited while waiting for " + what + ":\n" + connector.tail(40));
      assertFalse(Instant.now().isAfter(deadline), "no " + what + " within " + DEADLINE.toSeconds() + " s:\n"
          + connector.tail(40));
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private static JsonNode value(ConsumerRecord<String, String> record) {
    try {
      JsonNode value = JSON.readTree(record.value());
      assertNotNull(value);
      return value;
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + record.value(), e);
    }
  }

  private static String get(String url) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      return response.body();
    } catch (IOException e) {
      throw new AssertionError("GET " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @AfterEach
  void stopConnectors() {
    connectors.forEach(ManagedProcess::close);
  }
}
