package io.streamgate.processor.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.processor.SparkTestSession;
import io.streamgate.processor.deadletter.ChangeDeadLetterReason;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.SourceSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Debezium change events through the pure part: parse → view SQL (rewritten for aggregates) →
 * serving rows → memory sink; the store's version rule is applied to the sink's rows here.
 */
class ChangelogViewsTest {
  private static final AtomicInteger RUN = new AtomicInteger();
  private static final String PIPELINE = """
      sources:
        customers:
          topic: streamgate.public.customers
          format: debezium
          key: customerId
          schema: "customerId STRING NOT NULL, name STRING, tier STRING, city STRING"
      views:
        customers:
          sql: SELECT * FROM customers
          key: customerId
          kind: latest
        gold_customers:
          sql: SELECT customerId, name FROM customers WHERE tier = 'gold'
          key: customerId
          kind: latest
        customers_by_city:
          sql: SELECT city, count(*) AS customers, count(tier) AS tiered FROM customers GROUP BY city
          key: city
          kind: aggregate
        per_city_short_memory:
          sql: SELECT city, count(*) AS customers FROM customers GROUP BY city
          key: city
          kind: aggregate
          tombstoneRetention: 1 second
      """;

  private final SparkSession spark = SparkTestSession.get();
  private final List<StreamingQuery> queries = new ArrayList<>();
  private final Pipeline pipeline = PipelineParser.parse("test.yaml", PIPELINE);
  private final SourceSpec source = pipeline.sources().get("customers");
  private final MemorySource events = new MemorySource(spark);
  private final Map<String, ViewPlan> plans = plan(pipeline);

  @AfterEach
  void stopQueries() throws TimeoutException {
    for (StreamingQuery q : queries) {
      q.stop();
    }
  }

  @Test
  void latestViewUpsertsAndDeletesByLsnNotArrival() {
    Store customers = start("customers");
    events.add(change("c", 100, null, row("c-1", "Ada", "gold", "Lyon")),
        change("c", 110, null, row("c-2", "Bob", "silver", "Oslo")),
        change("u", 120, row("c-1", "Ada", "gold", "Lyon"), row("c-1", "Ada", "gold", "Paris")),
        change("d", 130, row("c-2", "Bob", "silver", "Oslo"), null));
    customers.sync();
    assertEquals(Map.of("c-1", "241 {\"name\":\"Ada\",\"tier\":\"gold\",\"city\":\"Paris\","
        + "\"_op\":\"u\",\"_lsn\":120,\"_source_ts\":\"2025-11-25T10:00:00.120Z\"}",
        "c-2", "260 deleted"), customers.rows);

    // A replay of an older change, and two updates arriving out of LSN order, in one batch.
    events.add(change("c", 110, null, row("c-2", "Bob", "silver", "Oslo")),
        change("u", 150, row("c-1", "Ada", "gold", "Rome"), row("c-1", "Ada", "gold", "Berlin")),
        change("u", 140, row("c-1", "Ada", "gold", "Paris"), row("c-1", "Ada", "gold", "Rome")));
    customers.sync();
    assertEquals("260 deleted", customers.rows.get("c-2"), "the delete's tombstone wins");
    assertTrue(customers.rows.get("c-1").startsWith("301 ") && customers.rows.get("c-1")
        .contains("Berlin"), customers.rows.get("c-1"));
  }

  @Test
  void aRowThatLeavesALatestViewsFilterIsDeleted() {
    Store gold = start("gold_customers");
    events.add(change("c", 100, null, row("c-1", "Ada", "gold", "Lyon")));
    gold.sync();
    assertEquals(Map.of("c-1", "201 {\"name\":\"Ada\"}"), gold.rows);
    events.add(change("u", 120, row("c-1", "Ada", "gold", "Lyon"), row("c-1", "Ada", "bronze",
        "Lyon")));
    gold.sync();
    assertEquals(Map.of("c-1", "240 deleted"), gold.rows);
  }

  @Test
  void bothEnvelopeFormsParseAndKafkaTombstonesAreSkipped() {
    Store customers = start("customers");
    events.add("{\"schema\":{\"type\":\"struct\"},\"payload\":"
        + change("c", 100, null, row("c-1", "Ada", "gold", "Lyon")) + "}", null,
        change("c", 101, null, row("c-2", "Bob", "gold", "Oslo")));
    customers.sync();
    assertEquals(List.of("c-1", "c-2"), List.copyOf(customers.rows.keySet()));
  }

