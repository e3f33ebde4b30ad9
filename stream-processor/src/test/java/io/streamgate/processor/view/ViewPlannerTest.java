package io.streamgate.processor.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.processor.SparkTestSession;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.SourceSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.junit.jupiter.api.Test;

/** Checks that need Spark: each view's SQL analyzed against its (streaming) sources. */
class ViewPlannerTest {
  private static final String SOURCES = """
      sources:
        orders:
          topic: orders
          schema: "orderId STRING NOT NULL, userId STRING NOT NULL, amount DOUBLE, status STRING, ts TIMESTAMP NOT NULL"
          eventTime: ts
          watermark: 30 seconds
        clicks:
          topic: clicks
          schema: "userId STRING, page STRING, ts TIMESTAMP"
      """;

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void unknownSource() {
    assertProblem("SQL reads unknown source 'payments' (sources: orders, clicks)",
        "SELECT orderId FROM payments", "orderId", "latest", null);
  }

  @Test
  void sqlThatDoesNotParse() {
    String problem = problem("SELEKT orderId FROM orders", "orderId", "latest", null);
    assertTrue(problem.startsWith("p.yaml: view 'v': SQL does not parse: [PARSE_SYNTAX_ERROR]"),
        problem);
    assertFalse(problem.contains("\n"), problem);
  }

  @Test
  void missingColumn() {
    String problem = problem("SELECT orderId, amout FROM orders", "orderId", "latest", null);
    assertTrue(problem.startsWith("p.yaml: view 'v': SQL does not fit its sources:"
        + " [UNRESOLVED_COLUMN.WITH_SUGGESTION]"), problem);
    assertTrue(problem.contains("`amout`"), problem);
    assertFalse(problem.contains("\n"), problem);
  }

  @Test
  void keyColumnMissingFromTheOutput() {
    assertProblem("key column 'userId' is not in the SQL output (columns: orderId, amount)",
        "SELECT orderId, amount FROM orders", "userId", "latest", null);
  }

  @Test
  void keyColumnThatIsNotAScalar() {
    assertProblem("key column 'w' has type STRUCT<start: TIMESTAMP, end: TIMESTAMP>; a key must"
            + " be a single value (e.g. concat the parts into a string)",
        "SELECT window(ts, '1 minute') AS w, count(*) AS n FROM orders"
            + " GROUP BY window(ts, '1 minute')", "w", "windowed", null);
  }

  @Test
  void rankColumnMissingOrNotNumeric() {
    assertProblem("rank column 'revenue' is not in the SQL output (columns: userId, total)",
        "SELECT userId, sum(amount) AS total FROM orders GROUP BY userId", "userId", "aggregate",
        "revenue");
    assertProblem("rank column 'last' must be numeric, but is STRING",
        "SELECT userId, max(status) AS last FROM orders GROUP BY userId", "userId", "aggregate",
        "last");
  }

  @Test
  void kindMustMatchTheSql() {
    assertProblem("kind aggregate needs SQL with GROUP BY; for a projection use kind latest",
        "SELECT orderId, amount FROM orders", "orderId", "aggregate", null);
    assertProblem("kind latest is a projection, but the SQL aggregates; use kind aggregate (or"
        + " windowed)", "SELECT userId, count(*) AS n FROM orders GROUP BY userId", "userId",
        "latest", null);
  }

  @Test
  void windowedNeedsAWatermark() {
    assertProblem("kind windowed needs a watermark: set eventTime and watermark on source clicks",
        "SELECT concat(userId, '@', window.start) AS k, count(*) AS n FROM clicks"
            + " GROUP BY userId, window(ts, '1 minute')", "k", "windowed", null);
    ViewPlan ok = plan("SELECT concat(userId, '@', window.start) AS k, window, count(*) AS n"
        + " FROM orders GROUP BY userId, window(ts, '1 minute')", "k", "windowed", null).get(0);
    assertEquals(OutputMode.Update(), ok.outputMode());
    assertEquals("window", ok.windowColumn());
    assertEquals(java.util.List.of("key", "value", "window_end"),
        java.util.List.of(ok.serving().columns()));
    assertEquals(java.time.Duration.ofMinutes(10), ok.spec().ttl(), "windowed default ttl");
    assertEquals(600, ok.catalogEntry(0).ttlSeconds());
  }

