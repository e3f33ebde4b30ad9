package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Names;
import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.contract.control.ControlRequest.Op;
import io.streamgate.contract.control.Freshness;
import io.streamgate.contract.control.ViewStatus;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.RedisServer;
import io.streamgate.processor.runner.OrderEvents.Order;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * Views published, altered and dropped while the processor runs, through the control stream the
 * admin API writes to, against a real broker and Redis on {@code local[2]}: a new view is
 * served; an altered view backfills as v2 beside v1 and takes over with exact totals; a bad
 * definition is refused whole; a view whose query fails is marked failed while the others run
 * on (and is started again with backoff); a dropped view and a replaced version are deleted
 * after the grace period; a restart resumes the published state.
 */
class ViewLifecycleIT {
  private static final String NS = "vl";
  private static final Keyspace KEYS = new Keyspace(NS);
  private static final Duration SETTLE = Duration.ofSeconds(90);
  private static final Duration GRACE = Duration.ofSeconds(4);

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
  void viewsArePublishedAlteredAndDroppedWhileTheOthersRunOn() throws Exception {
    String topic = "vl_" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.createTopic(kafka, topic, 2);
    Path pipeline = tmp.resolve("pipeline.yaml");
    Files.writeString(pipeline, """
        sources:
          orders:
            topic: TOPIC
            schema: "orderId STRING NOT NULL, userId STRING NOT NULL, productId STRING NOT NULL, amount DOUBLE NOT NULL, status STRING, ts TIMESTAMP NOT NULL"
            eventTime: ts
            watermark: 30 seconds
            key: orderId
            options: { startingOffsets: earliest }
        views:
          user_totals:
            key: userId
            sql: SELECT userId, count(*) AS orders, round(sum(amount), 2) AS total FROM orders WHERE status = 'created' GROUP BY userId
            kind: aggregate
          order_status:
            key: orderId
            sql: SELECT orderId, status, amount, ts FROM orders
            kind: latest
        """.replace("TOPIC", topic));
    ProcessorSettings settings = new ProcessorSettings(pipeline, kafka.bootstrapServers(),
        redis.uri(), NS, tmp.resolve("checkpoints").toString(), "local[2]", Map.of(), -1)
        .withRetireGrace(GRACE);
    OrderEvents events = new OrderEvents();

    try (KafkaProducer<String, String> producer = TestKafka.producer(kafka, Map.of());
        Jedis jedis = new Jedis(redis.host(), redis.port())) {
      try (PipelineRunner runner = PipelineRunner.start(settings)) {
        List<Order> first = events.wave("a", 120, 60, 30);
        produce(producer, topic, first);
        await(() -> totalsMismatch(jedis, "user_totals", events, false));
        assertFreshWhileIdle(jedis, "order_status",
            first.stream().map(Order::ts).max(Instant::compareTo).orElseThrow());

        // A new view: served from its first batch, without touching the others.
        ControlReply created = control(jedis, Op.APPLY, Map.of("pipeline", Map.of("views",
            Map.of("product_revenue", Map.of("key", "productId", "kind", "aggregate",
                "rank", "revenue", "sql", "SELECT productId, round(sum(amount), 2) AS revenue"
                    + " FROM orders WHERE status = 'created' GROUP BY productId")))));
        assertTrue(created.ok(), String.valueOf(created.error()));
        assertEquals("product_revenue: created → v1 backfilling",
            created.results().get(0).line());
        await(() -> jedis.zcard(KEYS.rankIndex("product_revenue"))
            == events.productRevenue().size() ? null : "product_revenue rank set incomplete");

        // Preview: rows of a definition over the sources' last events, publishing nothing.
        ControlReply preview = control(jedis, Op.PREVIEW, Map.of("sql", "SELECT userId,"
            + " count(*) AS n FROM orders WHERE status = 'created' GROUP BY userId",
            "key", "userId", "limit", 5));
        assertTrue(preview.ok(), String.valueOf(preview.error()));
        assertEquals(List.of(Map.of("name", "n", "type", "bigint")),
            preview.preview().get("columns"));
        assertEquals(5, ((List<?>) preview.preview().get("rows")).size(), preview.toJson());
        assertNull(jedis.hget(KEYS.viewDefinitions(), "preview"), "preview publishes nothing");

        // A definition that does not plan is refused whole: nothing of the request applies.
        ControlReply refused = control(jedis, Op.APPLY, Map.of("pipeline", Map.of("views", Map.of(
            "fine", Map.of("key", "orderId", "kind", "latest", "sql",
                "SELECT orderId, status FROM orders"),
            "broken", Map.of("key", "orderId", "kind", "latest", "sql",
                "SELECT orderId, nosuchcolumn FROM orders")))));
        assertFalse(refused.ok());
        assertTrue(refused.error().contains("view 'broken'"), refused.error());
        assertNull(jedis.hget(KEYS.viewDefinitions(), "fine"), "nothing of a refused request");

        // Alter: v2 with a new column backfills beside v1, then serves the name.
        ControlReply altered = control(jedis, Op.APPLY, Map.of("pipeline", Map.of("views",
            Map.of("user_totals", Map.of("key", "userId", "kind", "aggregate", "sql",
                "SELECT userId, count(*) AS orders, round(sum(amount), 2) AS total,"
                    + " round(max(amount), 2) AS biggest FROM orders WHERE status = 'created'"
                    + " GROUP BY userId")))));
        assertTrue(altered.ok(), String.valueOf(altered.error()));
        assertEquals("user_totals: altered → v2 backfilling", altered.results().get(0).line());
        List<Order> during = events.wave("b", 40, 10, 0);
        produce(producer, topic, during);
        await(() -> catalog(jedis, "user_totals").version() == 2 ? null : "not switched yet");
        assertEquals(List.of(1L), catalog(jedis, "user_totals").otherVersions());
        await(() -> totalsMismatch(jedis, Names.table("user_totals", 2), events, true));
        // order_status kept up meanwhile: the last status of every order is there.
        await(() -> statusMismatch(jedis, events));

        // A view whose query fails at runtime is marked failed; the others run on.
        ControlReply boom = control(jedis, Op.APPLY, Map.of("pipeline", Map.of("views",
            Map.of("boom", Map.of("key", "orderId", "kind", "latest",
                "sql", "SELECT orderId, CAST(status AS INT) AS n FROM orders")))));
        assertTrue(boom.ok(), String.valueOf(boom.error()));
        await(() -> status(jedis, "boom").versions().get(0).describe().startsWith("failed")
            ? null : "boom not failed yet: " + status(jedis, "boom"));
        produce(producer, topic, events.wave("c", 5, 0, 0));
        await(() -> statusMismatch(jedis, events));

        // Drop: after the grace period the view is gone; v1 of user_totals is gone too.
        ControlReply dropped = control(jedis, Op.DROP, Map.of("view", "product_revenue"));
        assertTrue(dropped.ok(), String.valueOf(dropped.error()));
        await(() -> jedis.hget(KEYS.catalog(), "product_revenue") == null
            && jedis.keys(KEYS.rowPrefix("product_revenue") + "*").isEmpty()
            && !jedis.exists(KEYS.rankIndex("product_revenue")) ? null : "product_revenue left");
        await(() -> jedis.keys(KEYS.rowPrefix("user_totals") + "*").isEmpty()
            && catalog(jedis, "user_totals").otherVersions().isEmpty() ? null : "v1 not retired");
        assertFalse(Files.exists(tmp.resolve("checkpoints").resolve("user_totals")),
            "v1's checkpoint deleted");
        assertTrue(runner.queries().containsKey("user_totals.v2"), runner.queries().keySet().toString());
        assertFalse(runner.queries().containsKey("user_totals"));
      }

      // A restart resumes what was published: v2 serves; the file's unchanged v1 spec does not
      // undo the runtime change; the dropped view stays dropped; the failed one stays failed.
      try (PipelineRunner runner = PipelineRunner.start(settings)) {
        // boom is started again too (a failed version is retried, here and after restarts).
        assertTrue(runner.queries().keySet().containsAll(List.of("order_status",
            "user_totals.v2")), runner.queries().keySet().toString());
        assertFalse(runner.queries().containsKey("user_totals"));
        assertFalse(runner.queries().containsKey("product_revenue"));
        produce(producer, topic, events.wave("d", 20, 5, 0));
        await(() -> totalsMismatch(jedis, Names.table("user_totals", 2), events, true));
        assertEquals(2, catalog(jedis, "user_totals").version());
        assertNull(jedis.hget(KEYS.viewDefinitions(), "product_revenue"));
      }
    }
  }

