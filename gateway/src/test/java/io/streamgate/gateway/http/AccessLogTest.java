package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON access log line, over real HTTP, and the writer's drop-instead-of-block rule. */
class AccessLogTest {
  static Vertx vertx;
  static HttpServer server;
  static final List<String> lines = new CopyOnWriteArrayList<>();
  static AccessLogWriter writer;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    writer = new AccessLogWriter(1 << 16, AccessLogWriter.lines(lines::add));
    Router router = Router.router(vertx);
    router.route().handler(new RequestIdHandler());
    router.route().handler(new AccessLogHandler(writer));
    router.get("/things/:id").handler(ctx -> {
      GatewayMetrics.nameRoute(ctx, "/things/{id}");
      ctx.put(BearerAuthHandler.CONTEXT_KEY, new Principal("alice \"a\"", Set.of()));
      ctx.response().end("hello");
    });
    router.errorHandler(404, new ProblemHandler());
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stop() {
    writer.close();
    vertx.close().await();
  }

  @Test
  void timesAreIsoUtcWithMicrosecondsEvenOnTheMinuteAndWithLeadingZeros() {
    for (String time : new String[] {"2026-01-01T00:00:00.000000Z", "2026-11-25T16:07:41.000042Z",
        "1999-12-31T23:59:59.999999Z", "2026-03-04T05:06:07.120000Z"}) {
      StringBuilder out = new StringBuilder();
      AccessLogHandler.appendTime(out, Instant.parse(time));
      assertEquals(time, out.toString());
    }
    StringBuilder twice = new StringBuilder(); // the second's text is reused within a second
    AccessLogHandler.appendTime(twice, Instant.parse("2026-01-01T00:00:01.5Z"));
    AccessLogHandler.appendTime(twice.append(' '), Instant.parse("2026-01-01T00:00:01.25Z"));
    assertEquals("2026-01-01T00:00:01.500000Z 2026-01-01T00:00:01.250000Z", twice.toString());
  }

  @Test
  void aRequestProducesOneParseableJsonLineWithItsFields() throws Exception {
    Instant before = Instant.now().minusMillis(1);
    HttpResponse<String> response = send("/things/42?x=1", "req-1");
    assertEquals(200, response.statusCode());

    Map<String, Object> line = lineFor("req-1");
    assertEquals("GET", line.get("method"));
    assertEquals("/things/{id}", line.get("route"));
    assertEquals("/things/42", line.get("path"));
    assertEquals(200L, ((Number) line.get("status")).longValue());
    assertEquals(5L, ((Number) line.get("bytes")).longValue());
    assertTrue(((Number) line.get("durationMs")).doubleValue() >= 0);
    assertEquals("alice \"a\"", line.get("sub"));
    assertEquals("127.0.0.1", line.get("remote"));
    Instant time = Instant.parse((String) line.get("time"));
    assertTrue(!time.isBefore(before) && !time.isAfter(Instant.now()), time.toString());
  }

  @Test
  void generatedRequestIdsAre32HexDigitsAsLongToHexStringWroteThem() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String id = RequestIdHandler.generate();
      assertTrue(id.matches("[89a-f][0-9a-f]{15}[89a-f][0-9a-f]{15}"), id);
      seen.add(id);
    }
    assertEquals(1_000, seen.size());
    long high = Long.parseUnsignedLong(RequestIdHandler.generate().substring(0, 16), 16);
    assertTrue(high < 0, "the top bit is set, so there are always 16 digits");
  }

  @Test
  void anUnmatchedRequestIsLoggedWithAGeneratedIdAndNoRouteOrSubject() throws Exception {
    HttpResponse<String> response = send("/nowhere", "bad id with spaces");
    assertEquals(404, response.statusCode());
    String id = response.headers().firstValue(RequestIdHandler.HEADER).orElseThrow();
    Map<String, Object> line = lineFor(id);
    assertNull(line.get("route"));
    assertNull(line.get("sub"));
    assertEquals("/nowhere", line.get("path"));
    assertEquals(404L, ((Number) line.get("status")).longValue());
    assertTrue(((Number) line.get("bytes")).longValue() > 0);
  }

  @Test
  void aRehearsedLineIsEncodedButNeverWritten() {
    List<String> written = new CopyOnWriteArrayList<>();
    AccessLogWriter writer = new AccessLogWriter(1 << 10, AccessLogWriter.lines(written::add));
    writer.offer("first");
    writer.rehearse("the warm-up's, longer than the next line");
    writer.offer("second");
    writer.rehearse("another of the warm-up's");
    writer.close(5_000);
    assertEquals(List.of("first", "second"), written);
    assertEquals(0, writer.dropped());
  }

  @Test
  void aFullBufferDropsAndCountsInsteadOfBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> written = new CopyOnWriteArrayList<>();
    // Two lines of "line NN\n" (8 bytes) fit in each of the two buffers.
    AccessLogWriter stuck = new AccessLogWriter(16, AccessLogWriter.lines(line -> {
      try {
        release.await(10, TimeUnit.SECONDS); // a sink that cannot keep up (a full pipe)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.add(line);
    }));
    long start = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      stuck.offer("line " + (10 + i % 90));
    }
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < 1_000, "offer blocked for " + tookMs + " ms");
    // At most one buffer is with the sink and one filling: everything else is dropped.
    assertTrue(stuck.dropped() >= 96, "dropped " + stuck.dropped());
    release.countDown();
    stuck.close(5_000);
    assertEquals(100 - stuck.dropped(), written.size());
  }

  @Test
  void linesAreWrittenAsUtf8AndOneThatDoesNotFitIsDroppedWhole() {
    byte[] out = new byte[16];
    int end = AccessLogWriter.encode("é€😀a", out, 0);
    assertEquals("é€😀a\n", new String(out, 0, end, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(-1, AccessLogWriter.encode("0123456789abcdef", out, 0), "no room for the newline");
    assertEquals(-1, AccessLogWriter.encode("€", out, 14), "a character is never split");
    assertEquals("?\n", new String(out, 0, AccessLogWriter.encode("\ud800", out, 0),
        java.nio.charset.StandardCharsets.UTF_8), "a lone surrogate");
  }

  private HttpResponse<String> send(String path, String requestId) throws Exception {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .header(RequestIdHandler.HEADER, requestId).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Object> lineFor(String requestId) {
    String line = Poll.until(Duration.ofSeconds(5),
        () -> lines.stream().filter(l -> l.contains("\"requestId\":\"" + requestId + "\""))
            .findFirst().orElse(null),
        l -> l != null, "access log line for " + requestId);
    assertTrue(!line.contains("\n"), line);
    return Json.parseObject(line);
  }
}