  @Test
  void windowedNeedsItsWindowInTheOutput() {
    assertProblem("kind windowed needs its window in the SQL output (e.g. SELECT ..., window ..."
            + " GROUP BY ..., window(ts, '1 minute')), so each row can expire once its window"
            + " closes (columns: k, n)",
        "SELECT concat(userId, '@', window.start) AS k, count(*) AS n FROM orders"
            + " GROUP BY userId, window(ts, '1 minute')", "k", "windowed", null);
  }

  @Test
  void duplicateOutputColumns() {
    assertProblem("SQL output has two columns named 'orderId'; give one an alias (AS)",
        "SELECT orderId, orderId FROM orders", "orderId", "latest", null);
  }

  @Test
  void sqlWithoutAStreamingSource() {
    assertProblem("SQL reads no stream source; a view must select FROM one of orders, clicks",
        "SELECT 1 AS k", "k", "latest", null);
  }

  @Test
  void sqlSparkCannotStream() {
    String problem = problem("SELECT orderId, amount FROM orders ORDER BY amount", "orderId",
        "latest", null);
    assertTrue(problem.startsWith("p.yaml: view 'v': Spark cannot run this SQL as a stream in"
        + " Append mode: "), problem);
  }

  @Test
  void validViewsGetTheirKindsOutputMode() {
    assertEquals(OutputMode.Append(),
        plan("SELECT orderId, status FROM orders", "orderId", "latest", null).get(0).outputMode());
    assertEquals(OutputMode.Update(), plan("SELECT userId, count(*) AS n FROM orders GROUP BY"
        + " userId", "userId", "aggregate", "n").get(0).outputMode());
  }

  @Test
  void indexColumnsMustBeScalarColumnsOfTheOutput() {
    String sql = "SELECT orderId, userId, status, named_struct('s', status) AS nested FROM orders";
    assertEquals("p.yaml: view 'v': index column 'nope' is not in the SQL output (columns:"
        + " orderId, userId, status, nested)", indexProblem(sql, "[userId, nope]"));
    assertTrue(indexProblem(sql, "[nested]").startsWith(
        "p.yaml: view 'v': index column 'nested' has type STRUCT<s: STRING>; only single values"),
        indexProblem(sql, "[nested]"));
    ViewPlan plan = planIndexes(sql, "[USERID, status]");
    assertEquals(List.of("userId", "status"), plan.indexes(), "spelled as the SQL output");
    assertEquals(List.of("userId", "status"), plan.catalogEntry(0).indexes());
  }

  private String indexProblem(String sql, String indexes) {
    PipelineException e = assertThrows(PipelineException.class, () -> planIndexes(sql, indexes));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  private ViewPlan planIndexes(String sql, String indexes) {
    Pipeline pipeline = PipelineParser.parse("p.yaml", SOURCES + "views:\n  v:\n    sql: \""
        + sql + "\"\n    key: orderId\n    kind: latest\n    indexes: " + indexes + "\n");
    return ViewPlanner.plan(spark, pipeline, sources(pipeline)).get(0);
  }

  @Test
  void everyBadViewIsReported() {
    Pipeline pipeline = PipelineParser.parse("p.yaml", SOURCES + """
        views:
          a: { sql: SELECT x FROM orders, key: x, kind: latest }
          b: { sql: SELECT orderId FROM orders, key: orderId, kind: latest }
          c: { sql: SELECT orderId FROM nowhere, key: orderId, kind: latest }
        """);
    PipelineException e = assertThrows(PipelineException.class,
        () -> ViewPlanner.plan(spark, pipeline, sources(pipeline)));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("p.yaml: view 'a': "), e.getMessage());
    assertTrue(e.problems().get(1).startsWith("p.yaml: view 'c': "), e.getMessage());
  }