  private static ControlReply control(Jedis jedis, Op op, Map<String, Object> body) {
    String id = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    jedis.xadd(KEYS.control(), StreamEntryID.NEW_ENTRY, Map.of(ControlRequest.STREAM_FIELD,
        new ControlRequest(id, op, "test", "127.0.0.1", now, now + 120_000, body).toJson()));
    String[] reply = {null};
    await(() -> (reply[0] = jedis.get(KEYS.controlReply(id))) != null ? null : "no reply");
    return ControlReply.fromJson(reply[0]);
  }

  private static CatalogEntry catalog(Jedis jedis, String view) {
    return CatalogEntry.fromJson(jedis.hget(KEYS.catalog(), view));
  }

  /**
   * Once a view has processed every event, its status says so (caught up at its last report,
   * lag 0) though no event arrives, its watermark is the greatest event time produced, and the
   * processor keeps renewing the report every second.
   */
  private static void assertFreshWhileIdle(Jedis jedis, String view, Instant newest) {
    await(() -> {
      ViewStatus s = status(jedis, view);
      VersionStatus v = s.version(1);
      if (v == null || v.lagRecords() != 0 || v.caughtUpAtMs() != s.updatedAt()
          || v.watermarkMs() != newest.toEpochMilli()) {
        return "not caught up at " + newest + " yet: " + s.toJson();
      }
      return Freshness.of(s, 1, 0, s.updatedAt()).lagMs() == 0 ? null : "lag: " + s.toJson();
    });
    long reported = status(jedis, view).updatedAt();
    await(() -> status(jedis, view).updatedAt() > reported ? null : "status not renewed");
    ViewStatus renewed = status(jedis, view);
    assertEquals(renewed.updatedAt(), renewed.version(1).caughtUpAtMs(), renewed.toJson());
  }