  @Test
  void countsStayExactUnderUpdatesDeletesAndReplays() {
    Store byCity = start("customers_by_city");
    String ada = row("c-1", "Ada", "gold", "Lyon");
    String bob = row("c-2", "Bob", null, "Lyon");
    events.add(change("r", 100, null, ada), change("c", 110, null, bob));
    byCity.sync();
    assertEquals(Map.of("Lyon", "1 {\"customers\":2,\"tiered\":1}"), byCity.rows);

    String adaInParis = row("c-1", "Ada", "gold", "Paris");
    events.add(change("u", 120, ada, adaInParis), change("d", 130, bob, null));
    byCity.sync();
    assertEquals(Map.of("Lyon", "2 deleted", "Paris", "2 {\"customers\":1,\"tiered\":1}"),
        byCity.rows, "an empty group is deleted, not left at 0");

    // The connector repeats changes after a crash, also within one batch: each counts once.
    String cy = change("c", 140, null, row("c-3", "Cy", "gold", "Paris"));
    events.add(change("u", 120, ada, adaInParis), change("d", 130, bob, null), cy, cy);
    byCity.sync();
    assertEquals("3 {\"customers\":2,\"tiered\":2}", byCity.rows.get("Paris"));
    assertEquals("2 deleted", byCity.rows.get("Lyon"));
  }

  @Test
  void aPreviewShowsWhatTheQueryWouldWriteForTheLastChanges() {
    String ada = row("c-1", "Ada", "gold", "Lyon");
    String bob = row("c-2", "Bob", null, "Lyon");
    List<String> changes = List.of(change("r", 100, null, ada), change("c", 110, null, bob),
        change("u", 120, ada, row("c-1", "Ada", "gold", "Paris")), change("d", 130, bob, null));
    Map<String, Dataset<Row>> batch = Map.of("customers", SourceParser.parse(source,
        spark.createDataset(changes, Encoders.STRING()).toDF("value")));
    Map<String, String> byCity = new TreeMap<>();
    for (Row r : ViewPlanner.batchServing(spark, pipeline.sources(),
        pipeline.views().get("customers_by_city"), batch).collectAsList()) {
      byCity.put(r.getString(0), r.getString(1));
    }
    assertEquals(Map.of("Paris", "{\"customers\":1,\"tiered\":1}"), byCity, "Lyon is empty: left out");
    List<String> customers = ViewPlanner.batchServing(spark, pipeline.sources(),
        pipeline.views().get("customers"), batch).select("key").as(Encoders.STRING()).collectAsList();
    assertEquals(List.of("c-1"), customers, "c-2 was deleted");
  }

  @Test
  void aggregatesThatCannotBeRetractedAreRefused() {
    String text = PIPELINE.substring(0, PIPELINE.indexOf("views:")) + """
        views:
          oldest:
            sql: SELECT city, min(name) AS first FROM customers GROUP BY city
            key: city
            kind: aggregate
        """;
    PipelineException e = assertThrows(PipelineException.class,
        () -> plan(PipelineParser.parse("test.yaml", text)));
    assertTrue(e.getMessage().contains("min(…) cannot be kept exact over a changelog"),
        e.getMessage());
  }

  @Test
  void deadLettersAreNamedInTheWordsOfTheChange() {
    List<String> records = Arrays.asList(null, "not json", "{\"op\":\"t\",\"source\":{\"lsn\":5}}",
        "{\"op\":\"c\",\"source\":{},\"after\":" + row("c-1", "A", "g", "L") + "}",
        "{\"op\":\"c\",\"source\":{\"lsn\":5},\"after\":{\"name\":\"A\"}}",
        change("c", 7, null, row("c-1", "A", "g", "L")));
    Dataset<Row> raw = spark.createDataset(records, Encoders.STRING()).toDF("value");
    List<String> refused = SourceParser.withEvent(source, raw)
        .where(SourceParser.deadLetter(source)).select("value").as(Encoders.STRING())
        .collectAsList();
    assertEquals(records.subList(1, 5), refused, "the Kafka tombstone and the valid change pass");
    ChangeDeadLetterReason reason = new ChangeDeadLetterReason(source.eventSchema(), "customerId");
    List<String> reasons = refused.stream()
        .map(r -> reason.reason(r.getBytes(StandardCharsets.UTF_8))).toList();
    assertTrue(reasons.get(0).startsWith("not JSON"), reasons.get(0));
    assertTrue(reasons.get(1).startsWith("op t is not applied"), reasons.get(1));
    assertTrue(reasons.get(2).startsWith("source.lsn is missing"), reasons.get(2));
    assertEquals("after.customerId (the key) is missing or null", reasons.get(3));
  }

