package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * The processor's benchmark, not a timed test: skipped unless {@code -Dstreamgate.bench=true}.
 * Prints (1) events/s into Redis for an aggregate view over 100,000 keys, from a
 * backlog of {@code streamgate.bench.events} events (default 1,000,000); (2) produce → change
 * message latency p50/p99 of that aggregate view (micro-batch); (3) both for the same aggregate in
 * real-time mode; (4) the real-time aggregate under a steady rate, its lag second by second;
 * (5) the latency of a latest view in real-time mode. Each part checks Redis afterwards, so a
 * fast but wrong run fails.
 *
 * <pre>
 * mvn -B -o -pl stream-processor verify -Dit.test=ProcessorBenchIT -Dtest=NONE \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dstreamgate.bench=true [-Dstreamgate.bench.events=N]
 *   [-Dstreamgate.bench.rate=50000 -Dstreamgate.bench.seconds=60]
 * </pre>
 */
class ProcessorBenchIT {
  private static final Keyspace KEYS = new Keyspace("bench");
  private static final int USERS = 100_000;
  private static final String SCHEMA =
      "userId STRING NOT NULL, amount DOUBLE NOT NULL, ts TIMESTAMP NOT NULL";
  /** A row value's count {@code n}: {@link #count}. */
  private static final java.util.regex.Pattern COUNT =
      java.util.regex.Pattern.compile("\\{\"n\":(\\d+),");

  private static KafkaBroker kafka;
  private static RedisServer redis;

  @TempDir static Path tmp;

  @BeforeAll
  static void services() {
    Assumptions.assumeTrue(Boolean.getBoolean("streamgate.bench"),
        "benchmark: run with -Dstreamgate.bench=true");
    kafka = KafkaBroker.shared();
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void emptyRedis() {
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      jedis.flushAll(); // the tests share view names, each with checkpoints of its own
    }
  }

