package io.streamgate.processor.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamgate.contract.Scripts.Fold;
import io.streamgate.processor.SparkTestSession;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.SourceSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * Aggregate views split for real-time mode: what Spark computes per event, how the partials fold,
 * and the row values computed from them with the view's own expressions; and what is refused.
 */
class RealTimeAggregatesTest {
  private static final String SOURCES = """
      sources:
        orders:
          topic: orders
          schema: "orderId STRING NOT NULL, userId STRING NOT NULL, amount DOUBLE, qty INT, status STRING, ts TIMESTAMP NOT NULL"
          eventTime: ts
          watermark: 30 seconds
      """;

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void theDemosUserTotalsFoldACountAndASumAndRoundTheSum() throws Exception {
    RealTimeAggregate rt = plan("SELECT userId, count(*) AS orders, round(sum(amount), 2) AS total"
        + " FROM orders WHERE status = 'created' GROUP BY userId", "userId", null);
    assertEquals(List.of("_sg_group0", "_sg_delta0", "_sg_delta1", "_sg_order"),
        Arrays.asList(rt.deltas().columns()));
    AggregateFold fold = roundTrip(rt.fold()); // as the executors get it
    assertEquals(List.of(Fold.ADD, Fold.ADD), fold.folds());

    Row event = delta(rt, "u1", 1L, 12.5, 3, 42L);
    Object[] groups = fold.groups(event);
    assertEquals("u1", fold.key(groups));
    assertEquals(List.of("1", "12.5"), fold.deltas(event));
    assertEquals(3, fold.partition(event));
    assertEquals(42L, fold.offset(event));

    Row row = fold.serving(groups, List.of("3", "1688.6599999999996"));
    assertEquals("u1", row.getAs("key"));
    assertEquals("{\"orders\":3,\"total\":1688.66}", row.getAs("value"));
  }

  @Test
  void avgMinMaxAndNullsFoldAsTheyAggregate() {
    RealTimeAggregate rt = plan("SELECT userId, avg(amount) AS mean, min(qty) AS fewest,"
        + " max(ts) AS latest, sum(qty) AS items, count(amount) AS priced FROM orders GROUP BY"
        + " userId", "userId", "items");
    // avg is a sum and a count; count(amount) is the same count, kept once.
    assertEquals(List.of(Fold.ADD, Fold.ADD, Fold.MIN, Fold.MAX, Fold.ADD), rt.fold().folds());
    AggregateFold fold = rt.fold();
    Object[] groups = {UTF8String.fromString("u2")};
    Row row = fold.serving(groups, List.of("10", "4", "2", "1700000000000000", "9"));
    assertEquals("{\"mean\":2.5,\"fewest\":2,\"latest\":\"2023-11-14T22:13:20.000Z\","
        + "\"items\":9,\"priced\":4}", row.getAs("value"));
    assertEquals(9.0, row.<Double>getAs("rank"));
    // No priced event yet: avg is null and count 0, as Spark's would be.
    Row empty = fold.serving(groups, List.of("", "0", "", "", ""));
    assertEquals("{\"mean\":null,\"fewest\":null,\"latest\":null,\"items\":null,\"priced\":0}",
        empty.getAs("value"));
    assertNull(empty.getAs("rank"));
  }

  @Test
  void whatRealTimeModeCannotKeepIsRefusedInOneLine() {
    assertEquals("p.yaml: view 'v': count(DISTINCT …) cannot run in real-time mode (it needs"
        + " every value seen); use a micro-batch trigger",
        problem("SELECT userId, count(DISTINCT orderId) AS n FROM orders GROUP BY userId",
            "userId"));
    assertEquals("p.yaml: view 'v': collect_list(…) cannot run in real-time mode, which keeps"
        + " count, sum, avg, min and max (of numbers) as running totals; use a micro-batch"
        + " trigger",
        problem("SELECT userId, collect_list(orderId) AS ids FROM orders GROUP BY userId",
            "userId"));
    assertEquals("p.yaml: view 'v': 'trigger: realtime' aggregates need one SELECT … FROM …"
        + " [WHERE …] GROUP BY … (no HAVING, ORDER BY or query around the aggregation)",
        problem("SELECT userId, count(*) AS n FROM orders GROUP BY userId HAVING count(*) > 1",
            "userId"));
    assertEquals("p.yaml: view 'v': key column 'n' must be one of the GROUP BY's columns, not"
        + " an aggregate", problem("SELECT userId, count(*) AS n FROM orders GROUP BY userId",
            "n"));
    assertEquals("p.yaml: view 'v': min of STRING cannot run in real-time mode; min and max keep"
        + " numbers, dates and timestamps there",
        problem("SELECT userId, min(status) AS s FROM orders GROUP BY userId", "userId"));
  }

  /** A row of the deltas query: group, deltas..., order (time, partition, offset). */
  private static Row delta(RealTimeAggregate rt, Object group, Object... rest) {
    Object[] values = new Object[2 + rest.length - 2];
    values[0] = group;
    System.arraycopy(rest, 0, values, 1, rest.length - 2);
    values[values.length - 1] = new GenericRowWithSchema(new Object[] {
        new java.sql.Timestamp(0), ((Number) rest[rest.length - 2]).intValue(),
        ((Number) rest[rest.length - 1]).longValue()},
        (org.apache.spark.sql.types.StructType) rt.deltas().schema().apply("_sg_order").dataType());
    return new GenericRowWithSchema(values, rt.deltas().schema());
  }

  private static AggregateFold roundTrip(AggregateFold fold) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(fold);
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      return (AggregateFold) in.readObject();
    }
  }

  private RealTimeAggregate plan(String sql, String key, String rank) {
    ViewPlan plan = ViewPlanner.plan(spark, pipeline(sql, key, rank), sources()).get(0);
    assertNotNull(plan.realTimeAggregate());
    return plan.realTimeAggregate();
  }

  private String problem(String sql, String key) {
    PipelineException e = assertThrows(PipelineException.class,
        () -> ViewPlanner.plan(spark, pipeline(sql, key, null), sources()));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  private static Pipeline pipeline(String sql, String key, String rank) {
    return PipelineParser.parse("p.yaml", SOURCES + "views:\n  v:\n    sql: \"" + sql + "\"\n"
        + "    key: " + key + "\n    kind: aggregate\n    trigger: realtime\n"
        + (rank == null ? "" : "    rank: " + rank + "\n"));
  }

  /** Parsed like the Kafka source's rows, partition and offset included. */
  private Map<String, Dataset<Row>> sources() {
    Pipeline p = pipeline("SELECT userId, count(*) AS n FROM orders GROUP BY userId", "userId",
        null);
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (SourceSpec s : p.sources().values()) {
      out.put(s.name(), SourceParser.parse(s, new MemorySource(spark).raw().selectExpr("value",
          "0 AS partition", "0L AS offset", "current_timestamp() AS timestamp")));
    }
    return out;
  }
}
