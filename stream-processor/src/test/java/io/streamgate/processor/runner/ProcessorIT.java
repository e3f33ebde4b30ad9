package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.ViewKind;
import io.streamgate.contract.events.EventField;
import io.streamgate.contract.events.FieldType;
import io.streamgate.contract.events.StreamEntry;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.RedisServer;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.runner.ChangeRecorder.Change;
import io.streamgate.processor.runner.OrderEvents.Order;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The runner end to end, in-process on {@code local[2]}: the demo pipeline over a real Kafka
 * broker into a real Redis, checked against results computed here from the produced events, then
 * restarted on the same checkpoints to show that nothing is counted twice. Malformed events among
 * them go to the dead-letter topic, each once, and the source is registered for event ingest.
 */
class ProcessorIT {
  private static final String NS = "it";
  private static final Keyspace KEYS = new Keyspace(NS);
  private static final Duration SETTLE = Duration.ofSeconds(90);
  /** The orders source of the real-time tests' pipelines; TOPIC is replaced by their topic. */
  private static final String RT_ORDERS = """
      sources:
        orders:
          topic: TOPIC
          schema: "orderId STRING NOT NULL, userId STRING NOT NULL, productId STRING NOT NULL, amount DOUBLE NOT NULL, status STRING, ts TIMESTAMP NOT NULL"
          key: orderId
          eventTime: ts
          watermark: 30 seconds
          options: { startingOffsets: earliest }
      """;

  private static KafkaBroker kafka;
  private static RedisServer redis;

  @TempDir static Path tmp;