  @Test
  void aDeletedKeysStateIsRemovedAfterTheTombstoneRetention() throws Exception {
    Store byCity = start("per_city_short_memory");
    StreamingQuery query = queries.get(queries.size() - 1);
    String ada = row("c-1", "Ada", "gold", "Lyon");
    String bob = row("c-2", "Bob", "gold", "Lyon");
    events.add(change("c", 100, null, ada), change("c", 110, null, bob),
        change("d", 120, bob, null));
    byCity.sync();
    long deletedAt = System.currentTimeMillis();
    assertEquals(Map.of("Lyon", "1 {\"customers\":1}"), byCity.rows);
    assertEquals(2, dedupStateRows(query), "c-1 and the deleted c-2");

    // Once a batch runs a second after the delete's, c-2 is forgotten; c-1 (alive) never is.
    while (System.currentTimeMillis() < deletedAt + 1_500) {
      Thread.sleep(100);
    }
    events.add(change("c", 130, null, row("c-3", "Cy", "gold", "Oslo")));
    byCity.sync();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (dedupStateRows(query) != 2 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(2, dedupStateRows(query), "c-1 and c-3: " + query.lastProgress().json());
    assertEquals(Map.of("Lyon", "1 {\"customers\":1}", "Oslo", "2 {\"customers\":1}"),
        byCity.rows);

    // Within the retention a repeated change counts once; past it, it is not recognised.
    events.add(change("c", 100, null, ada), change("c", 110, null, bob));
    byCity.sync();
    assertEquals("3 {\"customers\":2}", byCity.rows.get("Lyon"),
        "c-1's repeat is dropped, c-2's (deleted longer ago than the retention) counts again");
  }

  /** Rows in the state of the per-key LSN filter ({@code flatMapGroupsWithState}). */
  private static long dedupStateRows(StreamingQuery query) {
    for (var op : query.lastProgress().stateOperators()) {
      if (op.operatorName().toLowerCase(java.util.Locale.ROOT).contains("flatmapgroupswithstate")) {
        return op.numRowsTotal();
      }
    }
    throw new AssertionError("no flatMapGroupsWithState in " + query.lastProgress().json());
  }

  private Map<String, ViewPlan> plan(Pipeline p) {
    Map<String, ViewPlan> out = new TreeMap<>();
    for (ViewPlan plan : ViewPlanner.plan(spark, p,
        Map.of("customers", SourceParser.parse(p.sources().get("customers"), events.raw())))) {
      out.put(plan.name(), plan);
    }
    return out;
  }

  static String row(String id, String name, String tier, String city) {
    return "{\"customerId\":\"" + id + "\",\"name\":\"" + name + "\",\"tier\":"
        + (tier == null ? "null" : "\"" + tier + "\"") + ",\"city\":\"" + city + "\"}";
  }

  static String change(String op, long lsn, String before, String after) {
    return "{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"lsn\":" + lsn
        + ",\"ts_ms\":" + (1764064800000L + lsn) + "},\"op\":\"" + op + "\"}";
  }

  private Store start(String view) {
    ViewPlan plan = plans.get(view);
    String table = "cdc_" + view + "_" + RUN.incrementAndGet();
    try {
      var stream = plan.serving().writeStream().format("memory").queryName(table)
          .outputMode(plan.outputMode());
      queries.add(plan.changelogAggregate()
          ? ChangelogViews.withoutWatermarkCheck(spark, stream::start) : stream.start());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new Store(queries.get(queries.size() - 1), table);
  }

  /**
   * The sink's rows applied as the store does: per key the row of the highest version wins (a
   * latest view's own version; an aggregate's batch number), "version value" or "version deleted".
   */
  private final class Store {
    private final StreamingQuery query;
    private final String table;
    final Map<String, String> rows = new TreeMap<>();
    private final Map<String, Long> versions = new TreeMap<>();
    private int seen;
    private long batch;

    Store(StreamingQuery query, String table) {
      this.query = query;
      this.table = table;
    }

    void sync() {
      query.processAllAvailable();
      List<Row> all = spark.table(table).collectAsList();
      batch++;
      for (Row r : all.subList(seen, all.size())) {
        List<String> columns = List.of(r.schema().fieldNames());
        long version = columns.contains(ViewTransform.VERSION)
            ? r.getLong(columns.indexOf(ViewTransform.VERSION)) : batch;
        boolean deleted = r.getBoolean(columns.indexOf(ViewTransform.DELETED));
        String key = r.getString(0);
        if (versions.getOrDefault(key, 0L) < version) {
          versions.put(key, version);
          rows.put(key, version + " " + (deleted ? "deleted" : r.getString(1)));
        }
      }
      seen = all.size();
    }
  }
}
