package io.streamgate.processor.view;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamgate.processor.SparkTestSession;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.ViewSpec;
import io.streamgate.processor.sink.LastPerKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Within one micro-batch the newest event of a key wins, whatever partitions its events are in:
 * batch Datasets shaped like Spark's Kafka source, through the same pure steps as the processor
 * (parse, view SQL with the event order carried along, serving rows, newest per key).
 */
class NewestPerKeyTest {
  private static final StructType KAFKA = new StructType()
      .add("value", DataTypes.StringType)
      .add("partition", DataTypes.IntegerType)
      .add("offset", DataTypes.LongType)
      .add("timestamp", DataTypes.TimestampType);

  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  @Test
  void theNewestEventOfAKeyWinsAcrossPartitionsByEventTimeThenPartitionAndOffset()
      throws Exception {
    // Partition 0 holds o1's newer event, partition 1 its older one: "last in partition order"
    // would pick the older. o2's two events have the same event time: partition 1 wins.
    Dataset<Row> raw = kafka(List.of(
            record(order("o1", "paid", "10:00:05"), 0, 7),
            record(order("o2", "paid", "10:00:00"), 0, 9)),
        List.of(
            record(order("o1", "created", "10:00:00"), 1, 3),
            record(order("o2", "shipped", "10:00:00"), 1, 5)));
    Dataset<Row> serving = serving("SELECT orderId, status FROM orders", raw);
    assertEquals(List.of("key", "value", ViewTransform.ORDER), List.of(serving.columns()));
    assertEquals(2L, serving.where(col("key").equalTo("o1")).select(spark_partition_id())
        .distinct().count(), "o1's events are in two partitions");
    assertEquals("{\"status\":\"created\"}", lastInPartitionOrder(serving).get("o1"),
        "partition order alone picks the older event");

    Dataset<Row> newest = ViewTransform.newestPerKey(serving, ViewTransform.ORDER);
    assertEquals(List.of(serving.columns()), List.of(newest.columns()), "same columns, same order");
    assertEquals(Map.of("o1", "{\"status\":\"paid\"}", "o2", "{\"status\":\"shipped\"}"),
        values(newest));
  }

  @Test
  void withoutAnEventTimeTheKafkaTimestampOrders() throws Exception {
    Dataset<Row> raw = kafka(List.of(record("{\"orderId\":\"o1\",\"status\":\"paid\"}", 0, 1,
            "2025-01-01 10:00:09")),
        List.of(record("{\"orderId\":\"o1\",\"status\":\"created\"}", 1, 8, "2025-01-01 10:00:01")));
    Dataset<Row> serving = serving(
        "SELECT * FROM orders WHERE status IS NOT NULL", raw, "orderId STRING, status STRING", null);
    assertEquals(Map.of("o1", "{\"status\":\"paid\"}"),
        values(ViewTransform.newestPerKey(serving, ViewTransform.ORDER)),
        "SELECT * keeps the order column out of the value");
  }

  @Test
  void aWindowedKeysLaterWindowWins() {
    StructType schema = new StructType().add("key", DataTypes.StringType)
        .add("value", DataTypes.StringType).add(ViewTransform.WINDOW_END, DataTypes.LongType);
    Dataset<Row> batch = twoPartitions(List.of(RowFactory.create("u1", "{\"w\":2}", 120L)),
        List.of(RowFactory.create("u1", "{\"w\":1}", 60L)), schema);
    assertEquals(Map.of("u1", "{\"w\":2}"),
        values(ViewTransform.newestPerKey(batch, ViewTransform.WINDOW_END)));
  }

