package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.ManagedProcess;
import io.streamgate.harness.RedisServer;
import io.streamgate.processor.ProcessorMain;
import io.streamgate.processor.runner.OrderEvents.Order;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Exactly-once effect of the real command: the processor runs as a child JVM (as in production)
 * on the demo pipeline while events keep arriving; it is killed with SIGKILL in the middle of the
 * stream, restarted on the same checkpoints, later stopped with SIGTERM mid-stream and restarted
 * again. Each time Redis must end up equal to the aggregates computed here from the produced
 * events: nothing counted twice, nothing missing. Last, a view whose checkpoint was deleted
 * refuses to start until {@code --reset-view} starts it over.
 */
class ProcessorCrashIT {
  private static final String NS = "crash";
  private static final Keyspace KEYS = new Keyspace(NS);
  private static final Duration SETTLE = Duration.ofSeconds(120);

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
  void killedAndStoppedMidStreamItRecoversWithoutCountingTwice() throws Exception {
    String topic = "orders_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic);
    Path pipeline = pipeline(topic);
    OrderEvents events = new OrderEvents();

    try (KafkaProducer<String, String> producer = producer()) {
      // 1. SIGKILL while events arrive and batches run.
      List<Order> first = events.wave("a", 600, 300, 150);
      ManagedProcess p1 = start(pipeline, 1);
      awaitTrue("processor 1 ready", () -> logContains(p1, "processor ready"));
      CompletableFuture<Void> producing = produceSlowly(producer, topic, first, 40);
      // A few batches in (200 events each, 600 distinct orders in this wave), with more to come.
      awaitTrue("a few batches of order_status", () -> rows("order_status") >= 300);
      p1.kill(); // in a batch or between two: either way, batches run back to back now
      assertFalse(p1.isAlive());
      producing.get(60, TimeUnit.SECONDS);
      assertTrue(DemoViews.mismatch(redis, KEYS, events) != null,
          "the killed processor must not have finished the stream already");

      ManagedProcess p2 = start(pipeline, 2);
      awaitViews(events, p2);
      report("before SIGKILL", p1, 4, true);
      report("after restart", p2, 4, false);

      // 2. SIGTERM while events arrive: a graceful stop leaves a valid checkpoint.
      List<Order> second = events.wave("b", 300, 150, 0);
      producing = produceSlowly(producer, topic, second, 40);
      long before = rows("order_status");
      awaitTrue("processor 2 at work on the second wave", () -> rows("order_status") > before);
      p2.stop(Duration.ofSeconds(60));
      assertFalse(p2.isAlive());
      String log2 = Files.readString(p2.logFile());
      assertTrue(log2.contains("shutdown requested") && log2.contains("processor stopped"),
          "graceful stop logged:\n" + p2.tail(30));
      assertFalse(log2.contains("did not stop cleanly"), p2.tail(30));
      producing.get(60, TimeUnit.SECONDS);

      ManagedProcess p3 = start(pipeline, 3);
      try {
        awaitViews(events, p3);
      } finally {
        p3.stop(Duration.ofSeconds(60));
      }

      // 3. A lost checkpoint: its batch ids would restart under the stored versions, so the
      // view refuses to start, in one line; --reset-view clears its rows and it starts over.
      Path checkpoint = tmp.resolve("checkpoints").resolve("user_totals");
      deleteTree(checkpoint);
      ManagedProcess p4 = start(pipeline, 4);
      awaitTrue("processor 4 refuses to start", () -> !p4.isAlive());
      List<String> refusal = Files.readAllLines(p4.logFile()).stream()
          .filter(l -> l.contains("every write would be ignored as not newer")).toList();
      assertEquals(List.of("view user_totals: its checkpoint (" + checkpoint + ") is new but Redis"
          + " holds rows written from an earlier checkpoint (id " + checkpointId() + "); every"
          + " write would be ignored as not newer. Restore the checkpoint, or restart with"
          + " --reset-view user_totals to clear the view's rows and versions."), refusal,
          p4.tail(20));
      assertFalse(Files.readString(p4.logFile()).contains("processor ready"), p4.tail(20));

      ManagedProcess p5 = start(pipeline, 5, "--reset-view", "user_totals");
      try {
        awaitTrue("processor 5 ready", () -> logContains(p5, "processor ready"));
        assertTrue(Files.readString(p5.logFile()).contains("view user_totals reset: "),
            p5.tail(20));
        // Events after the reset must land: with the old versions left in Redis they would not.
        producing = produceSlowly(producer, topic, events.wave("c", 100, 50, 0), 40);
        producing.get(60, TimeUnit.SECONDS);
        awaitViews(events, p5);
        assertEquals(Files.readString(checkpoint.resolve("streamgate-checkpoint-id")).strip(),
            checkpointId(), "the new checkpoint's id is recorded in Redis");
      } finally {
        p5.stop(Duration.ofSeconds(60));
      }
    }
  }

