package io.streamgate.processor.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamgate.processor.SparkTestSession;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.sink.LastPerKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo pipeline's views as pure transforms: MemoryStream of JSON events → parse → view SQL →
 * serving rows → memory sink, one processAllAvailable per micro-batch.
 */
class ViewTransformTest {
  private static final AtomicInteger RUN = new AtomicInteger();

  private final SparkSession spark = SparkTestSession.get();
  private final List<StreamingQuery> queries = new ArrayList<>();
  private MemorySource events;
  private Map<String, ViewPlan> plans;

  @BeforeEach
  void planDemoViews() {
    Path demo = Path.of(System.getProperty("streamgate.root", "..")).resolve(
        "deploy/local/pipeline.yaml");
    // The views' SQL in micro-batches: the memory source has no Kafka partitions and offsets.
    Pipeline pipeline = PipelineParser.parse(demo.toString(),
        io.streamgate.processor.runner.DemoPipeline.microBatch(readString(demo)));
    events = new MemorySource(spark);
    Map<String, org.apache.spark.sql.Dataset<Row>> sources =
        Map.of("orders", SourceParser.parse(pipeline.sources().get("orders"), events.raw()));
    plans = new LinkedHashMap<>();
    for (ViewPlan plan : ViewPlanner.plan(spark, pipeline, sources)) {
      plans.put(plan.name(), plan);
    }
  }

