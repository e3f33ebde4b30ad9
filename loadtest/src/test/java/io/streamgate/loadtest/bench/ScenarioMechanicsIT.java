package io.streamgate.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.RedisServer;
import io.streamgate.loadtest.bench.load.RowWriter;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The tool's own mechanics for ws-fanout, ingest, freshness (over HTTP, and over a real Kafka
 * broker with a stand-in consumer in place of the processor) and rate-limit, against
 * {@link ProtocolServer} (the documented protocols, in this JVM) and a real redis-server: the
 * gateway's WebSocket and ingest endpoints are built elsewhere. Rows are written through the
 * contract's scripts and travel as real Redis change messages.
 */
class ScenarioMechanicsIT {
  private static final String NAMESPACE = "mech";
  private static final String TOKEN = "test-token";
  private static RedisServer redis;
  private static ProtocolServer server;
  private static String target;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    try (RowWriter writer = new RowWriter(redis.uri(), NAMESPACE)) {
      writer.ensureView("order_status", "orders for the freshness test");
      writer.ensureView("user_totals", "users for the freshness test's aggregate kind");
    }
    server = new ProtocolServer(redis.uri(), NAMESPACE, TOKEN, 30, List.of("bench_ws", "order_status", "user_totals"));
    target = "http://127.0.0.1:" + server.listen();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void wsFanoutDeliversEveryWriteToEverySubscriberAndTimesIt() throws Exception {
    JsonObject r = run("ws-fanout", "--subscribers", "5", "--keys", "4", "--rate", "50", "--duration", "2s",
        "--warmup", "1s", "--redis", redis.uri(), "--namespace", NAMESPACE);
    JsonObject extra = r.getJsonObject("extra");
    long writes = extra.getLong("writes");
    assertEquals(100, writes, 5, r.encodePrettily());
    assertEquals(writes * 5, extra.getLong("expectedDeliveries"));
    assertEquals(extra.getLong("expectedDeliveries"), extra.getLong("deliveries"), r.encodePrettily());
    assertEquals(extra.getLong("deliveries"), r.getLong("count"));
    assertEquals(0, r.getJsonObject("errors").getLong("total"), r.encodePrettily());
    assertEquals(20, extra.getLong("snapshots"));
    assertEquals(5, extra.getLong("subscribed"));
    JsonObject latency = r.getJsonObject("latencyMs");
    assertTrue(latency.getDouble("p50") > 0 && latency.getDouble("p50") < 1_000, latency.encode());
    assertTrue(r.getJsonObject("stages").containsKey("updatedAt_to_received"), r.encode());
  }

  @Test
  void ingestPostsBatchesAndCountsEvents() throws Exception {
    long before = server.events();
    JsonObject r = run("ingest", "--batch", "5", "--connections", "4", "--duration", "2s", "--warmup", "0");
    assertEquals(0, r.getJsonObject("errors").getLong("total"), r.encodePrettily());
    long requests = r.getLong("count");
    assertTrue(requests > 20, r.encodePrettily());
    assertTrue(server.events() - before >= requests * 5, "server saw " + (server.events() - before) + ": "
        + r.encodePrettily());
    assertEquals(r.getDouble("achievedRate") * 5, r.getJsonObject("extra").getDouble("eventsPerSecond"), 0.5);
  }

  @Test
  void freshnessMatchesEachEventToItsUpdateAndSplitsTheStages() throws Exception {
    JsonObject r = run("freshness", "--via", "http", "--stream", ProtocolServer.FRESH_STREAM, "--rate", "20", "--pool", "10", "--duration", "2s",
        "--warmup", "1s");
    assertEquals(0, r.getJsonObject("errors").getLong("total"), server.written + " " + server.published + " "
        + server.forwarded + " " + r.encodePrettily());
    assertEquals(40, r.getLong("count"), 3, r.encodePrettily());
    // The server writes the row 20 ms after the event: nothing can arrive sooner.
    assertTrue(r.getJsonObject("latencyMs").getDouble("p50") >= ProtocolServer.PROCESSING_DELAY_MS, r.encode());
    JsonObject stages = r.getJsonObject("stages");
    assertTrue(stages.getJsonObject("event_to_store").getDouble("p50") >= ProtocolServer.PROCESSING_DELAY_MS - 1,
        stages.encode());
    assertTrue(stages.containsKey("store_to_client"), stages.encode());
    // The aggregate kind: the same 40 events, each its own user's update.
    assertEquals(40, stages.getJsonObject("aggregate_event_to_client").getLong("count"), 3, stages.encode());
    assertTrue(stages.getJsonObject("aggregate_event_to_client").getDouble("p50") >= ProtocolServer.PROCESSING_DELAY_MS,
        stages.encode());
  }