  /**
   * The demo pipeline as it is, its aggregates in real-time mode: each event is folded into its
   * row in Redis as it arrives, and the offsets reach the checkpoint only when the 10 s real-time
   * batch ends. Killed a few seconds into a batch, the restart reads the batch again from its
   * start; what was folded in before must be skipped (by partition and offset), not counted twice.
   */
  @Test
  void realTimeAggregatesKilledMidBatchCountEachEventOnce() throws Exception {
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      jedis.flushAll(); // the other test's rows, if it ran first
    }
    String topic = "orders_rt_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic);
    Path pipeline = tmp.resolve("pipeline-realtime.yaml");
    Files.writeString(pipeline, Files.readString(Path.of(System.getProperty("streamgate.root",
        "..")).resolve("deploy/local/pipeline.yaml")).replace("topic: orders", "topic: " + topic));
    Path checkpoints = tmp.resolve("checkpoints-realtime");
    OrderEvents events = new OrderEvents();
    try (KafkaProducer<String, String> producer = producer()) {
      ManagedProcess p1 = start(pipeline, checkpoints, "local[8]", 11);
      awaitTrue("processor 11 ready", () -> logContains(p1, "processor ready"));
      CompletableFuture<Void> producing =
          produceSlowly(producer, topic, events.wave("r", 600, 300, 150), 40);
      awaitTrue("a few hundred orders written", () -> rows("order_status") >= 300);
      p1.kill();
      producing.get(60, TimeUnit.SECONDS);
      assertTrue(DemoViews.mismatch(redis, KEYS, events) != null,
          "the killed processor must not have finished the stream already");

      ManagedProcess p2 = start(pipeline, checkpoints, "local[8]", 12);
      try {
        awaitViews(events, p2);
        // More events after the replay: the rows keep counting from where they are.
        producing = produceSlowly(producer, topic, events.wave("s", 200, 100, 50), 40);
        producing.get(60, TimeUnit.SECONDS);
        awaitViews(events, p2);
      } finally {
        p2.stop(Duration.ofSeconds(60));
      }
    }
  }

  private static String checkpointId() {
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      return jedis.get("{" + NS + ":user_totals}:checkpoint");
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static ManagedProcess start(Path pipeline, int run, String... extra) throws Exception {
    return start(pipeline, tmp.resolve("checkpoints"), "local[2]", run, extra);
  }

  private static ManagedProcess start(Path pipeline, Path checkpoints, String master, int run,
      String... extra) throws Exception {
    List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC"));
    jvm.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
    List<String> args = new ArrayList<>(List.of("--pipeline", pipeline.toString(),
        "--kafka", kafka.bootstrapServers(), "--redis", redis.uri(), "--namespace", NS,
        "--checkpoints", checkpoints.toString(), "--master", master));
    args.addAll(List.of(extra));
    return ManagedProcess.startJava("processor-" + run, "stream-processor", jvm,
        ProcessorMain.class.getName(), args, Map.of(), tmp.resolve("processor-" + run + ".log"));
  }

  private static Path pipeline(String topic) throws Exception {
    Path demo = Path.of(System.getProperty("streamgate.root", ".."))
        .resolve("deploy/local/pipeline.yaml");
    Path pipeline = tmp.resolve("pipeline.yaml");
    // Small batches: the stream takes many of them, so the kill lands in the middle of it.
    Files.writeString(pipeline, DemoPipeline.microBatch(Files.readString(demo)).replace("topic: orders", "topic: " + topic)
        .replace("options: { startingOffsets: earliest }",
            "options: { startingOffsets: earliest, maxOffsetsPerTrigger: 200 }"));
    return pipeline;
  }

  /** Sends {@code orders} in chunks, one chunk every 100 ms, on another thread. */
  private static CompletableFuture<Void> produceSlowly(KafkaProducer<String, String> producer,
      String topic, List<Order> orders, int chunk) {
    return CompletableFuture.runAsync(() -> {
      for (int i = 0; i < orders.size(); i++) {
        Order o = orders.get(i);
        producer.send(new ProducerRecord<>(topic, o.orderId(), o.json()));
        if (i % chunk == chunk - 1) {
          producer.flush();
          pause(100);
        }
      }
      producer.flush();
    });
  }

  private static void awaitViews(OrderEvents events, ManagedProcess processor) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    for (String problem = DemoViews.mismatch(redis, KEYS, events); problem != null;
        problem = DemoViews.mismatch(redis, KEYS, events)) {
      if (System.nanoTime() > deadline || !processor.isAlive()) {
        throw new AssertionError("Redis did not settle (" + problem + "); processor log:\n"
            + processor.tail(40));
      }
      pause(100);
    }
  }

  /** Prints a few batch lines, to show where the kill landed and what the restart replayed. */
  private static void report(String what, ManagedProcess p, int lines, boolean last)
      throws java.io.IOException {
    List<String> batches = Files.readAllLines(p.logFile()).stream()
        .filter(l -> l.contains(" batch ") && l.contains("user_totals")).toList();
    List<String> shown = last
        ? batches.subList(Math.max(0, batches.size() - lines), batches.size())
        : batches.subList(0, Math.min(lines, batches.size()));
    System.out.println(what + ":\n  " + String.join("\n  ", shown));
  }

  private static long rows(String view) {
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      return jedis.zcard(KEYS.keysIndex(view));
    }
  }

  private static boolean logContains(ManagedProcess p, String text) {
    try {
      if (!p.isAlive()) {
        throw new AssertionError(p.name() + " exited:\n" + p.tail(40));
      }
      return Files.readString(p.logFile()).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + SETTLE.toSeconds() + " s: " + what);
      }
      pause(20);
    }
  }

  private static void createTopic(String topic) throws Exception {
    TestKafka.createTopic(kafka, topic, 2);
  }

  private static KafkaProducer<String, String> producer() {
    return TestKafka.producer(kafka, Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // polling interval
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