  @BeforeAll
  static void services() {
    kafka = KafkaBroker.shared();
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void servesTheDemoViewsAndResumesFromItsCheckpoints() throws Exception {
    String topic = "orders_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic);
    ProcessorSettings settings = settings(topic);
    OrderEvents events = new OrderEvents();

    try (ChangeRecorder changes = new ChangeRecorder("127.0.0.1", redis.port(),
            KEYS.changeChannelPattern());
        KafkaProducer<String, String> producer = producer()) {
      Map<String, Long> versionsBefore;
      List<Sent> bad = new ArrayList<>();
      try (PipelineRunner runner = PipelineRunner.start(settings)) {
        produce(producer, topic, events.wave("o", 80, 70, 50));
        bad.add(send(producer, topic, "not json {"));
        bad.add(send(producer, topic, "{\"orderId\":\"x1\",\"userId\":\"u1\",\"productId\":\"p1\","
            + "\"amount\":\"lots\",\"status\":\"created\",\"ts\":\"2025-03-01T12:00:00Z\"}"));
        bad.add(send(producer, topic, "{\"orderId\":\"x2\",\"productId\":\"p1\",\"amount\":1.5,"
            + "\"status\":\"created\",\"ts\":\"2025-03-01T12:00:00Z\"}"));
        bad.add(send(producer, topic, "[1,2,3]"));
        assertEquals(200, events.size());
        awaitViews(events);
        assertCatalog();
        assertStreams(topic);
        assertWindowedRowsExpireOnceClosed(producer, topic, events);
        assertMetrics(runner.metricsPort());
        assertDeadLetters(topic, bad, List.of(
            "not JSON: ",
            "field amount: expected a number, got the string \"lots\"",
            "field userId: is missing but required (NOT NULL)",
            "an event must be a JSON object, got an array"));
        assertTrue(changes.changes().stream()
                .anyMatch(c -> c.channel().equals(KEYS.changeChannel("user_totals"))
                    && c.row().view().equals("user_totals")),
            "a change message on the user_totals channel");
        measureLatency(producer, topic, events, changes);
        awaitViews(events);
        BatchStats.report("micro-batches (" + checkpointManager() + ")", runner.queries());
        versionsBefore = userTotalVersions();
      }

      // Restart on the same checkpoints: each view resumes after its last committed batch.
      try (PipelineRunner runner = PipelineRunner.start(settings)) {
        List<Order> more = events.wave("r", 12, 8, 0);
        produce(producer, topic, more);
        bad.add(send(producer, topic, "{\"orderId\":\"x3\"}"));
        int newRecords = more.size() + 1;
        awaitViews(events);
        // Dead letters after a clean restart: the new one once, the old ones not again.
        assertDeadLetters(topic, bad, List.of("not JSON: ",
            "field amount: expected a number, got the string \"lots\"",
            "field userId: is missing but required (NOT NULL)",
            "an event must be a JSON object, got an array",
            "field userId: is missing but required (NOT NULL); field productId: is missing but"
                + " required (NOT NULL); field amount: is missing but required (NOT NULL);"
                + " field ts: is missing but required (NOT NULL)"));
        // Progress is recorded just after a batch's writes, so wait for it too.
        awaitNoMismatch(() -> {
          for (Map.Entry<String, StreamingQuery> q : runner.queries().entrySet()) {
            long read = 0;
            for (StreamingQueryProgress p : q.getValue().recentProgress()) {
              read += p.numInputRows();
            }
            if (read > newRecords) {
              throw new AssertionError(q.getKey() + " read " + read + " events after the restart,"
                  + " but only " + newRecords + " were new: it re-read committed ones");
            }
            if (read < newRecords) {
              return q.getKey() + " has reported " + read + " of " + newRecords + " new events";
            }
          }
          return null;
        });
        Map<String, Long> versionsAfter = userTotalVersions();
        for (Map.Entry<String, Long> v : versionsAfter.entrySet()) {
          Long before = versionsBefore.get(v.getKey());
          assertTrue(before == null || v.getValue() >= before, "versions only grow: " + v);
        }
        assertTrue(versionsAfter.entrySet().stream()
                .anyMatch(v -> v.getValue() > versionsBefore.getOrDefault(v.getKey(), 0L)),
            "the restarted query continues the batch ids, so its writes apply");
      }
    }
  }

  @Test
  void latestViewInRealTimeMode() throws Exception {
    String yaml = RT_ORDERS + """
        views:
          rt_status:
            key: orderId
            sql: SELECT orderId, status, amount FROM orders
            kind: latest
            trigger: realtime 5 seconds
        """;
    // Two partitions and a real-time view need 3 task slots: refused on local[2].
    String wide = "rtw_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(wide, 2);
    Path widePipeline = tmp.resolve("rt-wide.yaml");
    Files.writeString(widePipeline, yaml.replace("TOPIC", wide));
    PipelineException refused = org.junit.jupiter.api.Assertions.assertThrows(
        PipelineException.class, () -> PipelineRunner.start(rtSettings(widePipeline)).close());
    assertEquals(List.of(widePipeline + ": real-time views rt_status hold one task slot per Kafka"
        + " partition they read; with the other queries they need 3 slots, but Spark has 2"
        + " (local[2]); use --master local[3] or a micro-batch trigger"), refused.problems());

    String topic = "rt_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic, 1);
    Path pipeline = tmp.resolve("rt.yaml");
    Files.writeString(pipeline, yaml.replace("TOPIC", topic));
    OrderEvents events = new OrderEvents();
    try (ChangeRecorder changes = new ChangeRecorder("127.0.0.1", redis.port(),
            new Keyspace("rt").changeChannelPattern());
        KafkaProducer<String, String> producer = producer();
        PipelineRunner runner = PipelineRunner.start(rtSettings(pipeline))) {
      produce(producer, topic, events.wave("t", 40, 30, 20));
      Keyspace rt = new Keyspace("rt");
      try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
        awaitNoMismatch(() -> {
          for (Map.Entry<String, String> e : events.lastStatus().entrySet()) {
            Map<String, Object> value = DemoViews.value(jedis, rt, "rt_status", e.getKey());
            if (value == null || !e.getValue().equals(value.get("status"))) {
              return "rt_status " + e.getKey() + " = " + value + ", expected " + e.getValue();
            }
          }
          return null;
        });
        long version = Long.parseLong(jedis.hget(rt.row("rt_status", "t0"), "version"));
        assertTrue(version >= 1L << 24, "real-time versions: (epoch + 1) << 24 | n: " + version);
      }
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Order probe = events.wave("rtprobe" + i + "_", 1, 0, 0).get(0);
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, probe.orderId(), probe.json())).get();
        Change seen = awaitFound(() -> changes.changes().stream()
            .filter(c -> c.row().key().equals(probe.orderId())).findFirst().orElse(null));
        millis.add((seen.receivedNanos() - sent) / 1_000_000);
      }
      List<Long> sorted = millis.stream().sorted().toList();
      System.out.printf("real-time mode produce→Redis change message latency over %d single"
          + " events: min %d ms, median %d ms, max %d ms %s%n", sorted.size(), sorted.get(0),
          sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), millis);

      // Its tasks' write counts reach the metrics once per real-time batch (here every 5 s).
      long produced = 40 + 30 + 20 + millis.size();
      HttpClient http = HttpClient.newHttpClient();
      awaitNoMismatch(() -> {
        double written = metric(http, runner.metricsPort(),
            "streamgate_processor_rows_written_total{view=\"rt_status\"}");
        return written == produced ? null : "rows written " + written + ", expected " + produced;
      });
    }
  }

  /**
   * A real-time aggregate's row the task wrote before is folded and written in one script call
   * (the writer predicts the fold, apply_deltas.lua checks it): one EVALSHA per event, where
   * folding and then writing took two.
   */
  @Test
  void aggregateViewInRealTimeModeFoldsAndWritesAKnownRowInOneCall() throws Exception {
    String topic = "rta_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic, 1);
    Path pipeline = tmp.resolve("rta.yaml");
    Files.writeString(pipeline, RT_ORDERS.replace("TOPIC", topic) + """
        views:
          rt_user_totals:
            key: userId
            sql: SELECT userId, count(*) AS n, round(sum(amount), 2) AS total FROM orders GROUP BY userId
            kind: aggregate
            trigger: realtime 5 seconds
        """);
    Keyspace rt = new Keyspace("rt");
    OrderEvents events = new OrderEvents();
    try (KafkaProducer<String, String> producer = producer();
        PipelineRunner runner = PipelineRunner.start(rtSettings(pipeline));
        Jedis jedis = new Jedis(redis.host(), redis.port())) {
      long before = 0;
      double total = 0;
      for (int n = 1; n <= 6; n++) {
        Order o = events.wave("rta" + n + "_", 1, 0, 0).get(0);
        Order order = new Order(o.orderId(), "ua", o.productId(), 1.25 * n, o.status(), o.ts());
        total += order.amount();
        producer.send(new ProducerRecord<>(topic, order.orderId(), order.json())).get();
        String expected = "{\"n\":" + n + ",\"total\":" + Math.round(total * 100) / 100.0 + "}";
        awaitNoMismatch(() -> {
          String value = jedis.hget(rt.row("rt_user_totals", "ua"), "value");
          return expected.equals(value) ? null : "rt_user_totals ua = " + value + ", expected " + expected;
        });
        if (n == 1) {
          before = evalshaCalls(jedis); // the first event: fold, then write and index (a new row)
        }
      }
      long calls = evalshaCalls(jedis) - before;
      assertTrue(calls >= 5 && calls < 10, "5 events into a known row: one script call each, was " + calls);
      assertEquals("6", jedis.hget(rt.row("rt_user_totals", "ua"), "version"));
    }
  }

  private static long evalshaCalls(Jedis jedis) {
    return jedis.info("commandstats").lines().filter(l -> l.startsWith("cmdstat_evalsha:"))
        .map(l -> l.substring(l.indexOf("calls=") + 6, l.indexOf(',', l.indexOf("calls="))))
        .mapToLong(Long::parseLong).findFirst().orElse(0);
  }

  /** One sample's value from the metrics port, NaN if it is not there (yet). */
  private static double metric(HttpClient http, int port, String sample) {
    try {
      String text = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return text.lines().filter(line -> line.startsWith(sample + " "))
          .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1)))
          .findFirst().orElse(Double.NaN);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ProcessorSettings rtSettings(Path pipeline) {
    return new ProcessorSettings(pipeline, kafka.bootstrapServers(), redis.uri(), "rt",
        tmp.resolve("rt-checkpoints").toString(), "local[2]", Map.of(), 0);
  }

  private static ProcessorSettings settings(String topic) throws Exception {
    Path demo = Path.of(System.getProperty("streamgate.root", ".."))
        .resolve("deploy/local/pipeline.yaml");
    Path pipeline = tmp.resolve("pipeline.yaml");
    // Plus a windowed view, to see its rows get their TTL once the watermark closes the window.
    Files.writeString(pipeline, DemoPipeline.microBatch(Files.readString(demo)).replace("topic: orders", "topic: " + topic)
        + """
          orders_per_minute:
            key: k
            sql: >-
              SELECT concat(userId, '@', date_format(window.start, 'HH:mm')) AS k, window,
              count(*) AS n FROM orders WHERE status = 'created'
              GROUP BY userId, window(ts, '1 minute')
            kind: windowed
            ttl: 1 hour
        """);
    Map<String, String> conf = new HashMap<>();
    String manager = System.getProperty("streamgate.it.checkpointFileManager");
    if (manager != null && !manager.isBlank()) {
      conf.put("spark.sql.streaming.checkpointFileManagerClass", manager);
    }
    return new ProcessorSettings(pipeline, kafka.bootstrapServers(), redis.uri(), NS,
        tmp.resolve("checkpoints").toString(), "local[2]", conf, 0);
  }

  private static String checkpointManager() {
    String m = System.getProperty("streamgate.it.checkpointFileManager", "");
    return m.isBlank() ? "NioCheckpointFileManager" : m.substring(m.lastIndexOf('.') + 1);
  }

  /** Polls Redis until every view shows exactly what the produced events imply. */
  private static void awaitViews(OrderEvents events) {
    awaitNoMismatch(() -> mismatch(events));
  }

  private static String mismatch(OrderEvents events) {
    return DemoViews.mismatch(redis, KEYS, events);
  }

  private static void assertCatalog() {
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      Map<String, CatalogEntry> catalog = new TreeMap<>();
      jedis.hgetAll(KEYS.catalog()).forEach((k, v) -> catalog.put(k, CatalogEntry.fromJson(v)));
      assertEquals(Set.of("user_totals", "order_status", "product_revenue", "orders_per_minute"),
          catalog.keySet());
      assertEquals(3600, catalog.get("orders_per_minute").ttlSeconds());
      assertEquals(ViewKind.WINDOWED, catalog.get("orders_per_minute").kind());
      CatalogEntry revenue = catalog.get("product_revenue");
      assertEquals("revenue", revenue.rankColumn());
      assertEquals("productId", revenue.keyColumn());
      assertEquals(ViewKind.LATEST, catalog.get("order_status").kind());
      assertEquals(List.of("orders", "total"),
          catalog.get("user_totals").columns().stream().map(CatalogEntry.Column::name).toList());
      assertFalse(catalog.get("user_totals").description().isEmpty());
    }
  }

  /**
   * Produce → Redis latency: one new order at a time, timed from just before the send to the
   * arrival of its change message on order_status's channel.
   */
  private static void measureLatency(KafkaProducer<String, String> producer, String topic,
      OrderEvents events, ChangeRecorder changes) throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Order probe = events.wave("probe" + i + "_", 1, 0, 0).get(0);
      long sent = System.nanoTime();
      producer.send(new ProducerRecord<>(topic, probe.orderId(), probe.json())).get();
      Change seen = awaitFound(() -> changes.changes().stream()
          .filter(c -> c.row().view().equals("order_status")
              && c.row().key().equals(probe.orderId()))
          .findFirst().orElse(null));
      millis.add((seen.receivedNanos() - sent) / 1_000_000);
    }
    List<Long> sorted = millis.stream().sorted().toList();
    System.out.printf("produce→Redis change message latency over %d single events: min %d ms,"
            + " median %d ms, max %d ms %s%n", sorted.size(), sorted.get(0),
        sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), millis);
  }

  /**
   * The first minute's rows exist without a TTL while the window is open; an event five minutes
   * later moves the watermark (30 s delay) past the window's end, and then they get their TTL.
   */
  private static void assertWindowedRowsExpireOnceClosed(KafkaProducer<String, String> producer,
      String topic, OrderEvents events) throws Exception {
    Map<String, Long> expected = new TreeMap<>();
    events.firstMinuteOrders().forEach((user, n) -> expected.put(user + "@12:00", n));
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      awaitNoMismatch(() -> {
        for (Map.Entry<String, Long> e : expected.entrySet()) {
          Map<String, Object> value = DemoViews.value(jedis, KEYS, "orders_per_minute", e.getKey());
          if (value == null || !e.getValue().equals(value.get("n"))) {
            return "orders_per_minute " + e.getKey() + " = " + value + ", expected " + e.getValue();
          }
        }
        return null;
      });
      String first = KEYS.row("orders_per_minute", expected.keySet().iterator().next());
      assertEquals(-1, jedis.pttl(first), "no TTL while the window is open");

      Order late = events.createdAt("late1", OrderEvents.base().plusSeconds(300));
      producer.send(new ProducerRecord<>(topic, late.orderId(), late.json())).get();
      awaitNoMismatch(() -> {
        for (String key : expected.keySet()) {
          long pttl = jedis.pttl(KEYS.row("orders_per_minute", key));
          if (pttl <= 0) {
            return "orders_per_minute " + key + " has PTTL " + pttl;
          }
          assertTrue(pttl <= 3_600_000, "TTL at most the view's ttl: " + pttl);
        }
        return null;
      });
      assertEquals(-1, jedis.pttl(KEYS.row("orders_per_minute", "u0@12:05")),
          "the late event's window is still open");
    }
  }

  /** Prometheus text on the metrics port: dead letters, rows, rates, lags, expired windows. */
  private static void assertMetrics(int port) {
    HttpClient http = HttpClient.newHttpClient();
    awaitNoMismatch(() -> {
      String text;
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        text = r.body();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      for (String expected : List.of(
          "streamgate_processor_dead_letters_total{source=\"orders\"} 4.0",
          "streamgate_processor_input_rows_total{view=\"user_totals\"}",
          "streamgate_processor_rows_written_total{view=\"order_status\"}",
          "streamgate_processor_processing_rate_rows_per_second{view=\"product_revenue\"}",
          "streamgate_processor_batch_duration_seconds_count{view=\"user_totals\"}",
          "streamgate_processor_kafka_lag_records{query=\"dead_letters:orders\"}",
          "streamgate_processor_event_lag_seconds_count{view=\"user_totals\"}",
          "streamgate_processor_windows_expired_total{view=\"orders_per_minute\"} 13.0")) {
        if (!text.contains(expected)) {
          return "no '" + expected + "' in the metrics";
        }
      }
      return null;
    });
  }

  /** Where a record landed. */
  record Sent(String value, int partition, long offset) {}

  private static Sent send(KafkaProducer<String, String> producer, String topic, String value)
      throws Exception {
    RecordMetadata m = producer.send(new ProducerRecord<>(topic, "bad", value)).get();
    return new Sent(value, m.partition(), m.offset());
  }

  /** The dead-letter topic holds exactly the refused records, in the form docs/pipeline.md gives. */
  private static void assertDeadLetters(String topic, List<Sent> bad, List<String> reasons) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, ConsumerRecord<String, String>> letters = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic + ".dlq").stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + SETTLE.toNanos();
      while (letters.size() < bad.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          ConsumerRecord<String, String> before =
              letters.put(header(r, "streamgate.partition") + ":" + header(r, "streamgate.offset"), r);
          assertEquals(null, before, "a dead letter written twice: " + r);
        }
      }
      // A little longer: a duplicate would show up now.
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(1500))) {
        throw new AssertionError("an unexpected dead letter: " + r);
      }
    }
    assertEquals(bad.size(), letters.size(), "dead letters " + letters.keySet());
    for (int i = 0; i < bad.size(); i++) {
      Sent sent = bad.get(i);
      ConsumerRecord<String, String> r = letters.get(sent.partition() + ":" + sent.offset());
      assertTrue(r != null, "no dead letter for " + sent + " in " + letters.keySet());
      assertEquals(sent.value(), r.value(), "the original bytes");
      assertEquals("bad", r.key());
      assertEquals("orders", header(r, "streamgate.source"));
      assertEquals(topic, header(r, "streamgate.topic"));
      assertTrue(header(r, "streamgate.reason").startsWith(reasons.get(i)),
          header(r, "streamgate.reason") + " should start with " + reasons.get(i));
    }
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static void assertStreams(String topic) {
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      StreamEntry orders = StreamEntry.fromJson(jedis.hget(KEYS.streams(), "orders"));
      assertEquals(topic, orders.topic());
      assertEquals("orderId", orders.keyField());
      assertEquals("ts", orders.eventTime());
      assertEquals(new EventField("amount", FieldType.NUMBER, true), orders.schema().field("amount"));
      assertEquals(new EventField("status", FieldType.STRING, false), orders.schema().field("status"));
      assertEquals(new EventField("ts", FieldType.TIMESTAMP, true), orders.schema().field("ts"));
      assertEquals(List.of("userId"), orders.tenantFields(), "the demo source's tenantFields");
    }
  }

  private static Map<String, Long> userTotalVersions() {
    Map<String, Long> out = new TreeMap<>();
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      for (String key : jedis.zrange(KEYS.keysIndex("user_totals"), 0, -1)) {
        out.put(key, Long.parseLong(jedis.hget(KEYS.row("user_totals", key), "version")));
      }
    }
    return out;
  }

  private static void createTopic(String topic) throws Exception {
    createTopic(topic, 2);
  }

  private static void createTopic(String topic, int partitions) throws Exception {
    TestKafka.createTopic(kafka, topic, partitions);
  }

  private static KafkaProducer<String, String> producer() {
    return TestKafka.producer(kafka, Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
  }

  private static void produce(KafkaProducer<String, String> producer, String topic,
      List<Order> orders) throws Exception {
    for (Order o : orders) {
      producer.send(new ProducerRecord<>(topic, o.orderId(), o.json()));
    }
    producer.flush();
  }

  /** Polls until {@code found} returns a value; fails after {@link #SETTLE}. */
  private static <T> T awaitFound(Supplier<T> found) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    for (T value = found.get(); ; value = found.get()) {
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("nothing found within " + SETTLE.toSeconds() + " s");
      }
      pause(2);
    }
  }

  /** Polls until {@code mismatch} returns null; fails with its last answer after {@link #SETTLE}. */
  private static void awaitNoMismatch(Supplier<String> mismatch) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    for (String problem = mismatch.get(); problem != null; problem = mismatch.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Redis did not settle within " + SETTLE.toSeconds() + " s: "
            + problem);
      }
      pause(50);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // the polling interval, not a guess at how long the work takes
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