  @Test
  void freshnessViaKafkaTimesEventsThroughABrokerAndAStandInProcessor() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String topic = "fresh-it-" + System.nanoTime();
    AtomicBoolean running = new AtomicBoolean(true);
    // Stands in for the processor: every order event on the topic becomes a row of order_status.
    Thread processor = new Thread(() -> {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.put(ConsumerConfig.GROUP_ID_CONFIG, "stand-in-" + topic);
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      long version = System.currentTimeMillis() * 1000;
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
          RowWriter writer = new RowWriter(redis.uri(), NAMESPACE)) {
        consumer.subscribe(List.of(topic));
        while (running.get()) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
            writer.write(new Row("order_status", record.key(), ++version, System.currentTimeMillis(), record.value()));
          }
        }
      }
    }, "stand-in-processor");
    processor.start();
    try {
      JsonObject r = run("freshness", "--via", "kafka", "--kafka", kafka.bootstrapServers(), "--topic", topic,
          "--rate", "10", "--pool", "10", "--duration", "2s", "--warmup", "3s", "--aggregate-view", "none");
      assertEquals(0, r.getJsonObject("errors").getLong("total"), r.encodePrettily());
      assertEquals(20, r.getLong("count"), 2, r.encodePrettily());
      assertTrue(r.getJsonObject("stages").containsKey("event_to_store"), r.encode());
      assertTrue(r.getJsonObject("extra").getString("via").startsWith("kafka "), r.encode());
    } finally {
      running.set(false);
      processor.join(10_000);
    }
  }

  @Test
  void rateLimitCountsWhatEveryTargetAdmittedForOnePrincipal() throws Exception {
    String second = "http://127.0.0.1:" + server.listen();
    JsonObject r = run("rate-limit", "--target", target, "--target", second, "--rate", "100", "--duration", "2s",
        "--warmup", "0", "--limit", "30", "--period", "60s");
    JsonObject extra = r.getJsonObject("extra");
    assertEquals(30, extra.getLong("admitted"), r.encodePrettily());
    assertEquals(200, extra.getLong("admitted") + extra.getLong("limited"), 5, r.encodePrettily());
    JsonObject byTarget = extra.getJsonObject("byTarget");
    assertEquals(15, byTarget.getJsonObject(target).getLong("admitted"), 1);
    assertEquals(15, byTarget.getJsonObject(second).getLong("admitted"), 1);
    assertEquals(0, r.getJsonObject("errors").getLong("total"), r.encodePrettily());
    assertTrue(extra.getDouble("overshoot") < 0, "30 admitted, 32 allowed in 2 s: " + extra.encode());
  }

  @Test
  void suiteRunsItsStepsAndPrintsAMarkdownTable() throws Exception {
    StringWriter text = new StringWriter();
    CommandLine cli = BenchMain.commandLine();
    cli.setOut(new PrintWriter(text, true));
    cli.setErr(new PrintWriter(text, true));
    int exit = cli.execute("suite", "--only", "noop,ingest", "--target", target, "--redis", redis.uri(),
        "--duration", "1s", "--warmup", "0", "--connections", "4", "--token", TOKEN, "--out", dir.toString());
    assertEquals(0, exit, text.toString());
    String out = text.toString();
    assertTrue(out.contains("| scenario | achieved/s | errors | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |"), out);
    assertTrue(out.contains("| noop (closed model, 4 connections) |"), out);
    assertTrue(out.contains("| ingest (closed model, 16 connections) |"), out);
    assertTrue(Files.isRegularFile(dir.resolve("ingest/report.html")));
    assertTrue(!out.contains("ws-fanout ("), "steps not asked for do not run: " + out);
  }

  private JsonObject run(String... args) throws Exception {
    Path out = dir.resolve(args[0]);
    StringWriter text = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BenchMain.commandLine();
    cli.setOut(new PrintWriter(text, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new java.util.ArrayList<>(List.of(args));
    if (!all.contains("--target")) {
      all.addAll(List.of("--target", target));
    }
    all.addAll(List.of("--token", TOKEN, "--out", out.toString()));
    int exit = cli.execute(all.toArray(String[]::new));
    assertEquals(0, exit, text + "\n" + err);
    return new JsonObject(Files.readString(out.resolve("results.json")));
  }
}