  private static String readString(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stopQueries() throws TimeoutException {
    for (StreamingQuery q : queries) {
      q.stop();
    }
  }

  @Test
  void aggregateKeepsRunningCountsAndSumsPerKey() {
    Sink totals = start("user_totals");
    events.add(order("o1", "u1", "p1", 10.0, "created"), order("o2", "u1", "p2", 5.5, "created"),
        order("o3", "u2", "p1", 7.0, "created"));
    Map<String, String> first = totals.lastValuePerKey();
    assertEquals(Map.of(
        "u1", "{\"orders\":2,\"total\":15.5}",
        "u2", "{\"orders\":1,\"total\":7.0}"), first);

    events.add(order("o4", "u1", "p1", 1.0, "created"));
    List<Row> second = totals.newRows();
    assertEquals(1, second.size(), "update mode writes only the changed key");
    assertEquals("u1", second.get(0).getString(0));
    assertEquals("{\"orders\":3,\"total\":16.5}", second.get(0).getString(1));
  }

  @Test
  void rankColumnIsTheNumericRankAsDouble() {
    Sink revenue = start("product_revenue");
    events.add(order("o1", "u1", "p1", 10.0, "created"), order("o2", "u2", "p2", 2.5, "created"),
        order("o3", "u3", "p1", 4.0, "created"));
    Map<String, Double> ranks = new LinkedHashMap<>();
    for (Row r : revenue.newRows()) {
      ranks.put(r.getString(0), r.getDouble(2));
    }
    assertEquals(Map.of("p1", 14.0, "p2", 2.5), ranks);
  }

  @Test
  void latestViewKeepsTheLastEventOfEachKeyInABatch() {
    Sink status = start("order_status");
    events.add(order("o1", "u1", "p1", 10.0, "created"), order("o2", "u1", "p1", 3.0, "created"),
        order("o1", "u1", "p1", 10.0, "paid"), order("o1", "u1", "p1", 10.0, "shipped"));
    List<Row> batch = status.newRows();
    assertEquals(4, batch.size(), "a projection passes every event through");
    Map<String, String> last = new LinkedHashMap<>();
    for (Row r : LastPerKey.collapse(batch.iterator(), r -> r.getString(0))) {
      last.put(r.getString(0), r.getString(1));
    }
    assertEquals(Map.of(
        "o1", "{\"userId\":\"u1\",\"status\":\"shipped\",\"amount\":10.0,"
            + "\"ts\":\"2025-01-01T10:00:00.000Z\"}",
        "o2", "{\"userId\":\"u1\",\"status\":\"created\",\"amount\":3.0,"
            + "\"ts\":\"2025-01-01T10:00:00.000Z\"}"), last);
  }

  @Test
  void valueJsonKeepsNullsAndWritesIsoTimestampsInUtc() {
    Sink status = start("order_status");
    events.add("{\"orderId\":\"o9\",\"userId\":\"u\",\"productId\":\"p\",\"amount\":1,"
        + "\"ts\":\"2025-06-30T23:59:59.123+02:00\"}");
    List<Row> rows = status.newRows();
    assertEquals(1, rows.size());
    assertEquals("o9", rows.get(0).getString(0));
    assertEquals("{\"userId\":\"u\",\"status\":null,\"amount\":1.0,"
        + "\"ts\":\"2025-06-30T21:59:59.123Z\"}",
        rows.get(0).getString(1));
    assertEquals(2, rows.get(0).length(), "no rank column on an unranked view");
  }

  @Test
  void eventsThatDoNotFitTheSchemaAreDropped() {
    Sink totals = start("user_totals");
    events.add(
        "not json",
        "{\"orderId\":\"o1\",\"productId\":\"p\",\"amount\":1,\"ts\":\"2025-01-01T10:00:00Z\"}",
        "{\"orderId\":\"o2\",\"userId\":\"u1\",\"productId\":\"p\",\"amount\":\"lots\","
            + "\"ts\":\"2025-01-01T10:00:00Z\"}",
        "null",
        order("o3", "u1", "p1", 2.0, "created"));
    assertEquals(Map.of("u1", "{\"orders\":1,\"total\":2.0}"), totals.lastValuePerKey());
  }

  @Test
  void catalogEntryDescribesTheAnalyzedOutput() {
    var entry = plans.get("product_revenue").catalogEntry(1234L);
    assertEquals("product_revenue", entry.name());
    assertEquals("productId", entry.keyColumn());
    assertEquals("revenue", entry.rankColumn());
    assertEquals(List.of(new io.streamgate.contract.CatalogEntry.Column("revenue", "double")),
        entry.columns());
    var totals = plans.get("user_totals").catalogEntry(1234L);
    assertEquals(List.of(new io.streamgate.contract.CatalogEntry.Column("orders", "bigint"),
        new io.streamgate.contract.CatalogEntry.Column("total", "double")), totals.columns());
    assertNull(totals.rankColumn());
    var status = plans.get("order_status").catalogEntry(1234L);
    assertEquals(List.of("userId", "status", "amount", "ts"),
        status.columns().stream().map(c -> c.name()).toList());
    assertEquals("timestamp", status.columns().get(3).type());
    assertEquals(List.of("userId", "status"), status.indexes());
  }

  static String order(String orderId, String userId, String productId, double amount,
      String status) {
    return "{\"orderId\":\"" + orderId + "\",\"userId\":\"" + userId + "\",\"productId\":\""
        + productId + "\",\"amount\":" + amount + ",\"status\":"
        + (status == null ? "null" : "\"" + status + "\"") + ",\"ts\":\"2025-01-01T10:00:00Z\"}";
  }

  private Sink start(String view) {
    ViewPlan plan = plans.get(view);
    String table = "t_" + view + "_" + RUN.incrementAndGet();
    StreamingQuery q;
    try {
      q = plan.serving().writeStream().format("memory").queryName(table)
          .outputMode(plan.outputMode()).start();
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
    queries.add(q);
    return new Sink(q, table);
  }

  /** The memory sink of one query; each read first runs every batch of added events. */
  private final class Sink {
    private final StreamingQuery query;
    private final String table;
    private int seen;

    Sink(StreamingQuery query, String table) {
      this.query = query;
      this.table = table;
    }

    /** Rows the sink received since the last call, in arrival order. */
    List<Row> newRows() {
      query.processAllAvailable();
      List<Row> all = spark.table(table).collectAsList();
      List<Row> fresh = List.copyOf(all.subList(seen, all.size()));
      seen = all.size();
      return fresh;
    }

    Map<String, String> lastValuePerKey() {
      Map<String, String> out = new LinkedHashMap<>();
      for (Row r : newRows()) {
        out.put(r.getString(0), r.getString(1));
      }
      return out;
    }
  }
}