  private static ViewStatus status(Jedis jedis, String view) {
    String json = jedis.hget(KEYS.viewStatus(), view);
    return json == null ? new ViewStatus(view, 0, List.of(), 0) : ViewStatus.fromJson(json);
  }

  /** The first difference between a user_totals table and the produced events, or null. */
  private static String totalsMismatch(Jedis jedis, String table, OrderEvents events,
      boolean biggest) {
    Map<String, Double> max = new TreeMap<>();
    events.createdOrders().forEach(o -> max.merge(o.userId(), o.amount(), Math::max));
    for (Map.Entry<String, OrderEvents.Totals> e : events.userTotals().entrySet()) {
      Map<String, Object> value = DemoViews.value(jedis, KEYS, table, e.getKey());
      if (value == null || !value.get("orders").equals(e.getValue().orders())
          || Math.abs(((Number) value.get("total")).doubleValue() - e.getValue().total()) > 1e-6
          || biggest && (value.get("biggest") == null || Math.abs(
              ((Number) value.get("biggest")).doubleValue() - max.get(e.getKey())) > 1e-6)) {
        return table + " " + e.getKey() + " = " + value + ", expected " + e.getValue();
      }
    }
    return null;
  }

  private static String statusMismatch(Jedis jedis, OrderEvents events) {
    for (Map.Entry<String, String> e : events.lastStatus().entrySet()) {
      Map<String, Object> value = DemoViews.value(jedis, KEYS, "order_status", e.getKey());
      if (value == null || !e.getValue().equals(value.get("status"))) {
        return "order_status " + e.getKey() + " = " + value + ", expected " + e.getValue();
      }
    }
    return null;
  }

  private static void produce(KafkaProducer<String, String> producer, String topic,
      List<Order> orders) throws Exception {
    for (Order o : orders) {
      producer.send(new ProducerRecord<>(topic, o.orderId(), o.json()));
    }
    producer.flush();
  }

  /** Polls until {@code mismatch} says nothing is wrong (null). */
  private static void await(Supplier<String> mismatch) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    String last = mismatch.get();
    while (last != null) {
      assertTrue(System.nanoTime() < deadline, "within " + SETTLE.toSeconds() + " s: " + last);
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      last = mismatch.get();
    }
  }
}