  private static final String TIERS = """
        tiers:
          kind: table
          url: jdbc:postgresql://db/shop
          table: customers
          key: userId
          schema: "userId STRING NOT NULL, tier STRING"
        changes:
          topic: shop.public.customers
          format: debezium
          key: userId
          schema: "userId STRING NOT NULL, tier STRING"
      """;

  @Test
  void lookupTablesJoinStreamsInMicroBatches() {
    String join = "SELECT t.tier, sum(o.amount) AS revenue FROM orders o JOIN tiers t"
        + " ON o.userId = t.userId GROUP BY t.tier";
    assertEquals(OutputMode.Update(), planWithTables("{ sql: \"" + join + "\", key: tier,"
        + " kind: aggregate }").get(0).outputMode());
    assertEquals(Set.of("orders"), planWithTables("{ sql: \"SELECT o.orderId, t.tier FROM orders"
        + " o LEFT JOIN tiers t ON o.userId = t.userId\", key: orderId, kind: latest }").get(0)
        .sources());

    assertEquals("p.yaml: view 'v': SQL reads no stream source; a view must select FROM one of"
        + " orders, clicks, changes (lookup tables such as tiers can only be joined to one)",
        tableProblem("{ sql: \"SELECT userId, tier FROM tiers\", key: userId, kind: latest }"));
    assertEquals("p.yaml: view 'v': 'trigger: realtime' cannot join lookup table tiers (a"
        + " refreshed copy is picked up between micro-batches); use a micro-batch trigger",
        tableProblem("{ sql: \"SELECT o.orderId, t.tier FROM orders o JOIN tiers t ON o.userId ="
            + " t.userId\", key: orderId, kind: latest, trigger: realtime }"));
    assertEquals("p.yaml: view 'v': debezium source 'changes' cannot be joined to lookup table"
        + " tiers (an update or delete would retract what the table holds now, not what the change"
        + " was counted with)", tableProblem("{ sql: \"SELECT t.tier, count(*) AS n FROM changes c"
            + " JOIN tiers t ON c.userId = t.userId GROUP BY t.tier\", key: tier,"
            + " kind: aggregate }"));
  }

  private List<ViewPlan> planWithTables(String view) {
    Pipeline pipeline = PipelineParser.parse("p.yaml", SOURCES + TIERS + "views:\n  v: " + view
        + "\n");
    Map<String, Dataset<Row>> inputs = sources(pipeline);
    pipeline.tables().forEach((name, t) ->
        inputs.put(name, spark.createDataFrame(List.<Row>of(), t.schema())));
    return ViewPlanner.plan(spark, pipeline, inputs);
  }

  private String tableProblem(String view) {
    PipelineException e = assertThrows(PipelineException.class, () -> planWithTables(view));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  private void assertProblem(String expected, String sql, String key, String kind, String rank) {
    assertEquals("p.yaml: view 'v': " + expected, problem(sql, key, kind, rank));
  }

  private String problem(String sql, String key, String kind, String rank) {
    PipelineException e = assertThrows(PipelineException.class, () -> plan(sql, key, kind, rank));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  private List<ViewPlan> plan(String sql, String key, String kind, String rank) {
    String yaml = SOURCES + "views:\n  v:\n    sql: \"" + sql.replace("\"", "\\\"") + "\"\n"
        + "    key: " + key + "\n    kind: " + kind + "\n"
        + (rank == null ? "" : "    rank: " + rank + "\n");
    Pipeline pipeline = PipelineParser.parse("p.yaml", yaml);
    return ViewPlanner.plan(spark, pipeline, sources(pipeline));
  }

  private Map<String, Dataset<Row>> sources(Pipeline pipeline) {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (SourceSpec s : pipeline.sources().values()) {
      out.put(s.name(), SourceParser.parse(s, new MemorySource(spark).raw()));
    }
    return out;
  }
}
