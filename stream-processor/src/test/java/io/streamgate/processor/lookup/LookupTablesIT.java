package io.streamgate.processor.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import io.streamgate.harness.PostgresServer;
import io.streamgate.processor.SparkTestSession;
import io.streamgate.processor.metrics.ProcessorMetrics;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.TableSpec;
import io.streamgate.processor.view.SourceParser;
import io.streamgate.processor.view.ViewPlan;
import io.streamgate.processor.view.ViewPlanner;
import io.streamgate.processor.view.ViewTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.runtime.MemoryStream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Lookup tables on a real PostgreSQL and Spark local[2]: orders (a memory stream) joined to the
 * customers' tiers read over JDBC, as the view planner plans {@code revenue_by_tier}; a changed
 * tier reaches the join after a refresh without restarting the query; a refresh while the
 * database is down keeps the last copy (and says so in the metrics); passwords come from a file.
 * The database goes down in the last test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LookupTablesIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static PostgresServer postgres;
  private static final SparkSession spark = SparkTestSession.get();

  @TempDir static Path tmp;

  @BeforeAll
  static void database() {
    postgres = PostgresServer.start();
    postgres.psql("CREATE TABLE customers (\"customerId\" text PRIMARY KEY, name text,"
        + " tier text NOT NULL, since date, credit numeric(10,2));"
        + " INSERT INTO customers VALUES ('c-1','Ada','gold','2024-01-02',10.5),"
        + " ('c-2','Bob','silver',NULL,NULL), ('c-3','Cy','silver','2025-03-04',0)");
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static String pipeline(String tableFields) {
    return """
        sources:
          orders:
            topic: orders
            schema: "orderId STRING NOT NULL, userId STRING NOT NULL, amount DOUBLE NOT NULL"
          customer_tiers:
            kind: table
            url: %s
            %s
            key: customerId
            schema: "customerId STRING NOT NULL, tier STRING NOT NULL, since DATE, credit DECIMAL(10,2)"
            refresh: 1 hour
        views:
          revenue_by_tier:
            sql: >
              SELECT t.tier, count(*) AS orders, sum(o.amount) AS revenue
              FROM orders o JOIN customer_tiers t ON o.userId = t.customerId GROUP BY t.tier
            key: tier
            kind: aggregate
        """.formatted(postgres.jdbcUrl(), tableFields);
  }

  @Test
  @Order(1)
  void readsTheTableWithItsTypes() {
    Pipeline p = PipelineParser.parse("lookup.yaml", pipeline("table: customers\n    user: "
        + postgres.user()));
    try (LookupTables lookups = new LookupTables(new ProcessorMetrics(), Clock.systemUTC())) {
      lookups.open(p.tables().get("customer_tiers"));
      Map<String, String> rows = new TreeMap<>();
      // As strings: this JVM may not open java.sql.Date's time zone internals to Spark.
      for (Row r : lookups.read(spark, "customer_tiers").selectExpr("customerId", "tier",
          "CAST(since AS STRING)", "CAST(credit AS STRING)").collectAsList()) {
        rows.put(r.getString(0), r.getString(1) + " " + r.get(2) + " " + r.get(3));
      }
      assertEquals(Map.of("c-1", "gold 2024-01-02 10.50", "c-2", "silver null null",
          "c-3", "silver 2025-03-04 0.00"), rows);
    }
  }

  @Test
  @Order(2)
  void joinFollowsARefreshedTierWithoutRestartingTheQuery() throws Exception {
    ProcessorMetrics metrics = new ProcessorMetrics();
    Pipeline p = PipelineParser.parse("lookup.yaml", pipeline("query: SELECT \"customerId\","
        + " tier, since, credit FROM customers WHERE tier <> 'banned'\n    user: "
        + postgres.user()));
    MemoryStream<String> orders = MemoryStream.apply(Encoders.STRING(), spark);
    try (LookupTables lookups = new LookupTables(metrics, Clock.systemUTC())) {
      lookups.open(p.tables().get("customer_tiers"));
      Map<String, Dataset<Row>> inputs = new LinkedHashMap<>();
      inputs.put("orders", SourceParser.parse(p.sources().get("orders"), orders.toDF()));
      inputs.putAll(lookups.readAll(spark));
      ViewPlan plan = ViewPlanner.plan(spark, p, inputs).get(0);
      StreamingQuery query = plan.serving().writeStream().format("memory")
          .queryName("lookup_revenue").outputMode(plan.outputMode()).start();
      try {
        add(orders, order("o1", "c-1", 10), order("o2", "c-2", 5), order("o3", "c-3", 1),
            order("o4", "nobody", 99));
        query.processAllAvailable();
        assertEquals(Map.of("gold", "1 10.0", "silver", "2 6.0"), latest("lookup_revenue"));

        // Bob moves up, Cy is banned (out of the query): later orders see it, earlier ones stay.
        postgres.psql("UPDATE customers SET tier = 'gold' WHERE \"customerId\" = 'c-2';"
            + " UPDATE customers SET tier = 'banned' WHERE \"customerId\" = 'c-3'");
        lookups.refreshNow("customer_tiers");
        add(orders, order("o5", "c-2", 7), order("o6", "c-3", 100));
        query.processAllAvailable();
        assertEquals(Map.of("gold", "2 17.0", "silver", "2 6.0"), latest("lookup_revenue"));
        assertTrue(metrics.scrape().contains(
            "streamgate_processor_lookup_rows{table=\"customer_tiers\"} 2.0"), metrics.scrape());
      } finally {
        query.stop();
      }
    }
  }

  @Test
  @Order(3)
  void refreshesOnItsInterval() {
    Pipeline p = PipelineParser.parse("lookup.yaml", pipeline("table: customers\n    user: "
        + postgres.user()).replace("refresh: 1 hour", "refresh: 1 second"));
    try (LookupTables lookups = new LookupTables(new ProcessorMetrics(), Clock.systemUTC())) {
      lookups.open(p.tables().get("customer_tiers"));
      postgres.psql("INSERT INTO customers VALUES ('c-4','Di','bronze',NULL,NULL)");
      await(() -> lookups.copy("customer_tiers").orElseThrow().rows().size() == 4);
    } finally {
      postgres.psql("DELETE FROM customers WHERE \"customerId\" = 'c-4'");
    }
  }

  @Test
  @Order(4)
  void aPasswordComesFromAFileOrTheEnvironment() throws Exception {
    postgres.psql("CREATE ROLE reader LOGIN PASSWORD 's3cret pass'; GRANT SELECT ON customers TO"
        + " reader");
    // The harness trusts every user; this one must prove its password.
    Path hba = Path.of(postgres.psql("SHOW hba_file"));
    Files.writeString(hba, "host all reader 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
    postgres.psql("SELECT pg_reload_conf()");
    Path good = tmp.resolve("good");
    Files.writeString(good, "s3cret pass\n");
    Path bad = tmp.resolve("bad");
    Files.writeString(bad, "guess\n");

    for (String fields : List.of("passwordFile: " + good, "passwordEnv: DB_PASSWORD")) {
      Pipeline p = PipelineParser.parse("lookup.yaml", pipeline("table: customers\n    user: reader\n"
          + "    " + fields));
      try (LookupTables lookups = new LookupTables(new ProcessorMetrics(), Clock.systemUTC(),
          name -> name.equals("DB_PASSWORD") ? "s3cret pass" : null)) {
        lookups.open(p.tables().get("customer_tiers"));
        assertEquals(3, lookups.copy("customer_tiers").orElseThrow().rows().size(), fields);
      }
    }
    ProcessorMetrics metrics = new ProcessorMetrics();
    Pipeline p = PipelineParser.parse("lookup.yaml", pipeline("table: customers\n    user: reader\n"
        + "    passwordFile: " + bad));
    try (LookupTables lookups = new LookupTables(metrics, Clock.systemUTC())) {
      lookups.open(p.tables().get("customer_tiers"));
      assertTrue(lookups.copy("customer_tiers").isEmpty());
      assertTrue(metrics.scrape().contains(
          "streamgate_processor_lookup_refresh_failures_total{table=\"customer_tiers\"} 1.0"));
      // A view joining it fails its batch (and is retried by the view manager) rather than
      // joining an empty table.
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalStateException.class,
          () -> lookups.read(spark, "customer_tiers").collectAsList());
      assertTrue(e.getMessage().contains("lookup table customer_tiers has no copy yet"),
          e.getMessage());
      assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    }
  }

  @Test
  @Order(5)
  void aFailedRefreshKeepsTheLastCopy() throws Exception {
    ProcessorMetrics metrics = new ProcessorMetrics();
    Pipeline p = PipelineParser.parse("lookup.yaml", pipeline("table: customers\n    user: "
        + postgres.user()));
    MemoryStream<String> orders = MemoryStream.apply(Encoders.STRING(), spark);
    try (LookupTables lookups = new LookupTables(metrics, Clock.systemUTC())) {
      TableSpec spec = p.tables().get("customer_tiers");
      lookups.open(spec);
      long readAt = lookups.copy("customer_tiers").orElseThrow().readAtMillis();
      Map<String, Dataset<Row>> inputs = new LinkedHashMap<>();
      inputs.put("orders", SourceParser.parse(p.sources().get("orders"), orders.toDF()));
      inputs.putAll(lookups.readAll(spark));
      ViewPlan plan = ViewPlanner.plan(spark, p, inputs).get(0);
      StreamingQuery query = plan.serving().writeStream().format("memory")
          .queryName("lookup_outage").outputMode(plan.outputMode()).start();
      try {
        postgres.stop();
        lookups.refreshNow("customer_tiers");
        assertEquals(readAt, lookups.copy("customer_tiers").orElseThrow().readAtMillis());
        String scrape = metrics.scrape();
        assertTrue(scrape.contains(
            "streamgate_processor_lookup_refresh_failures_total{table=\"customer_tiers\"} 1.0"),
            scrape);
        assertTrue(scrape.contains("streamgate_processor_lookup_last_success_age_seconds"
            + "{table=\"customer_tiers\"}"), scrape);
        add(orders, order("o1", "c-1", 10), order("o2", "c-2", 5));
        query.processAllAvailable();
        assertEquals(Map.of("gold", "2 15.0"), latest("lookup_outage"));
      } finally {
        query.stop();
      }
    }
  }

  private static String order(String id, String user, double amount) {
    return Json.write(Map.of("orderId", id, "userId", user, "amount", amount));
  }

  private static void add(MemoryStream<String> stream, String... json) {
    stream.addData(CollectionConverters.asScala(Arrays.asList(json)).toList());
  }

  /** The last row of each key in a memory sink (update mode appends each batch's rows). */
  private static Map<String, String> latest(String table) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : spark.table(table).collectAsList()) {
      Map<String, Object> value = Json.parseObject(r.getString(r.fieldIndex(ViewTransform.VALUE)));
      out.put(r.getString(r.fieldIndex(ViewTransform.KEY)),
          ((Number) value.get("orders")).longValue() + " " + value.get("revenue"));
    }
    return out;
  }

  private static void await(BooleanSupplier condition) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
