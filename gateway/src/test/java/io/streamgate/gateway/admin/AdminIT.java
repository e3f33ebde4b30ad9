package io.streamgate.gateway.admin;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static io.streamgate.gateway.GatewayFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlReply.Outcome;
import io.streamgate.contract.control.ControlReply.ViewResult;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.contract.control.ViewStatus;
import io.streamgate.contract.control.ViewStatus.State;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.AdminConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API against a real gateway and Redis, with {@link FakeProcessor} playing the
 * processor's control loop: requests reach the control stream as the processor reads them,
 * replies come back as 200, 422 or 504, every call needs scope admin and leaves one audit line,
 * on the management listener and on the public port alike.
 */
class AdminIT {
  private static final int TIMEOUT_MS = 2_000;
  private static final String PIPELINE = "{\"pipeline\":{\"views\":{\"user_totals\":{\"source\":"
      + "\"orders\",\"sql\":\"SELECT userId, count(*) AS orders FROM orders GROUP BY userId\","
      + "\"key\":\"userId\"}}}}";

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static FakeProcessor processor;
  static String admin;
  static final ByteArrayOutputStream out = new ByteArrayOutputStream();
  static PrintStream stdout;

  @BeforeAll
  static void start() {
    // slf4j-simple writes to whatever System.out is at the time: the audit lines land here too.
    stdout = System.out;
    System.setOut(new PrintStream(new Tee(stdout, out), true, StandardCharsets.UTF_8));
    fx = GatewayFixture.start(tempDir, seed -> seed.register("user_totals", "orders"),
        config -> config.withAdmin(new AdminConfig(TIMEOUT_MS)));
    processor = new FakeProcessor(fx.vertx, fx.redis.uri(), fx.keyspace);
    admin = token("ops-alice", "admin");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (processor != null) {
        processor.close();
      }
      if (fx != null) {
        fx.close();
      }
    } finally {
      System.setOut(stdout);
    }
  }

  @BeforeEach
  void answerOk() {
    processor.answer = FakeProcessor::ok;
    processor.announce = true;
  }

  @Test
  void applyIsQueuedForTheProcessorAndAnsweredWithItsReply() {
    processor.answer = request -> new ControlReply(request.id(), true, null,
        List.of(new ViewResult("user_totals", Outcome.ALTERED, 2, "v2 backfilling")), null);
    long before = System.currentTimeMillis();
    HttpResponse<String> response = post(fx.gateway.managementPort(), "/admin/v1/views/apply",
        admin, PIPELINE);
    assertEquals(200, response.statusCode(), response.body());
    JsonObject reply = json(response);
    assertTrue(reply.getBoolean("ok"));
    JsonObject result = reply.getJsonArray("results").getJsonObject(0);
    assertEquals("altered", result.getString("outcome"));
    assertEquals("v2 backfilling", result.getString("detail"));

    ControlRequest seen = seen(reply.getString("id"));
    assertEquals(ControlRequest.Op.APPLY, seen.op());
    assertEquals("ops-alice", seen.who());
    assertEquals("127.0.0.1", seen.from());
    assertTrue(seen.at() >= before && seen.at() <= System.currentTimeMillis(), "at " + seen.at());
    assertEquals(TIMEOUT_MS, seen.deadline() - seen.at());
    assertEquals(new JsonObject(PIPELINE).getJsonObject("pipeline").getMap(),
        new JsonObject(io.streamgate.contract.json.Json.write(seen.body().get("pipeline")))
            .getMap());
    assertEquals(false, seen.body().get("dryRun"));
    assertEquals(null, seen.body().get("file"));

    String line = auditLine(reply.getString("id"));
    JsonObject audit = new JsonObject(line.substring(line.indexOf('{')));
    assertEquals("ops-alice", audit.getString("who"));
    assertEquals("apply", audit.getString("what"));
    assertEquals(new JsonArray().add("user_totals"), audit.getJsonArray("views"));
    assertEquals("ok", audit.getString("outcome"));
    assertEquals(200, audit.getInteger("status"));
    assertEquals("127.0.0.1", audit.getString("from"));
    assertEquals(response.headers().firstValue("X-Request-Id").orElseThrow(),
        audit.getString("requestId"));
  }

  @Test
  void aDryRunSaysSoAndAReplyIsFoundWithoutItsAnnouncement() {
    processor.announce = false;
    HttpResponse<String> response = post(fx.gateway.managementPort(),
        "/admin/v1/views/apply?dryRun=true", admin,
        PIPELINE.substring(0, PIPELINE.length() - 1) + ",\"file\":\"mine.yaml\"}");
    assertEquals(200, response.statusCode(), response.body());
    ControlRequest seen = seen(json(response).getString("id"));
    assertEquals(true, seen.body().get("dryRun"));
    assertEquals("mine.yaml", seen.body().get("file"));
  }

  @Test
  void aRefusedPipelineIs422WithEveryErrorLine() {
    processor.answer = request -> ControlReply.refused(request.id(),
        "views.user_totals.sql: column amout not found\nviews.other.key: missing");
    HttpResponse<String> response = post(fx.gateway.managementPort(), "/admin/v1/views/apply",
        admin, PIPELINE);
    assertProblem(response, 422, "invalid-pipeline");
    JsonObject problem = json(response);
    assertEquals(new JsonArray().add("views.user_totals.sql: column amout not found")
        .add("views.other.key: missing"), problem.getJsonArray("errors"));
    assertTrue(auditLine(problem.getString("controlRequest")).contains("\"outcome\":\"refused\""));
  }

  @Test
  void withoutAProcessorTheCallEndsAt504NamingTheRequest() {
    processor.answer = null;
    long started = System.nanoTime();
    HttpResponse<String> response = post(fx.gateway.managementPort(), "/admin/v1/views/apply",
        admin, PIPELINE);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertProblem(response, 504, "processor-timeout");
    JsonObject problem = json(response);
    String id = problem.getString("controlRequest");
    assertTrue(problem.getString("detail").contains(id), problem.encode());
    assertTrue(problem.getString("detail").contains("within 2 s"), problem.encode());
    assertTrue(tookMs >= TIMEOUT_MS - 50 && tookMs < TIMEOUT_MS + 2_000, "took " + tookMs);
    assertTrue(auditLine(id).contains("\"outcome\":\"timeout\""));
  }

  @Test
  void everyCallNeedsATokenWithScopeAdminOnBothListeners() {
    String reader = token("reader", "views:read");
    int before = processor.seen.size();
    for (int port : List.of(fx.gateway.managementPort(), fx.gateway.port())) {
      assertProblem(get(port, "/admin/v1/views", null), 401, "unauthorized");
      assertProblem(get(port, "/admin/v1/views", reader), 403, "forbidden");
      assertProblem(post(port, "/admin/v1/views/apply", reader, PIPELINE), 403, "forbidden");
    }
    assertEquals(before, processor.seen.size(), "nothing refused reached the processor");
    Poll.until(Duration.ofSeconds(5), AdminIT::auditText,
        text -> text.contains("\"who\":\"reader\",\"what\":\"apply\"")
            && text.contains("\"outcome\":\"forbidden\"")
            && text.contains("\"who\":null,\"what\":\"list\"")
            && text.contains("\"outcome\":\"unauthenticated\""), "audit lines of refusals");
  }

  @Test
  void malformedBodiesAreProblemsThatNeverReachTheProcessor() {
    int port = fx.gateway.managementPort();
    int before = processor.seen.size();
    assertProblem(post(port, "/admin/v1/views/apply", admin, "not json"), 400, "bad-request");
    assertProblem(post(port, "/admin/v1/views/apply", admin, "[1]"), 400, "bad-request");
    assertProblem(post(port, "/admin/v1/views/apply", admin, "{\"views\":{}}"), 400,
        "bad-request");
    assertProblem(post(port, "/admin/v1/views/apply", admin,
        "{\"pipeline\":{\"views\":{\"x\":\"" + "a".repeat(1 << 20) + "\"}}}"), 413,
        "payload-too-large");
    assertProblem(post(port, "/admin/v1/views/preview", admin, "{\"limit\":5}"), 400,
        "bad-request");
    assertProblem(post(port, "/admin/v1/views/preview", admin,
        "{\"source\":\"orders\",\"sql\":\"SELECT 1\",\"limit\":0}"), 400, "bad-request");
    assertProblem(get(port, "/admin/v1/views/apply", admin), 405, "method-not-allowed");
    assertProblem(get(port, "/admin/v1/views/Bad-Name", admin), 400, "bad-request");
    assertEquals(before, processor.seen.size());
  }

  @Test
  void previewAndDropAreControlRequestsToo() {
    processor.answer = request -> new ControlReply(request.id(), true, null, List.of(),
        request.op() == ControlRequest.Op.PREVIEW ? Map.of("columns",
            List.of(Map.of("name", "userId", "type", "string")), "rows",
            List.of(Map.of("key", "u1", "value", Map.of("userId", "u1")))) : null);
    HttpResponse<String> preview = post(fx.gateway.managementPort(), "/admin/v1/views/preview",
        admin, "{\"source\":\"orders\",\"sql\":\"SELECT userId FROM orders\",\"key\":\"userId\"}");
    assertEquals(200, preview.statusCode(), preview.body());
    assertEquals("u1", json(preview).getJsonObject("preview").getJsonArray("rows")
        .getJsonObject(0).getString("key"));
    ControlRequest previewed = seen(json(preview).getString("id"));
    assertEquals(ControlRequest.Op.PREVIEW, previewed.op());
    assertEquals(20L, ((Number) previewed.body().get("limit")).longValue());
    assertEquals("userId", previewed.body().get("key"));

    HttpResponse<String> drop = send(HttpRequest.newBuilder(uri(fx.gateway.port(),
        "/admin/v1/views/user_totals")).header("Authorization", "Bearer " + admin).DELETE());
    assertEquals(200, drop.statusCode(), drop.body());
    assertTrue(drop.headers().firstValue("RateLimit-Limit").isPresent(), "public port: limited");
    ControlRequest dropped = seen(json(drop).getString("id"));
    assertEquals(ControlRequest.Op.DROP, dropped.op());
    assertEquals(Map.of("view", "user_totals"), dropped.body());
  }

  @Test
  void concurrentRequestsEachGetTheirOwnReply() {
    processor.answer = request -> new ControlReply(request.id(), true, null,
        List.of(new ViewResult("v", Outcome.UNCHANGED, 1, request.id())), null);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> post(fx.gateway.managementPort(),
          "/admin/v1/views/apply", admin, PIPELINE)));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> response = call.join();
      assertEquals(200, response.statusCode(), response.body());
      JsonObject reply = json(response);
      assertEquals(reply.getString("id"),
          reply.getJsonArray("results").getJsonObject(0).getString("detail"));
    }
  }

  @Test
  void listAndDescribeReadDefinitionsStatusAndCatalogFromRedis() {
    String definition = "{\"name\":\"user_totals\",\"serving\":1,\"versions\":[{\"version\":1,"
        + "\"spec\":{\"sql\":\"SELECT 1\"},\"state\":\"live\"},{\"version\":2,\"spec\":{\"sql\":"
        + "\"SELECT 2\"},\"state\":\"backfilling\"}]}";
    ViewStatus status = new ViewStatus("user_totals", 1, List.of(
        new VersionStatus(1, State.LIVE, 1, 3, 120, 1_700_000_000_000L, ""),
        new VersionStatus(2, State.BACKFILLING, 0.63, 4000, 80, 1_699_000_000_000L, "")), 1);
    fx.seeder().send(Request.cmd(Command.HSET).arg(fx.keyspace.viewDefinitions())
        .arg("user_totals").arg(definition));
    fx.seeder().send(Request.cmd(Command.HSET).arg(fx.keyspace.viewStatus())
        .arg("user_totals").arg(status.toJson()));

    HttpResponse<String> list = get(fx.gateway.managementPort(), "/admin/v1/views", admin);
    assertEquals(200, list.statusCode(), list.body());
    JsonObject view = json(list).getJsonArray("views").getJsonObject(0);
    assertEquals("user_totals", view.getString("name"));
    assertEquals(1, view.getInteger("version"));
    assertEquals("live, v2 backfilling 63 %", view.getString("state"));
    assertEquals(3, view.getInteger("lagRecords"));
    assertEquals(120, view.getInteger("rows"));
    assertEquals("2023-11-14T22:13:20Z", view.getString("freshness"));
    assertEquals(new JsonObject(definition), view.getJsonObject("definition"));

    HttpResponse<String> described = get(fx.gateway.port(), "/admin/v1/views/user_totals", admin);
    assertEquals(200, described.statusCode(), described.body());
    JsonObject full = json(described);
    assertEquals("user_totals", full.getJsonObject("catalog").getString("name"));
    assertEquals(0.63, full.getJsonObject("status").getJsonArray("versions").getJsonObject(1)
        .getDouble("progress"), 1e-9);
    assertProblem(get(fx.gateway.port(), "/admin/v1/views/nothing_here", admin), 404,
        "not-found");
  }

  @Test
  void sourcesAreReadFromTheProcessorsDefinitionsWithScopeAdmin() {
    fx.seeder().send(Request.cmd(Command.HSET).arg(fx.keyspace.sourceDefinitions()).arg("orders")
        .arg("{\"topic\":\"orders\",\"schema\":\"orderId STRING NOT NULL\"}"));
    HttpResponse<String> sources = get(fx.gateway.port(), "/admin/v1/sources", admin);
    assertEquals(200, sources.statusCode(), sources.body());
    JsonObject orders = json(sources).getJsonArray("sources").getJsonObject(0);
    assertEquals("orders", orders.getString("name"));
    assertEquals("orderId STRING NOT NULL", orders.getJsonObject("definition").getString("schema"));
    assertProblem(get(fx.gateway.managementPort(), "/admin/v1/sources",
        token("reader", "views:read")), 403, "forbidden");
    Poll.until(Duration.ofSeconds(5), AdminIT::auditText,
        text -> text.contains("\"who\":\"ops-alice\",\"what\":\"sources\""),
        "the audit line of sources");
  }

  private static ControlRequest seen(String id) {
    return processor.seen.stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("the processor never saw " + id));
  }

  private static String auditText() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The audit line naming a control request (written once the response was sent). */
  private static String auditLine(String controlId) {
    String text = Poll.until(Duration.ofSeconds(5), AdminIT::auditText,
        t -> t.contains("\"controlId\":\"" + controlId + "\""), "audit line of " + controlId);
    List<String> lines = text.lines()
        .filter(l -> l.contains("\"controlId\":\"" + controlId + "\"")).toList();
    assertEquals(1, lines.size(), "one line per call: " + lines);
    assertTrue(lines.get(0).contains("audit"), lines.get(0));
    assertFalse(lines.get(0).contains("Exception"));
    return lines.get(0);
  }

  private static String token(String subject, String scope) {
    return fx.token(new JsonObject().put("sub", subject).put("scope", scope), new JWTOptions()
        .setIssuer("streamgate").setAudience(List.of("streamgate")).setExpiresInMinutes(5));
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> get(int port, String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  private static HttpResponse<String> post(int port, String path, String token, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    return fx.send(request.timeout(Duration.ofSeconds(15)).build());
  }

  /** Copies what is written to both streams. */
  private static final class Tee extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    Tee(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }
  }
}
