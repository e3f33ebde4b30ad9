package io.streamgate.gateway.ingest;

import static io.streamgate.gateway.ingest.IngestSupport.order;
import static io.streamgate.gateway.ingest.IngestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.harness.KafkaBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/events/{stream}} against a real broker and a real redis-server: what the 202
 * reports is what a consumer reads, invalid batches write nothing, and every refusal has its
 * status.
 */
class EventIngestIT {
  static final int MAX_BODY = 4096;
  static KafkaBroker kafka;
  static GatewayFixture fixture;
  static String writer;

  @BeforeAll
  static void start(@TempDir Path dir) {
    kafka = KafkaBroker.shared();
    IngestSupport.createTopic(kafka.bootstrapServers(), "it-orders", 3);
    IngestSupport.createTopic(kafka.bootstrapServers(), "it-strict", 1);
    fixture = GatewayFixture.start(dir, seeder -> { }, config -> config.withIngest(
        IngestConfig.defaults().withBootstrapServers(kafka.bootstrapServers())
            .withLimits(MAX_BODY, 100, 1 << 20)));
    IngestSupport.register(fixture.seeder(), fixture.keyspace,
        IngestSupport.orders("orders", "it-orders"));
    IngestSupport.register(fixture.seeder(), fixture.keyspace,
        IngestSupport.orders("strict", "it-strict"));
    Poll.until(Duration.ofSeconds(5), () -> fixture.gateway.ingest().streams().find("strict"),
        found -> found.isPresent(), "streams registered after start are discovered");
    writer = fixture.token("events:orders:write events:strict:write views:read");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /**
   * The first events after a start used to wait for the producer's connection, producer id and
   * metadata (more than the 5 s timeout on a busy machine: 503s). Now a known stream connects
   * ahead: its topic's metadata is asked for before any event, which this broker answers by
   * creating the topic (auto-create is on here), so the topic's appearance shows the request.
   */
  @Test
  void aNewStreamsTopicIsAskedForBeforeItsFirstEvent() {
    String topic = "it-prepared-" + System.nanoTime();
    assertTrue(!IngestSupport.topics(kafka.bootstrapServers()).contains(topic));
    IngestSupport.register(fixture.seeder(), fixture.keyspace, IngestSupport.orders("prepared", topic));
    Poll.until(Duration.ofSeconds(15), () -> IngestSupport.topics(kafka.bootstrapServers()),
        topics -> topics.contains(topic), "the gateway asks for a new stream's topic before any event");
  }

  @Test
  void singleArrayAndNdjsonAreAcknowledgedWhereAConsumerReadsThem() {
    Map<String, String> sent = new HashMap<>(); // "partition/offset" -> event text
    String single = order("s-1", 9.5);
    record(sent, single, post("application/json", single), 1);
    List<String> array = List.of(order("a-1", 1), order("a-2", 2.25), order("a-3", 3));
    record(sent, array, post("application/json; charset=utf-8",
        "[" + String.join(",\n ", array) + "]"), 3);
    List<String> lines = List.of(order("n-1", 4), order("n-2", 5));
    record(sent, lines, post("application/x-ndjson", String.join("\n", lines) + "\n"), 2);

    Map<String, ConsumerRecord<String, String>> read = new HashMap<>();
    for (ConsumerRecord<String, String> r : IngestSupport.readAll(kafka.bootstrapServers(),
        "it-orders")) {
      read.put(r.partition() + "/" + r.offset(), r);
    }
    sent.forEach((position, text) -> {
      ConsumerRecord<String, String> r = read.get(position);
      assertNotNull(r, "a 202 named " + position + " but the topic has no record there");
      assertEquals(text, r.value(), "the record value is the event exactly as sent");
      assertEquals(new JsonObject(text).getString("orderId"), r.key(), "keyed by orderId");
    });
  }

  @Test
  void oneKeysEventsStayOnOnePartitionInOrder() {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      events.add("{\"orderId\":\"k-" + (i % 4) + "\",\"amount\":" + i
          + ",\"ts\":\"2026-11-25T10:00:00Z\",\"seq\":" + i + "}");
    }
    // In two requests, one after the other: order holds within and across requests.
    JsonArray first = accepted(post("application/json", "[" + String.join(",",
        events.subList(0, 20)) + "]"), 20);
    JsonArray second = accepted(post("application/x-ndjson", String.join("\n",
        events.subList(20, 40))), 20);
    List<JsonObject> positions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      positions.add(first.getJsonObject(i));
    }
    for (int i = 0; i < 20; i++) {
      positions.add(second.getJsonObject(i));
    }
    Map<String, Integer> partitionOfKey = new HashMap<>();
    Map<String, Long> lastOffsetOfKey = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      JsonObject p = positions.get(i);
      String key = "k-" + (i % 4);
      Integer partition = partitionOfKey.putIfAbsent(key, p.getInteger("partition"));
      assertTrue(partition == null || partition.equals(p.getInteger("partition")),
          key + " moved partitions");
      Long before = lastOffsetOfKey.put(key, p.getLong("offset"));
      assertTrue(before == null || before < p.getLong("offset"), key + " out of order");
    }
  }

  @Test
  void oneBadEventRefusesTheBatchListingEveryViolationAndWritesNothing() {
    String body = "[" + order("ok-1", 1) + ","
        + "{\"orderId\":\"bad-1\",\"amount\":\"12\",\"ts\":\"2026-11-25T10:00:00Z\"},"
        + order("ok-2", 2) + ","
        + "{\"orderId\":null,\"amount\":1,\"qty\":1.5},"
        + "[1]]";
    HttpResponse<String> response = IngestSupport.post(fixture.gateway.port(), "strict", writer,
        "application/json", body);
    assertEquals(400, response.statusCode(), response.body());
    assertEquals("application/problem+json", response.headers().firstValue("Content-Type")
        .orElseThrow());
    JsonObject problem = new JsonObject(response.body());
    assertEquals("https://streamgate.dev/problems/invalid-events", problem.getString("type"));
    assertEquals(3, problem.getInteger("invalidEvents"));
    List<String> violations = new ArrayList<>();
    for (Object o : problem.getJsonArray("violations")) {
      JsonObject v = (JsonObject) o;
      violations.add(v.getInteger("index") + ":" + v.getString("field"));
      assertTrue(!v.getString("reason").isEmpty());
    }
    assertEquals(List.of("1:amount", "3:orderId", "3:qty", "3:ts", "4:null"), violations);

    // Nothing of the batch reached the topic: the next event is the topic's first.
    HttpResponse<String> next = IngestSupport.post(fixture.gateway.port(), "strict", writer,
        "application/json", order("after", 1));
    assertEquals(0L, accepted(next, 1).getJsonObject(0).getLong("offset"));
    assertEquals(1, IngestSupport.readAll(kafka.bootstrapServers(), "it-strict").size());
  }

  @Test
  void refusalsHaveTheirStatus() {
    int port = fixture.gateway.port();
    String event = order("x", 1);
    assertEquals(401, IngestSupport.post(port, "orders", null, "application/json", event)
        .statusCode());
    HttpResponse<String> forbidden = IngestSupport.post(port, "orders",
        fixture.token("views:read events:strict:write"), "application/json", event);
    assertEquals(403, forbidden.statusCode());
    assertTrue(forbidden.body().contains("events:orders:write"), forbidden.body());
    // Scope before existence; with the scope for every stream an unknown one is 404.
    assertEquals(403, IngestSupport.post(port, "nosuch", writer, "application/json", event)
        .statusCode());
    assertEquals(404, IngestSupport.post(port, "nosuch", fixture.token("events:write"),
        "application/json", event).statusCode());
    assertEquals(400, IngestSupport.post(port, "Bad-Name", writer, "application/json", event)
        .statusCode());
    HttpResponse<String> media = IngestSupport.post(port, "orders", writer, "text/plain", event);
    assertEquals(415, media.statusCode());
    assertTrue(media.body().contains("unsupported-media-type"), media.body());
    assertEquals(415, IngestSupport.post(port, "orders", writer, null, event).statusCode());
    HttpResponse<String> malformed = IngestSupport.post(port, "orders", writer,
        "application/json", "{\"orderId\":");
    assertEquals(400, malformed.statusCode());
    assertTrue(malformed.body().contains("bad-request"), malformed.body());
    // More events than maxEventsPerRequest (100).
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      many.append("{}\n");
    }
    assertEquals(413, IngestSupport.post(port, "orders", writer, "application/x-ndjson",
        many.toString()).statusCode());
  }

  @Test
  void oversizedBodiesAreRefusedWithoutReadingThem() {
    int port = fixture.gateway.port();
    String big = "[" + (order("big", 1) + ",").repeat(MAX_BODY / 40) + order("big", 1) + "]";
    assertTrue(big.length() > MAX_BODY);
    // Declared length over the limit: refused before reading.
    HttpResponse<String> declared = IngestSupport.post(port, "orders", writer,
        "application/json", big);
    assertEquals(413, declared.statusCode(), declared.body());
    assertTrue(declared.body().contains("payload-too-large"), declared.body());
    // No declared length (chunked): cut off once the bytes read pass the limit. The body here is
    // far larger than the limit and would not fit the gateway's buffer if it were read whole.
    byte[] huge = ("[" + (order("big", 1) + ",").repeat(200_000) + order("big", 1) + "]")
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> chunked = IngestSupport.post(port, "orders", writer, "application/json",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)),
        Duration.ofSeconds(15));
    assertEquals(413, chunked.statusCode(), chunked.body());
    // The gateway still answers normally afterwards.
    accepted(post("application/json", order("after-413", 1)), 1);
  }

  @Test
  void expectContinueGetsTheBodySentOnlyAfterTheChecks() throws Exception {
    String body = "[" + (order("c", 1) + ",").repeat(30) + order("c", 1) + "]";
    HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
        + fixture.gateway.port() + "/v1/events/orders")).expectContinue(true)
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> ok = IngestSupport.HTTP.send(request.copy()
        .header("Authorization", "Bearer " + writer).build(), HttpResponse.BodyHandlers.ofString());
    accepted(ok, 31);
    // Refused at the headers: the gateway answers without 100 Continue, so the client never
    // sends the body, and closes the connection (its unsent body would be read as a request).
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.gateway.port())) {
      socket.setSoTimeout(5000);
      String head = "POST /v1/events/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
          + "\r\nContent-Length: " + body.length() + "\r\nExpect: 100-continue\r\n"
          + "Authorization: Bearer " + fixture.token("views:read") + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
      assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
    }
    accepted(post("application/json", order("after-continue", 1)), 1);
  }

  @Test
  void aBatchCountsAsOneRequestAgainstTheRateLimit() {
    // The built-in trial plan: 20 requests per 60 s. 20 batches of 3 events all pass.
    String trial = fixture.token(new JsonObject().put("sub", "ingest-trial")
        .put("scope", "events:orders:write").put("plan", "trial"), new io.vertx.ext.auth.JWTOptions()
        .setIssuer("streamgate").setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    String batch = "[" + order("r-1", 1) + "," + order("r-2", 2) + "," + order("r-3", 3) + "]";
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = IngestSupport.post(fixture.gateway.port(), "orders", trial,
          "application/json", batch);
      accepted(r, 3);
      assertEquals("20", r.headers().firstValue("RateLimit-Limit").orElse(null));
    }
    HttpResponse<String> limited = IngestSupport.post(fixture.gateway.port(), "orders", trial,
        "application/json", batch);
    assertEquals(429, limited.statusCode(), limited.body());
    assertTrue(limited.headers().firstValue("Retry-After").isPresent());
  }

  @Test
  void metricsCountEventsBytesAndAckLatency() {
    accepted(post("application/json", order("m-1", 1)), 1);
    String metrics = fixture.metrics();
    assertTrue(metrics.contains("streamgate_ingest_events_total{outcome=\"accepted\",stream=\"orders\"}"),
        metrics);
    assertTrue(metrics.contains("streamgate_ingest_bytes_total{stream=\"orders\"}"), metrics);
    assertTrue(metrics.contains("streamgate_ingest_ack_seconds_count{outcome=\"success\"}"),
        metrics);
    assertTrue(metrics.contains("streamgate_ingest_inflight_bytes"), metrics);
  }

  private static HttpResponse<String> post(String contentType, String body) {
    return IngestSupport.post(fixture.gateway.port(), "orders", writer, contentType, body);
  }

  /** The 202's positions, checked to be one per event. */
  private static JsonArray accepted(HttpResponse<String> response, int events) {
    assertEquals(202, response.statusCode(), response.body());
    JsonObject body = new JsonObject(response.body());
    assertEquals(events, body.getInteger("accepted"));
    JsonArray positions = body.getJsonArray("events");
    assertEquals(events, positions.size());
    assertNull(response.headers().firstValue("Retry-After").orElse(null));
    return positions;
  }

  private static void record(Map<String, String> sent, String event, HttpResponse<String> r,
      int n) {
    record(sent, List.of(event), r, n);
  }

  private static void record(Map<String, String> sent, List<String> events,
      HttpResponse<String> response, int n) {
    JsonArray positions = accepted(response, n);
    for (int i = 0; i < n; i++) {
      JsonObject p = positions.getJsonObject(i);
      sent.put(p.getInteger("partition") + "/" + p.getLong("offset"), events.get(i));
    }
  }
}