  @Test
  void aggregateThroughputAndLatency() throws Exception {
    int events = Integer.getInteger("streamgate.bench.events", 1_000_000);
    String topic = "bench_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic, 2);
    long produceStart = System.nanoTime();
    try (KafkaProducer<String, String> producer = producer(true)) {
      for (int i = 0; i < events; i++) {
        String user = "u" + (i % USERS);
        producer.send(new ProducerRecord<>(topic, user, event(user, 1.0)));
      }
    }
    System.out.printf("bench: produced %,d events in %.1f s%n", events,
        (System.nanoTime() - produceStart) / 1e9);

    Path pipeline = aggregatePipeline("aggregate.yaml", topic, "");
    try (PipelineRunner runner = PipelineRunner.start(settings(pipeline, "local[2]"))) {
      StreamingQuery q = runner.queries().get("user_totals");
      long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      while (read(q) < events && System.nanoTime() < deadline) {
        Thread.sleep(200); // polling interval
      }
      List<StreamingQueryProgress> batches = new ArrayList<>();
      for (StreamingQueryProgress p : q.recentProgress()) {
        if (p.numInputRows() > 0) {
          batches.add(p);
        }
      }
      StreamingQueryProgress first = batches.get(0);
      StreamingQueryProgress last = batches.get(batches.size() - 1);
      double seconds = (Instant.parse(last.timestamp()).toEpochMilli() + last.batchDuration()
          - Instant.parse(first.timestamp()).toEpochMilli()) / 1000.0;
      System.out.printf("bench: aggregate over %,d keys: %,d events in %d batches, %.1f s:"
          + " %,.0f events/s into Redis (target >= 50,000)%n", USERS, read(q), batches.size(),
          seconds, read(q) / seconds);
      for (StreamingQueryProgress p : batches.subList(0, Math.min(3, batches.size()))) {
        System.out.printf("bench:   batch %d: %,d rows, durations %s%n", p.batchId(),
            p.numInputRows(), p.durationMs());
      }
      try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
        assertEquals(USERS, jedis.zcard(KEYS.keysIndex("user_totals")));
        String value = jedis.hget(KEYS.row("user_totals", "u7"), "value");
        assertEquals("{\"n\":" + events / USERS + ",\"total\":" + (double) (events / USERS) + "}",
            value);
      }
      latency("aggregate view, micro-batch", topic, "user_totals", 200, 20);
    }
  }

  /**
   * The same backlog into the same aggregate in real-time mode (folded in Redis, {@link
   * io.streamgate.processor.view.RealTimeAggregates}), timed from the processor's start until the
   * last event of every partition is folded in (a partition is read in order, so all of it is).
   */
  @Test
  void realTimeAggregateThroughputAndLatency() throws Exception {
    int events = Integer.getInteger("streamgate.bench.events", 1_000_000);
    String topic = "benchrta_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic, 2);
    Map<Integer, String> lastKeyOfPartition = new ConcurrentHashMap<>();
    // Per partition, an event about halfway (user and that user's count once it is folded in).
    Map<Integer, Map.Entry<String, Long>> halfwayOfPartition = new ConcurrentHashMap<>();
    try (KafkaProducer<String, String> producer = producer(true)) {
      for (int i = 0; i < events; i++) {
        String user = "u" + (i % USERS);
        boolean halfway = i >= events / 2 && i < events / 2 + 1000;
        long countOnceFolded = i / USERS + 1;
        producer.send(new ProducerRecord<>(topic, user, event(user, 1.0)), (meta, error) -> {
          if (error == null) {
            lastKeyOfPartition.merge(meta.partition(), meta.offset() + "/" + user,
                (a, b) -> Long.parseLong(a.split("/")[0]) > Long.parseLong(b.split("/")[0])
                    ? a : b);
            if (halfway) {
              halfwayOfPartition.putIfAbsent(meta.partition(), Map.entry(user, countOnceFolded));
            }
          }
        });
      }
    }
    Path pipeline = aggregatePipeline("aggregate-realtime.yaml", topic,
        "trigger: realtime 30 seconds");
    String done = "{\"n\":" + events / USERS + ",";
    try (PipelineRunner runner = PipelineRunner.start(settings(pipeline, "local[3]"));
        Jedis jedis = new Jedis(redis.host(), redis.port())) {
      long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      // From the first row, as the micro-batch run counts from its first batch.
      while (jedis.zcard(KEYS.keysIndex("user_totals")) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5); // polling interval
      }
      long start = System.nanoTime();
      for (Map.Entry<String, Long> halfway : halfwayOfPartition.values()) {
        String key = KEYS.row("user_totals", halfway.getKey());
        while (count(jedis.hget(key, "value")) < halfway.getValue()
            && System.nanoTime() < deadline) {
          Thread.sleep(20); // polling interval
        }
      }
      long half = System.nanoTime();
      for (String last : lastKeyOfPartition.values()) {
        String key = KEYS.row("user_totals", last.split("/")[1]);
        while (!String.valueOf(jedis.hget(key, "value")).startsWith(done)
            && System.nanoTime() < deadline) {
          Thread.sleep(50); // polling interval
        }
      }
      long end = System.nanoTime();
      double seconds = (end - start) / 1e9;
      double secondHalf = (end - half) / 1e9;
      System.out.printf("bench: aggregate over %,d keys, real-time mode: %,d events in %.1f s"
          + " from its first row: %,.0f events/s into Redis, %,.0f events/s over the second half"
          + " (target >= 50,000)%n", USERS, events, seconds, events / seconds,
          (events - events / 2) / secondHalf);
      assertEquals(USERS, jedis.zcard(KEYS.keysIndex("user_totals")));
      assertEquals("{\"n\":" + events / USERS + ",\"total\":" + (double) (events / USERS) + "}",
          jedis.hget(KEYS.row("user_totals", "u7"), "value"));
      printDeadLetterBatches(runner);
      latency("aggregate view, real-time mode", topic, "user_totals", 200, 20);
    }
  }

  /**
   * The same aggregate in real-time mode under a steady stream instead of a backlog: events sent
   * at {@code streamgate.bench.rate}/s (default 50,000) for {@code streamgate.bench.seconds}
   * (default 60), the dead-letter query reading them too. Each second one event is a probe: how
   * long after it was sent it is folded in (its user's count reaches it). A processor that keeps
   * up holds that lag flat; one that does not, sees it grow with the backlog. The producer runs in
   * this JVM, on the same two cores.
   */
  @Test
  void realTimeAggregateUnderASteadyRate() throws Exception {
    int rate = Integer.getInteger("streamgate.bench.rate", 50_000);
    int seconds = Integer.getInteger("streamgate.bench.seconds", 60);
    String topic = "benchrts_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic, 2);
    Path pipeline = aggregatePipeline("aggregate-steady.yaml", topic,
        "trigger: realtime 30 seconds");
    // {user, its count once the probe is folded in, sent nanos, folded nanos}
    java.util.concurrent.BlockingQueue<long[]> pending =
        new java.util.concurrent.LinkedBlockingQueue<>();
    List<long[]> probes = new ArrayList<>();
    try (PipelineRunner runner = PipelineRunner.start(settings(pipeline, "local[3]"));
        KafkaProducer<String, String> producer = producer(true)) {
      long total = (long) rate * seconds;
      Thread checker = new Thread(() -> {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
          for (long[] probe = pending.take(); probe[0] >= 0; probe = pending.take()) {
            String key = KEYS.row("user_totals", "u" + probe[0]);
            while (count(jedis.hget(key, "value")) < probe[1]) {
              Thread.sleep(2); // polling interval
            }
            probe[3] = System.nanoTime();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "bench-probes");
      checker.start();
      long start = System.nanoTime();
      long nextProbe = start;
      for (long i = 0; i < total; i++) {
        long due = start + i * 1_000_000_000L / rate;
        while (System.nanoTime() < due) {
          Thread.onSpinWait(); // pacing: an open-loop rate
        }
        String user = "u" + (i % USERS);
        producer.send(new ProducerRecord<>(topic, user, event(user, 1.0)));
        if (System.nanoTime() >= nextProbe) {
          producer.flush(); // the probe's clock starts when it is in Kafka
          long[] probe = {i % USERS, i / USERS + 1, System.nanoTime(), 0};
          probes.add(probe);
          pending.add(probe);
          nextProbe += 1_000_000_000L;
        }
      }
      producer.flush();
      double sendSeconds = (System.nanoTime() - start) / 1e9;
      pending.add(new long[] {-1});
      checker.join(Duration.ofMinutes(5).toMillis());
      List<Long> lags = new ArrayList<>();
      for (long[] probe : probes) {
        lags.add((probe[3] - probe[2]) / 1_000_000);
      }
      System.out.printf("bench: aggregate over %,d keys, real-time mode, steady %,d events/s"
          + " for %d s (sent at %,.0f/s): lag per second's probe (ms) %s%n", USERS, rate, seconds,
          total / sendSeconds, lags);
      List<Long> sorted = lags.stream().sorted().toList();
      System.out.printf("bench:   lag p50 %d ms, max %d ms, last %d ms%n",
          sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), lags.get(lags.size() - 1));
      printDeadLetterBatches(runner);
      try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
        assertEquals(USERS, jedis.zcard(KEYS.keysIndex("user_totals")));
        long n = total / USERS + (7 < total % USERS ? 1 : 0); // user u7's events
        String key = KEYS.row("user_totals", "u7");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (count(jedis.hget(key, "value")) < n && System.nanoTime() < deadline) {
          Thread.sleep(50); // polling interval
        }
        assertEquals("{\"n\":" + n + ",\"total\":" + (double) n + "}", jedis.hget(key, "value"));
      }
    }
  }

  @Test
  void realTimeLatency() throws Exception {
    String topic = "benchrt_" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic, 1);
    Path pipeline = pipeline("realtime.yaml", topic, """
        last_amount:
          key: userId
          sql: SELECT userId, amount, ts FROM events
          kind: latest
          trigger: realtime 30 seconds
        """);
    try (PipelineRunner runner = PipelineRunner.start(settings(pipeline, "local[2]"))) {
      latency("latest view, real-time mode", topic, "last_amount", 1000, 10);
    }
  }

  /** Sends {@code n} single events, {@code gapMillis} apart, each with a new key; times each. */
  private static void latency(String what, String topic, String view, int n, long gapMillis)
      throws Exception {
    Map<String, Long> seen = new ConcurrentHashMap<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub sub = new JedisPubSub() {
      @Override
      public void onSubscribe(String channel, int count) {
        subscribed.countDown();
      }

      @Override
      public void onMessage(String channel, String message) {
        if (message.contains("\"key\":\"probe")) {
          seen.putIfAbsent(Row.fromJson(message).key(), System.nanoTime());
        }
      }
    };
    Thread listener = new Thread(() -> {
      try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
        jedis.subscribe(sub, KEYS.changeChannel(view));
      }
    }, "bench-changes");
    listener.setDaemon(true);
    listener.start();
    subscribed.await(10, TimeUnit.SECONDS);
    Map<String, Long> sent = new ConcurrentHashMap<>();
    try (KafkaProducer<String, String> producer = producer(false)) {
      // Warm-up: the first events after start pay for class loading and connections.
      for (int i = 0; i < n + 50; i++) {
        String key = "probe" + i;
        long t = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, key, event(key, 2.0))).get();
        if (i >= 50) {
          sent.put(key, t);
        }
        Thread.sleep(gapMillis); // spacing between probes
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!seen.keySet().containsAll(sent.keySet()) && System.nanoTime() < deadline) {
      Thread.sleep(50); // polling interval
    }
    sub.unsubscribe();
    List<Long> micros = new ArrayList<>();
    sent.forEach((key, t) -> {
      Long arrived = seen.get(key);
      if (arrived != null) {
        micros.add((arrived - t) / 1000);
      }
    });
    assertEquals(sent.size(), micros.size(), "every probe reached Redis");
    List<Long> sorted = micros.stream().sorted().toList();
    System.out.printf("bench: %s, produce → change message over %d events: p50 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms%n", what, sorted.size(),
        sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() * 99 / 100) / 1000.0,
        sorted.get(sorted.size() - 1) / 1000.0);
  }

  /** The benchmark's aggregate over {@code topic}, with {@code extra} lines in its view. */
  private static Path aggregatePipeline(String file, String topic, String extra)
      throws java.io.IOException {
    return pipeline(file, topic, """
        user_totals:
          key: userId
          sql: SELECT userId, count(*) AS n, sum(amount) AS total FROM events GROUP BY userId
          kind: aggregate
        """ + extra.indent(2));
  }

  /** A pipeline file of the source {@code events} over {@code topic} and {@code views}. */
  private static Path pipeline(String file, String topic, String views)
      throws java.io.IOException {
    Path pipeline = tmp.resolve(file);
    Files.writeString(pipeline, """
        sources:
          events:
            topic: %s
            schema: "%s"
            key: userId
            options: { startingOffsets: earliest }
        views:
        """.formatted(topic, SCHEMA) + views.indent(2));
    return pipeline;
  }

  /** The source's dead-letter query reads every event too, beside the view: its share. */
  private static void printDeadLetterBatches(PipelineRunner runner) {
    for (StreamingQuery q : runner.deadLetterQueries().values()) {
      for (StreamingQueryProgress p : q.recentProgress()) {
        if (p.numInputRows() > 0) {
          System.out.printf("bench:   dead-letter batch %d at %s: %,d events in %,d ms%n",
              p.batchId(), p.timestamp(), p.numInputRows(), p.batchDuration());
        }
      }
    }
  }

  /** The count {@code n} in a row value of the benchmark's aggregate, 0 for none. */
  private static long count(String value) {
    java.util.regex.Matcher m = COUNT.matcher(String.valueOf(value));
    return m.lookingAt() ? Long.parseLong(m.group(1)) : 0;
  }

  private static long read(StreamingQuery q) {
    long n = 0;
    for (StreamingQueryProgress p : q.recentProgress()) {
      n += p.numInputRows();
    }
    return n;
  }

  private static String event(String user, double amount) {
    return "{\"userId\":\"" + user + "\",\"amount\":" + amount + ",\"ts\":\"" + Instant.now()
        + "\"}";
  }

  private static ProcessorSettings settings(Path pipeline, String master) {
    return new ProcessorSettings(pipeline, kafka.bootstrapServers(), redis.uri(), KEYS.prefix(),
        tmp.resolve("checkpoints-" + pipeline.getFileName()).toString(), master, Map.of());
  }

  private static void createTopic(String topic, int partitions) throws Exception {
    TestKafka.createTopic(kafka, topic, partitions);
  }

  private static KafkaProducer<String, String> producer(boolean bulk) {
    return TestKafka.producer(kafka, Map.of(
        ProducerConfig.LINGER_MS_CONFIG, bulk ? "20" : "0",
        ProducerConfig.BATCH_SIZE_CONFIG, bulk ? "262144" : "16384",
        ProducerConfig.COMPRESSION_TYPE_CONFIG, bulk ? "lz4" : "none"));
  }
}
