package io.streamgate.processor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.ViewKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class PipelineParserTest {
  static final String SOURCE = """
      sources:
        orders:
          topic: orders
          schema: "orderId STRING NOT NULL, userId STRING NOT NULL, amount DOUBLE, ts TIMESTAMP"
          eventTime: ts
          watermark: 30 seconds
      """;

  static Path demoPipeline() {
    return Path.of(System.getProperty("streamgate.root", "..")).resolve("deploy/local/pipeline.yaml");
  }

  @Test
  void readsTheDemoPipeline() {
    Pipeline p = PipelineParser.parse(demoPipeline());
    assertEquals(List.of("orders"), List.copyOf(p.sources().keySet()));
    assertEquals(List.of("user_totals", "order_status", "product_revenue"),
        List.copyOf(p.views().keySet()));
    SourceSpec orders = p.sources().get("orders");
    assertEquals("orders", orders.topic());
    assertEquals("ts", orders.eventTime());
    assertEquals(Duration.ofSeconds(30), orders.watermark());
    assertEquals(Map.of("startingOffsets", "earliest"), orders.options());
    assertFalse(orders.schema().apply("orderId").nullable());
    assertTrue(orders.schema().apply("status").nullable());
    assertEquals(DataTypes.TimestampType, orders.schema().apply("ts").dataType());

    ViewSpec totals = p.views().get("user_totals");
    assertEquals(ViewKind.AGGREGATE, totals.kind());
    assertEquals("userId", totals.key());
    assertEquals("Orders and total spend per user", totals.description());
    assertNull(totals.rank());
    assertEquals(Duration.ZERO, totals.ttl());
    assertTrue(totals.realTime(), "the demo folds user_totals in real-time mode");
    assertEquals(ViewSpec.DEFAULT_REAL_TIME_BATCH, totals.trigger());
    assertEquals(ViewKind.LATEST, p.views().get("order_status").kind());
    assertEquals("revenue", p.views().get("product_revenue").rank());
  }

  @Test
  void tenantFieldsAreStringColumnsOfTheSchemaAndReachTheStreamEntry() {
    Pipeline p = PipelineParser.parse("p.yaml", """
        sources:
          orders:
            topic: orders
            schema: "orderId STRING NOT NULL, userId STRING, amount DOUBLE"
            key: orderId
            tenantFields: [userId]
        views:
          v: { key: orderId, sql: "SELECT orderId, amount FROM orders", kind: latest }
        """);
    assertEquals(List.of("userId"), p.sources().get("orders").streamEntry(1).tenantFields());
    PipelineException bad = assertThrows(PipelineException.class, () -> PipelineParser.parse(
        "p.yaml", """
        sources:
          orders:
            topic: orders
            schema: "orderId STRING NOT NULL, amount DOUBLE"
            tenantFields: [amount, nope]
        views:
          v: { key: orderId, sql: "SELECT orderId, amount FROM orders", kind: latest }
        """));
    assertEquals(List.of(
        "p.yaml: source 'orders': tenantFields field 'amount' must be STRING (its values start"
            + " with the tenant), but is DOUBLE",
        "p.yaml: source 'orders': tenantFields names 'nope', which is not in the schema"),
        bad.problems());
  }

  @Test
  void readsOptionalViewSettings() {
    Pipeline p = PipelineParser.parse("p.yaml", SOURCE + """
        views:
          recent:
            sql: SELECT orderId, amount FROM orders
            key: orderId
            kind: latest
            ttl: 10 minutes
            trigger: 250 ms
        """);
    ViewSpec v = p.views().get("recent");
    assertEquals(Duration.ofMinutes(10), v.ttl());
    assertEquals(Duration.ofMillis(250), v.trigger());
    assertEquals("", v.description());
  }

  @Test
  void badKind() {
    assertOnlyProblem("p.yaml: view 'v': view kind must be one of aggregate, windowed, latest,"
        + " but was 'rolling'", view("kind: rolling"));
  }

  @Test
  void viewNameNotMatchingTheContract() {
    List<String> problems = problems(SOURCE + """
        views:
          User-Totals: { sql: SELECT userId FROM orders, key: userId, kind: latest }
        """);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("p.yaml: view 'User-Totals': view name 'User-Totals'"
        + " must match [a-z][a-z0-9_]{0,63}"), problems.get(0));
  }

  @Test
  void missingAndMistypedFields() {
    List<String> problems = problems(SOURCE + """
        views:
          v: { key: orderId, kind: latest, rnak: amount }
        """);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("p.yaml: view 'v': unknown field 'rnak' (known: "),
        problems.get(0));
    assertEquals("p.yaml: view 'v': 'sql' is missing", problems.get(1));
    assertOnlyProblem("p.yaml: view 'v': 'sql' must be non-empty text, but was '42'",
        SOURCE + "views:\n  v: { sql: 42, key: orderId, kind: latest }\n");
  }

  @Test
  void rankCannotBeTheKey() {
    assertOnlyProblem("p.yaml: view 'v': rank column 'orderId' cannot be the key column",
        view("rank: orderId"));
  }

  @Test
  void indexesAreAFewPlainValueColumns() {
    assertEquals(List.of("userId", "status"), PipelineParser.parse("p.yaml",
        view("indexes: [userId, status]")).views().get("v").indexes());
    assertEquals(List.of(), PipelineParser.parse("p.yaml", view("rank: amount")).views().get("v")
        .indexes());
    assertOnlyProblem("p.yaml: view 'v': 'indexes' names the key column 'orderId'; the key is"
        + " read directly (GET /v1/views/{view}/{key}), it needs no index",
        view("indexes: [orderId]"));
    assertOnlyProblem("p.yaml: view 'v': 'indexes' lists 9 columns; at most 8 (each costs every"
        + " write one more index update)", view("indexes: [a, b, c, d, e, f, g, h, i]"));
    assertOnlyProblem("p.yaml: view 'v': 'indexes': index column 'a:b' must match"
        + " [A-Za-z_][A-Za-z0-9_]{0,63}", view("indexes: ['a:b']"));
    assertOnlyProblem("p.yaml: view 'v': 'indexes' names column 'Status' twice",
        view("indexes: [status, Status]"));
    assertOnlyProblem("p.yaml: view 'v': 'indexes' must be a list of value columns, but was"
        + " 'status'", view("indexes: status"));
  }

  @Test
  void badIntervals() {
    assertOnlyProblem("p.yaml: view 'v': 'ttl' must be an interval like '30 seconds' or '500 ms'"
        + " (units ms, seconds, minutes, hours, days), but was '10'", view("ttl: 10"));
  }

  @Test
  void schemaThatDoesNotParse() {
    List<String> problems = problems("""
        sources:
          orders: { topic: orders, schema: "orderId STRNG NOT NULL" }
        views:
          v: { sql: SELECT orderId FROM orders, key: orderId, kind: latest }
        """);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith(
        "p.yaml: source 'orders': schema does not parse as Spark DDL: "), problems.get(0));
    assertFalse(problems.get(0).contains("\n"));
  }

  @Test
  void eventTimeAndWatermarkProblems() {
    assertOnlyProblem("p.yaml: source 'orders': eventTime column 'when' is not in the schema",
        source("eventTime: when"));
    assertOnlyProblem("p.yaml: source 'orders': eventTime column 'id' must be TIMESTAMP, but is"
        + " STRING", source("eventTime: id"));
    assertOnlyProblem("p.yaml: source 'orders': watermark needs eventTime, the timestamp column"
        + " it tracks", source("watermark: 30 seconds"));
  }

  @Test
  void optionsTheProcessorOwns() {
    assertOnlyProblem("p.yaml: source 'orders': option 'subscribe' is set by the processor"
        + " (topic: and --kafka)", source("options: { subscribe: other }"));
  }

  @Test
  void reservedColumnAndBadSourceName() {
    assertOnlyProblem("p.yaml: source 'orders': schema column name '_corrupt_record' is reserved",
        """
        sources:
          orders: { topic: orders, schema: "id STRING, _corrupt_record STRING" }
        views:
          v: { sql: SELECT id FROM orders, key: id, kind: latest }
        """);
    List<String> problems = problems("""
        sources:
          my-orders: { topic: orders, schema: "id STRING" }
        views:
          v: { sql: SELECT id FROM orders, key: id, kind: latest }
        """);
    assertTrue(problems.get(0).startsWith("p.yaml: source 'my-orders': name must match"),
        problems.toString());
  }

  @Test
  void fileShapeProblems() {
    assertOnlyProblem("p.yaml: must be a YAML mapping with 'sources:' and 'views:'", "- a\n- b\n");
    assertOnlyProblem("p.yaml: 'views:' must map at least one name to its settings", SOURCE);
    assertOnlyProblem("p.yaml: unknown top-level field 'veiws' (expected sources, views and"
        + " optionally tombstoneRetention)",
        SOURCE + "veiws: {}\nviews:\n  v: { sql: SELECT 1 FROM orders, key: a, kind: latest }\n");
    List<String> yaml = problems("sources:\n  orders: [unclosed\n");
    assertEquals(1, yaml.size(), yaml.toString());
    assertTrue(yaml.get(0).startsWith("p.yaml: line 3: not valid YAML: "), yaml.get(0));
  }

  @Test
  void missingFileNamesIt() {
    PipelineException e = assertThrows(PipelineException.class,
        () -> PipelineParser.parse(Path.of("no/such/pipeline.yaml")));
    assertEquals(1, e.problems().size());
    assertTrue(e.getMessage().startsWith("no/such/pipeline.yaml: cannot read the pipeline file"),
        e.getMessage());
  }

  @Test
  void reportsEveryProblemAtOnce() {
    List<String> problems = problems(SOURCE + """
        views:
          a: { sql: SELECT 1 FROM orders, key: a, kind: nope }
          b: { sql: SELECT 1 FROM orders, kind: latest }
        """);
    assertEquals(List.of(
        "p.yaml: view 'a': view kind must be one of aggregate, windowed, latest, but was 'nope'",
        "p.yaml: view 'b': 'key' is missing"), problems);
  }

  private static String view(String extra) {
    String kind = extra.startsWith("kind:") ? "" : "    kind: latest\n";
    return SOURCE + "views:\n  v:\n    sql: SELECT orderId, amount FROM orders\n"
        + "    key: orderId\n" + kind + "    " + extra + "\n";
  }

  @Test
  void realTimeTrigger() {
    ViewSpec v = PipelineParser.parse("p.yaml", source("key: id").replace(
        "kind: latest }", "kind: latest, trigger: realtime }")).views().get("v");
    assertTrue(v.realTime());
    assertEquals(ViewSpec.DEFAULT_REAL_TIME_BATCH, v.trigger());
    ViewSpec longer = PipelineParser.parse("p.yaml", source("key: id").replace(
        "kind: latest }", "kind: latest, trigger: realtime 30 seconds }")).views().get("v");
    assertEquals(Duration.ofSeconds(30), longer.trigger());
    assertTrue(PipelineParser.parse(demoPipeline()).views().get("order_status").realTime(),
        "the demo runs order_status in real-time mode");
  }

  @Test
  void realTimeTriggerProblems() {
    assertOnlyProblem("p.yaml: view 'v': 'trigger' realtime batches must last at least 5 seconds"
        + " (Spark's minimum), but were 1000 ms", source("key: id").replace(
        "kind: latest }", "kind: latest, trigger: realtime 1 second }"));
    assertOnlyProblem("p.yaml: view 'v': 'trigger: realtime' needs kind latest or aggregate (a"
        + " window closes by the watermark, which real-time mode does not keep), but kind is"
        + " windowed", source("key: id").replace(
        "kind: latest }", "kind: windowed, trigger: realtime }"));
  }

  @Test
  void sourceKeyAndDeadLetterTopic() {
    Pipeline p = PipelineParser.parse(demoPipeline());
    SourceSpec orders = p.sources().get("orders");
    assertEquals("orderId", orders.key());
    assertEquals("orders.dlq", orders.deadLetterTopic());
    SourceSpec custom = PipelineParser.parse("p.yaml", source("key: ID\n    deadLetterTopic: bad-orders"))
        .sources().get("orders");
    assertEquals("id", custom.key(), "the schema's spelling");
    assertEquals("bad-orders", custom.deadLetterTopic());
  }

  @Test
  void sourceKeyAndDeadLetterTopicProblems() {
    assertOnlyProblem("p.yaml: source 'orders': key field 'orderId' is not in the schema",
        source("key: orderId"));
    assertOnlyProblem("p.yaml: source 'orders': key field 'tags' must be a single value, but is"
        + " ARRAY<STRING>", """
        sources:
          orders: { topic: orders, schema: "id STRING, tags ARRAY<STRING>", key: tags }
        views:
          v: { sql: SELECT id FROM orders, key: id, kind: latest }
        """);
    assertOnlyProblem("p.yaml: source 'orders': deadLetterTopic must differ from the source topic"
        + " 'orders'", source("deadLetterTopic: orders"));
    assertOnlyProblem("p.yaml: source 'orders': deadLetterTopic 'bad topic' must match"
        + " [A-Za-z0-9._-]{1,249}", source("deadLetterTopic: bad topic"));
  }

  @Test
  void sourceSchemaAsTheContractStatesIt() {
    SourceSpec orders = PipelineParser.parse(demoPipeline()).sources().get("orders");
    io.streamgate.contract.events.StreamEntry entry = orders.streamEntry(42);
    assertEquals("orders", entry.name());
    assertEquals("orderId", entry.keyField());
    assertEquals("ts", entry.eventTime());
    assertEquals(42, entry.registeredAt());
    assertEquals(List.of("orderId:string:true", "userId:string:true", "productId:string:true",
            "amount:double:true", "status:string:false", "ts:timestamp:true"),
        entry.schema().fields().stream()
            .map(f -> f.name() + ":" + f.type().wireName() + ":" + f.required()).toList());
  }

  @Test
  void debeziumSourcesAreKeyedByThePrimaryKeyAndHaveNoEventTime() {
    String changelog = """
        sources:
          customers:
            topic: shop.public.customers
            format: debezium
            key: customerId
            schema: "customerId STRING NOT NULL, city STRING"
        views:
          v: { sql: SELECT * FROM customers, key: customerId, kind: latest }
        """;
    SourceSpec customers = PipelineParser.parse("p.yaml", changelog).sources().get("customers");
    assertEquals(SourceFormat.DEBEZIUM, customers.format());
    assertTrue(customers.changelog());
    assertTrue(!customers.ingestible(), "event ingest must not write a changelog topic");
    assertEquals(SourceFormat.DEBEZIUM,
        customers.withOption("startingOffsets", "earliest").format());
    assertOnlyProblem("p.yaml: source 'customers': format debezium needs 'key': the table's"
        + " primary key column (changes of one row are ordered and deduplicated by it)",
        changelog.replace("    key: customerId\n", ""));
    assertOnlyProblem("p.yaml: source 'customers': format must be one of json, debezium, but was"
        + " 'avro'", changelog.replace("format: debezium", "format: avro"));
    assertOnlyProblem("p.yaml: source 'customers': schema column name '_op' is reserved in a"
        + " debezium source (it is added to the table's columns)",
        changelog.replace("city STRING", "_op STRING"));
    assertOnlyProblem("p.yaml: source 'customers': schema column name '_sg_x' is reserved (names"
        + " starting with _sg_ are the processor's)",
        changelog.replace("city STRING", "_sg_x STRING"));
  }

  @Test
  void tombstoneRetentionPerViewOrForTheWholeFile() {
    String yaml = """
        tombstoneRetention: 2 hours
        sources:
          orders: { topic: orders, schema: "id STRING" }
        views:
          a: { sql: SELECT id FROM orders, key: id, kind: latest }
          b: { sql: SELECT id FROM orders, key: id, kind: latest, tombstoneRetention: 5 minutes }
        """;
    Pipeline p = PipelineParser.parse("p.yaml", yaml);
    assertEquals(java.time.Duration.ofHours(2), p.views().get("a").tombstoneRetention());
    assertEquals(java.time.Duration.ofMinutes(5), p.views().get("b").tombstoneRetention());
    assertEquals(ViewSpec.DEFAULT_TOMBSTONE_RETENTION, PipelineParser.parse("p.yaml",
        yaml.replace("tombstoneRetention: 2 hours\n", "")).views().get("a").tombstoneRetention());
    // Views are published one by one: the file's default goes along with each.
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> views =
        (Map<String, Map<String, Object>>) PipelineParser.document(yaml).get("views");
    assertEquals("2 hours", views.get("a").get("tombstoneRetention"));
    assertEquals("5 minutes", views.get("b").get("tombstoneRetention"));
    assertTrue(problems(yaml.replace("5 minutes", "0 seconds")).get(0)
        .startsWith("p.yaml: view 'b': 'tombstoneRetention' must be more than 0"));
  }

  private static String table(String fields) {
    return SOURCE + "  tiers:\n    kind: table\n" + fields.indent(4)
        + "views:\n  v: { sql: SELECT userId FROM orders, key: userId, kind: latest }\n";
  }

  private static final String TABLE = """
      url: jdbc:postgresql://db:5432/shop
      table: public.customers
      key: customerid
      schema: "customerId STRING NOT NULL, tier STRING, since DATE, credit DECIMAL(10,2)"
      """;

  @Test
  void lookupTablesAreSourcesOfKindTable() {
    Pipeline p = PipelineParser.parse("p.yaml", table(TABLE + "refresh: 30 seconds\nuser: reader\n"
        + "passwordFile: /run/secrets/db\n"));
    assertEquals(List.of("orders"), List.copyOf(p.sources().keySet()));
    assertEquals(List.of("orders", "tiers"), p.sourceNames());
    TableSpec tiers = p.tables().get("tiers");
    assertEquals("customerId", tiers.key(), "spelled as the schema spells it");
    assertEquals(Duration.ofSeconds(30), tiers.refresh());
    assertEquals("reader", tiers.user());
    assertEquals(Path.of("/run/secrets/db"), tiers.passwordFile());
    assertEquals("SELECT \"customerId\", \"tier\", \"since\", \"credit\" FROM public.customers",
        tiers.selectSql());
    assertEquals("p.yaml: source 'tiers'", tiers.where());

    TableSpec query = PipelineParser.parse("p.yaml", table(TABLE.replace("table: public.customers",
        "query: SELECT * FROM customers WHERE tier IS NOT NULL"))).tables().get("tiers");
    assertEquals("SELECT * FROM customers WHERE tier IS NOT NULL", query.selectSql());
    assertEquals(TableSpec.DEFAULT_REFRESH, query.refresh());
    assertTrue(query.sameTable(new TableSpec(query.name(), "elsewhere", query.url(), query.table(),
        query.query(), query.key(), query.schema(), query.refresh(), null, null, null)));
  }

  @Test
  void lookupTableProblemsOneLineEach() {
    assertEquals(List.of("p.yaml: source 'tiers': 'password' does not belong in a pipeline file; put"
        + " it in a file named by 'passwordFile' or in an environment variable named by"
        + " 'passwordEnv'"), problems(table(TABLE + "password: hunter2\n")));
    assertEquals(List.of("p.yaml: source 'tiers': url must not carry the password; use"
        + " 'passwordFile' or 'passwordEnv'"),
        problems(table(TABLE.replace("/shop", "/shop?password=x"))));
    assertEquals(List.of("p.yaml: source 'tiers': url must be a PostgreSQL JDBC URL"
        + " (jdbc:postgresql://host:port/database, the driver the processor ships), but was"
        + " 'jdbc:mysql://db/shop'"),
        problems(table(TABLE.replace("jdbc:postgresql://db:5432/shop", "jdbc:mysql://db/shop"))));
    assertEquals(List.of("p.yaml: source 'tiers': a table source needs exactly one of 'table' (a"
        + " database table) and 'query' (a SELECT)"),
        problems(table(TABLE + "query: SELECT 1\n")));
    assertEquals(List.of("p.yaml: source 'tiers': query must be a SELECT (or WITH … SELECT), but"
        + " was 'DELETE FROM customers'"),
        problems(table(TABLE.replace("table: public.customers", "query: DELETE FROM customers"))));
    assertEquals(List.of("p.yaml: source 'tiers': table 'customers; drop' must be a table name,"
        + " optionally schema.table, without quotes (for anything else use 'query')"),
        problems(table(TABLE.replace("public.customers", "'customers; drop'"))));
    assertEquals(List.of("p.yaml: source 'tiers': key column 'id' is not in the schema"),
        problems(table(TABLE.replace("key: customerid", "key: id"))));
    assertEquals(List.of("p.yaml: source 'tiers': schema column 'tags' has type ARRAY<STRING>; a"
        + " table's columns must be one of " + TableSpec.SUPPORTED_TYPES),
        problems(table(TABLE.replace("credit DECIMAL(10,2)", "tags ARRAY<STRING>"))));
    assertEquals(List.of("p.yaml: source 'tiers': 'refresh' must be at least 1 second, but was"
        + " 100 ms"), problems(table(TABLE + "refresh: 100 ms\n")));
    assertEquals(List.of("p.yaml: source 'tiers': passwordEnv must name an environment variable"
        + " ([A-Za-z_][A-Za-z0-9_]*), but was 'DB PASSWORD'"),
        problems(table(TABLE + "passwordEnv: DB PASSWORD\n")));
    assertEquals(List.of("p.yaml: source 'tiers': unknown field 'topic' (known: key, kind,"
        + " passwordEnv, passwordFile, query, refresh, schema, table, url, user)"),
        problems(table(TABLE + "topic: customers\n")));
    assertEquals(List.of("p.yaml: source 'tiers': kind must be stream (a Kafka topic, the default)"
        + " or table (a lookup table read over JDBC), but was 'view'"),
        problems(table(TABLE).replace("kind: table", "kind: view")));
  }

  private static String source(String extra) {
    return "sources:\n  orders:\n    topic: orders\n    schema: \"id STRING, ts TIMESTAMP\"\n    "
        + extra + "\nviews:\n  v: { sql: SELECT id FROM orders, key: id, kind: latest }\n";
  }

  static List<String> problems(String yaml) {
    return assertThrows(PipelineException.class, () -> PipelineParser.parse("p.yaml", yaml))
        .problems();
  }

  private static void assertOnlyProblem(String expected, String yaml) {
    assertEquals(List.of(expected), problems(yaml));
  }
}
