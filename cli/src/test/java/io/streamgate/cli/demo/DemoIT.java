package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamgate.cli.kafka.KafkaOptions;
import io.streamgate.contract.json.Json;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.MetricNames;
import io.streamgate.harness.Modules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import io.streamgate.cli.token.DemoSecret;
import io.streamgate.cli.token.TokenMinter;
import io.streamgate.cli.token.TokenRequest;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the demo's own orchestration (the code behind {@code ./streamgate demo}) on
 * free ports: events into Kafka come out of the gateway, every metric the dashboards and alerts
 * read is exported, and stopping leaves nothing behind.
 */
class DemoIT {
  private static final Duration ROW_DEADLINE = Duration.ofSeconds(90);
  private static final String LOOKUP_METRICS = "streamgate_processor_lookup_";

  @TempDir Path stateDir;

  @Test
  void servesProducedOrdersOverRestAndStopsEveryProcess() throws Exception {
    int httpPort = freeConsecutivePorts(2);
    int kafkaPort = FreePorts.find();
    int redisPort = FreePorts.find();
    DemoSettings settings = DemoSettings.defaults(Modules.root())
        .withStateDir(stateDir)
        .withPorts(httpPort, kafkaPort, redisPort)
        .withGenerator(false)
        .withGateways(2)
        .withProcessorMetricsPort(FreePorts.find())
        .withManagementPort(freeConsecutivePorts(2));
    Demo demo = new Demo(settings, new StartupProgress(System.out));
    List<Child> children = new ArrayList<>();
    try {
      demo.start();
      children.addAll(demo.children());
      System.out.printf(Locale.ROOT, "DemoIT: demo ready in %.1f s%n", demo.startupTime().toMillis() / 1000.0);
      assertEquals(List.of("redis", "kafka", "processor", "gateway-1", "gateway-2"),
          children.stream().map(Child::name).toList());
      assertTrue(demo.views().containsAll(List.of("order_status", "product_revenue", "user_totals")), demo.views()
          .toString());

      String run = Long.toString(System.nanoTime(), 36);
      String paidOrder = "o-" + run + "-1";
      String buyer = "user-" + run;
      Instant now = Instant.now();
      long ackedNanos;
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaOptions.producer(settings.kafkaBootstrap()))) {
        send(producer, order(paidOrder, "user-other-" + run, "12.50", "created", now));
        send(producer, order(paidOrder, "user-other-" + run, "12.50", "paid", now.plusMillis(5)));
        send(producer, order("o-" + run + "-2", buyer, "7.25", "created", now));
        send(producer, order("o-" + run + "-3", buyer, "2.75", "created", now.plusMillis(1)));
        producer.flush();
        ackedNanos = System.nanoTime();
      }

      GatewayClient gateway = demo.gateway();
      Map<String, Object> status = awaitRow(gateway, demo.token(), "order_status", paidOrder,
          value -> "paid".equals(value.get("status")));
      long latencyMs = (System.nanoTime() - ackedNanos) / 1_000_000;
      System.out.printf(Locale.ROOT, "DemoIT: produce -> REST latency %d ms for the first batch (order_status/%s)%n",
          latencyMs,
          paidOrder);
      assertEquals(12.5, ((Number) status.get("amount")).doubleValue(), 1e-9);

      Map<String, Object> totals = awaitRow(gateway, demo.token(), "user_totals", buyer,
          value -> Long.valueOf(2).equals(value.get("orders")));
      assertEquals(10.0, ((Number) totals.get("total")).doubleValue(), 1e-9);