  @Test
  void aLatestViewOverAStreamCarriesTheOrderAndAnAggregateDoesNot() throws Exception {
    // A stream shaped like Spark's Kafka source (the rate source, relabelled).
    Dataset<Row> raw = spark.readStream().format("rate").load().selectExpr(
        "to_json(named_struct('orderId', cast(value AS STRING), 'status', 'created',"
            + " 'ts', timestamp)) AS value",
        "cast(value % 2 AS INT) AS partition", "value AS offset", "timestamp");
    Path file = dir.resolve("stream.yaml");
    Files.writeString(file, """
        sources:
          orders: { topic: orders, schema: "orderId STRING NOT NULL, status STRING, ts TIMESTAMP" }
        views:
          status: { sql: "SELECT orderId, status FROM orders WHERE status IS NOT NULL", key: orderId, kind: latest }
          counts: { sql: "SELECT status, count(*) AS n FROM orders GROUP BY status", key: status, kind: aggregate }
        """);
    Pipeline pipeline = PipelineParser.parse(file);
    Map<String, ViewPlan> plans = new LinkedHashMap<>();
    for (ViewPlan plan : ViewPlanner.plan(spark, pipeline,
        Map.of("orders", SourceParser.parse(pipeline.sources().get("orders"), raw)))) {
      plans.put(plan.name(), plan);
    }
    assertEquals(ViewTransform.ORDER, plans.get("status").newestBy());
    assertEquals(List.of("status"),
        plans.get("status").columns().stream().map(c -> c.name()).toList());
    assertNull(plans.get("counts").newestBy());
  }

  private Dataset<Row> serving(String sql, Dataset<Row> raw) throws Exception {
    return serving(sql, raw, "orderId STRING NOT NULL, status STRING, ts TIMESTAMP NOT NULL",
        "ts");
  }

  private Dataset<Row> serving(String sql, Dataset<Row> raw, String schema, String eventTime)
      throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "sources:\n  orders:\n    topic: orders\n    schema: \"" + schema
        + "\"\n" + (eventTime == null ? "" : "    eventTime: " + eventTime + "\n")
        + "views:\n  status:\n    sql: " + sql + "\n    key: orderId\n    kind: latest\n");
    Pipeline pipeline = PipelineParser.parse(file);
    ViewTransform.registerSources(
        Map.of("orders", SourceParser.parse(pipeline.sources().get("orders"), raw)));
    ViewSpec view = pipeline.views().get("status");
    return ViewTransform.serving(view,
        ViewTransform.carryEventOrder(ViewTransform.sqlOutput(spark, view)));
  }

  /** Two partitions, in this order (an RDD, so the optimizer cannot merge them). */
  private Dataset<Row> kafka(List<Row> first, List<Row> second) {
    return twoPartitions(first, second, KAFKA);
  }

  private Dataset<Row> twoPartitions(List<Row> first, List<Row> second, StructType schema) {
    if (first.size() != second.size()) {
      throw new IllegalArgumentException("parallelize splits evenly: give both the same size");
    }
    List<Row> all = new ArrayList<>(first);
    all.addAll(second);
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(all, 2), schema);
  }

  private static Row record(String json, int partition, long offset) {
    return record(json, partition, offset, "2025-01-01 12:00:00");
  }

  private static Row record(String json, int partition, long offset, String kafkaTime) {
    return RowFactory.create(json, partition, offset, Timestamp.valueOf(kafkaTime));
  }

  private static String order(String id, String status, String time) {
    return "{\"orderId\":\"" + id + "\",\"status\":\"" + status + "\",\"ts\":\"2025-01-01T" + time
        + "Z\"}";
  }

  private static Map<String, String> lastInPartitionOrder(Dataset<Row> serving) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Row r : LastPerKey.collapse(serving.collectAsList().iterator(), r -> r.getString(0))) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  private static Map<String, String> values(Dataset<Row> rows) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Row r : new ArrayList<>(rows.collectAsList())) {
      if (out.put(r.getString(r.fieldIndex("key")), r.getString(r.fieldIndex("value"))) != null) {
        throw new AssertionError("two rows of key " + r.getString(0));
      }
    }
    return out;
  }
}