      // A second change once Spark is warm: the latency a running demo shows.
      String shippedOrder = "o-" + run + "-2";
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaOptions.producer(settings.kafkaBootstrap()))) {
        send(producer, order(shippedOrder, buyer, "7.25", "paid", Instant.now()));
        ackedNanos = System.nanoTime();
      }
      awaitRow(gateway, demo.token(), "order_status", shippedOrder, value -> "paid".equals(value.get("status")));
      System.out.printf(Locale.ROOT, "DemoIT: produce -> REST latency %d ms once warm%n",
          (System.nanoTime() - ackedNanos) / 1_000_000);

      assertEquals(401, gateway.row("order_status", paidOrder, null).status(), "no token, no row");

      // The second gateway serves the same rows and shares the rate limits through Redis.
      GatewayClient second = new GatewayClient(URI.create("http://127.0.0.1:" + settings.gatewayPort(1)));
      assertEquals(200, second.row("order_status", paidOrder, demo.token()).status());
      assertSharedTrialLimit(List.of(gateway, second), trialToken(), paidOrder);

      assertObservedMetricsExported(settings, List.of(gateway, second), demo.token(), paidOrder);
      assertViewsListedByTheCli(settings);

      // Issue 17 on the demo: filters, projection, freshness headers, GraphQL = REST and = push.
      QueryPowerCheck query = new QueryPowerCheck(gateway.base(), demo.token());
      String openOrder = "o-" + run + "-3";
      query.filterAndProjection(buyer, Map.of(shippedOrder, "paid", openOrder, "created"));
      query.graphQlEqualsRest(buyer);
      query.subscriptionsAgree(buyer, openOrder, "shipped", () -> {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaOptions.producer(settings.kafkaBootstrap()))) {
          send(producer, order(openOrder, buyer, "2.75", "shipped", Instant.now()));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      query.filterAndProjection(buyer, Map.of(shippedOrder, "paid", openOrder, "shipped"));
    } finally {
      demo.stop(line -> System.out.println("DemoIT: " + line));
    }

    for (Child child : children) {
      assertTrue(child.pid() > 0, child.name() + " has a known pid");
      assertFalse(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false),
          child.name() + " (pid " + child.pid() + ") still runs");
    }
    for (int port : List.of(httpPort, httpPort + 1, kafkaPort, redisPort, settings.processorMetricsPort(),
        settings.managementPort(0), settings.managementPort(1))) {
      assertThrows(ConnectException.class, () -> connect(port), "port " + port + " still accepts connections");
    }
    try (var files = Files.list(stateDir.resolve("pids"))) {
      assertEquals(List.of(), files.toList(), "pid files removed");
    }
  }

  /**
   * {@code --with-postgres}: the demo database's customers table over REST. An insert shows up,
   * an update changes it, a delete makes it 404 (row-deleted); customers_by_city follows. Prints
   * database commit → REST visible for a few changes (the commit time is the change's own, {@code
   * _source_ts}).
   */
  @Test
  void withPostgresServesTheDatabaseTableLive() throws Exception {
    // The server runs as the OS user postgres when the test runs as root: it must reach its data.
    Files.setPosixFilePermissions(stateDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    int httpPort = FreePorts.find();
    int kafkaPort = FreePorts.find();
    int redisPort = FreePorts.find();
    DemoSettings settings = DemoSettings.defaults(Modules.root())
        .withStateDir(stateDir)
        .withPorts(httpPort, kafkaPort, redisPort)
        .withGenerator(false)
        .withProcessorMetricsPort(FreePorts.find())
        .withPostgres(true, FreePorts.find());
    Demo demo = new Demo(settings, new StartupProgress(System.out));
    List<Child> children = new ArrayList<>();
    try {
      demo.start();
      children.addAll(demo.children());
      assertEquals(List.of("postgres", "redis", "kafka", "connector", "processor", "gateway"),
          children.stream().map(Child::name).toList());
      assertTrue(demo.views().containsAll(List.of("customers", "customers_by_city", "order_status")),
          demo.views().toString());
      GatewayClient gateway = demo.gateway();
      String token = demo.token();
      awaitRow(gateway, token, "customers_by_city", "London", value -> Long.valueOf(2).equals(value.get("customers")));

      psql(demo, "INSERT INTO customers VALUES ('c-it', 'Ida Rhodes', 'gold', 'London')");
      awaitRow(gateway, token, "customers", "c-it", value -> "London".equals(value.get("city")));
      awaitRow(gateway, token, "customers_by_city", "London", value -> Long.valueOf(3).equals(value.get("customers")));
      psql(demo, "UPDATE customers SET city = 'Paris' WHERE \"customerId\" = 'c-it'");
      awaitRow(gateway, token, "customers", "c-it", value -> "Paris".equals(value.get("city")));
      psql(demo, "DELETE FROM customers WHERE \"customerId\" = 'c-it'");
      long deadline = System.nanoTime() + ROW_DEADLINE.toNanos();
      GatewayClient.Response deleted = gateway.row("customers", "c-it", token);
      while (deleted.status() != 404 && System.nanoTime() < deadline) {
        Thread.sleep(50);
        deleted = gateway.row("customers", "c-it", token);
      }
      assertEquals(404, deleted.status(), deleted.body());
      assertTrue(deleted.body().contains("deleted"), deleted.body());
      // Paris had no customer before: its group is deleted, not left at 0.
      deadline = System.nanoTime() + ROW_DEADLINE.toNanos();
      while (gateway.row("customers_by_city", "Paris", token).status() != 404 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(404, gateway.row("customers_by_city", "Paris", token).status());

      // The lookup table customer_tiers is read and refreshed; revenue_by_tier joins it.
      long metricsDeadline = System.nanoTime() + ROW_DEADLINE.toNanos();
      String metrics = "";
      while (!metrics.contains("streamgate_processor_lookup_rows{table=\"customer_tiers\"} 50.0")
          && System.nanoTime() < metricsDeadline) {
        Thread.sleep(200);
        metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + settings.processorMetricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      }
      assertTrue(metrics.contains("streamgate_processor_lookup_rows{table=\"customer_tiers\"} 50.0"), metrics);
      assertTrue(metrics.contains("streamgate_processor_lookup_refresh_failures_total{table=\"customer_tiers\"} 0.0"),
          metrics);
      assertTrue(demo.views().contains("revenue_by_tier"), demo.views().toString());

      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String city = "City " + i;
        psql(demo, "UPDATE customers SET city = '" + city + "' WHERE \"customerId\" = 'c-1'");
        Map<String, Object> value = awaitRow(gateway, token, "customers", "c-1", v -> city.equals(v.get("city")), 20);
        latencies.add(System.currentTimeMillis() - Instant.parse((String) value.get("_source_ts")).toEpochMilli());
      }
      List<Long> sorted = latencies.stream().sorted().toList();
      System.out.printf(Locale.ROOT, "DemoIT: database commit -> REST visible, 20 updates: p50 %d ms, max %d ms%n",
          sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    } finally {
      demo.stop(line -> System.out.println("DemoIT: " + line));
    }
    for (Child child : children) {
      assertFalse(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false),
          child.name() + " (pid " + child.pid() + ") still runs");
    }
    assertThrows(ConnectException.class, () -> connect(settings.postgresPort()), "PostgreSQL still runs");
  }

  /** Runs SQL with the psql command line the demo prints. */
  private static void psql(Demo demo, String sql) throws Exception {
    List<String> command = new ArrayList<>(List.of(demo.psql().split(" ")));
    command.addAll(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), "psql " + sql + ": " + output);
  }

  /**
   * The demo's trial plan admits 20 requests a minute per principal. Requests spread over both
   * gateways, slower than the 100 ms limit sync, are admitted about 20 times in all, not 20 per
   * gateway: at most 5 % over plus one sync interval's worth of requests.
   */
  private static void assertSharedTrialLimit(List<GatewayClient> gateways, String token, String key)
      throws InterruptedException {
    // Limits count in fixed windows aligned to the epoch: stay inside one minute.
    long intoMinute = System.currentTimeMillis() % 60_000;
    if (intoMinute > 55_000) {
      Thread.sleep(60_500 - intoMinute);
    }
    int admitted = 0;
    int[] refusedBy = new int[gateways.size()];
    for (int i = 0; i < 60; i++) {
      int status = gateways.get(i % gateways.size()).row("order_status", key, token).status();
      if (status == 200) {
        admitted++;
      } else {
        assertEquals(429, status, "request " + i);
        refusedBy[i % gateways.size()]++;
      }
      Thread.sleep(40);
    }
    System.out.printf(Locale.ROOT, "DemoIT: trial plan (20/min) over 2 gateways admitted %d of 60%n", admitted);
    assertTrue(admitted >= 20, "the first 20 are admitted, got " + admitted);
    assertTrue(admitted <= 20 + 1 + 3, "shared limit: at most 21 plus one sync interval's worth, got " + admitted);
    for (int refused : refusedBy) {
      assertTrue(refused > 0, "every gateway refuses once the shared limit is spent");
    }
  }

  /**
   * Every metric name the dashboards and alert rules in deploy/observability read is exported by
   * the running gateways and processor. Some series exist only once something happened, so first
   * this causes what the demo run above did not: an ingested event, an SSE message and a dead
   * letter (429s, reads and batches happened already). Not caused, so not read by any panel or
   * rule: push drops and coalescing (slow clients), windowed-row expiry (no windowed view).
   */
  private void assertObservedMetricsExported(DemoSettings settings, List<GatewayClient> gateways, String readToken,
      String key) throws Exception {
    // HTTP/1.1: the JDK client's default h2c upgrade misread a large /metrics answer as frames.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3)).build();
    URI first = gateways.get(0).base();
    String event = order("o-metrics-" + System.nanoTime(), "user-metrics", "1.00", "created", Instant.now());
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(first.resolve("/v1/events/" + DemoSettings.ORDERS_TOPIC))
        .header("Authorization", "Bearer " + token("demoit-ingest", "events:orders:write"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, posted.statusCode(), posted.body());
    HttpResponse<InputStream> sse = http.send(HttpRequest.newBuilder(first.resolve("/v1/views/order_status/" + key
        + "/events")).header("Authorization", "Bearer " + readToken).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
      assertEquals(200, sse.statusCode());
      String line;
      do {
        line = lines.readLine();
      } while (line != null && !line.startsWith("data:"));
      assertTrue(line != null, "the SSE stream sent its snapshot");
    }
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaOptions.producer(settings.kafkaBootstrap()))) {
      producer.send(new ProducerRecord<>(DemoSettings.ORDERS_TOPIC, "not-json", "this is not an order")).get();
    }

    Path observability = Modules.root().resolve(MetricNames.DIR);
    SortedSet<String> required = MetricNames.requiredBy(observability);
    // Only a pipeline with lookup tables exports these: withPostgres checks them.
    required.removeIf(name -> name.startsWith(LOOKUP_METRICS));
    List<URI> endpoints = new ArrayList<>();
    // Gateways serve /metrics on their management listener only; the public port answers 404.
    for (int i = 0; i < gateways.size(); i++) {
      endpoints.add(URI.create("http://127.0.0.1:" + settings.managementPort(i) + "/metrics"));
      assertEquals(404, gateways.get(i).get("/metrics", null).status(), "public /metrics");
    }
    endpoints.add(URI.create("http://127.0.0.1:" + settings.processorMetricsPort() + "/metrics"));
    // Processor series follow each batch's progress report: poll until they are all there.
    long deadline = System.nanoTime() + ROW_DEADLINE.toNanos();
    SortedSet<String> missing;
    do {
      SortedSet<String> exported = new TreeSet<>();
      for (URI endpoint : endpoints) {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), endpoint.toString());
        exported.addAll(MetricNames.exported(page.body()));
      }
      missing = new TreeSet<>(required);
      missing.removeAll(exported);
      if (!missing.isEmpty()) {
        Thread.sleep(500);
      }
    } while (!missing.isEmpty() && System.nanoTime() < deadline);
    assertEquals(Set.of(), missing, "metrics read by " + observability + " but exported by neither gateway nor"
        + " the processor (" + endpoints + ")");
    System.out.printf(Locale.ROOT, "DemoIT: all %d metrics of the dashboards and alerts are exported%n", required.size());
  }

  /**
   * {@code ./streamgate views list} against the first gateway's management port, with a token
   * minted from the demo's secret: every view of the pipeline is listed.
   */
  private void assertViewsListedByTheCli(DemoSettings settings) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = io.streamgate.cli.Main.commandLine();
    cli.setOut(new java.io.PrintWriter(out));
    cli.setErr(new java.io.PrintWriter(err));
    int exit = cli.execute("views", "list", "--gateway", "http://127.0.0.1:" + settings.managementPort(0),
        "--state-dir", stateDir.toString());
    assertEquals(0, exit, err.toString());
    assertTrue(out.toString().startsWith("NAME"), out.toString());
    for (String view : List.of("order_status", "product_revenue", "user_totals")) {
      assertTrue(out.toString().lines().anyMatch(line -> line.startsWith(view + " ")), out.toString());
    }
    System.out.println("DemoIT: ./streamgate views list\n" + out);
  }

  private String trialToken() throws Exception {
    return token("demoit-trial", "views:read", "trial");
  }

  private String token(String subject, String scope) throws Exception {
    return token(subject, scope, null);
  }

  private String token(String subject, String scope, String plan) throws Exception {
    try (TokenMinter minter = new TokenMinter(DemoSecret.load(stateDir.resolve(DemoSecret.FILE_NAME)))) {
      return minter.mint(new TokenRequest(subject, scope, null, plan, Duration.ofMinutes(5)));
    }
  }

  /** The first of {@code count} consecutive free ports (the demo's gateways listen on consecutive ports). */
  private static int freeConsecutivePorts(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = FreePorts.find();
      boolean free = true;
      for (int i = 1; i < count && free; i++) {
        try (ServerSocket probe = new ServerSocket(first + i, 1, InetAddress.getLoopbackAddress())) {
          free = true;
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return first;
      }
    }
    throw new IOException("no " + count + " consecutive free ports found");
  }

  private static String order(String orderId, String userId, String amount, String status, Instant ts) {
    return "{\"orderId\":\"" + orderId + "\",\"userId\":\"" + userId + "\",\"productId\":\"sku-it\",\"amount\":"
        + amount + ",\"status\":\"" + status + "\",\"ts\":\"" + ts + "\"}";
  }

  private static void send(KafkaProducer<String, String> producer, String json) throws Exception {
    String key = (String) Json.parseObject(json).get("orderId");
    producer.send(new ProducerRecord<>(DemoSettings.ORDERS_TOPIC, key, json)).get();
  }

  /** Polls the row until it is served and its value passes {@code test}; returns the value. */
  private static Map<String, Object> awaitRow(GatewayClient gateway, String token, String view, String key,
      Predicate<Map<String, Object>> test) throws InterruptedException {
    return awaitRow(gateway, token, view, key, test, 50);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> awaitRow(GatewayClient gateway, String token, String view, String key,
      Predicate<Map<String, Object>> test, long pollMillis) throws InterruptedException {
    long deadline = System.nanoTime() + ROW_DEADLINE.toNanos();
    GatewayClient.Response last = null;
    while (System.nanoTime() < deadline) {
      last = gateway.row(view, key, token);
      if (last.ok()) {
        Map<String, Object> row = Json.parseObject(last.body());
        assertEquals(view, row.get("view"));
        assertEquals(key, row.get("key"));
        Map<String, Object> value = (Map<String, Object>) row.get("value");
        if (test.test(value)) {
          return value;
        }
      }
      Thread.sleep(pollMillis);
    }
    return fail(view + "/" + key + " not as expected within " + ROW_DEADLINE.toSeconds() + " s; last answer: "
        + (last == null ? "none" : last.status() + " " + last.body()));
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
    }
  }
}
