package io.streamgate.gateway.warmup;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.ConfigLoader;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.config.TlsConfig;
import io.streamgate.gateway.config.WarmupConfig;
import io.streamgate.gateway.http.WarmupMark;
import io.streamgate.gateway.warmup.internal.LoopbackWarmup;
import io.streamgate.harness.FreePorts;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up before readiness on a real gateway and redis-server: readiness waits for it, its
 * requests show in no access log line, request metric, usage count or rate-limit key, and it
 * ends at once when Redis is down.
 */
class WarmupIT {
  private static final Row U1 = new Row("user_totals", "u1", 3, 1_732_531_200_000L,
      "{\"orders\":2,\"total\":30.5}");
  private static final String ROUTE = "route=\"/v1/views/{view}/{key}\"";
  private static final WarmupConfig WARMUP = new WarmupConfig(true, 1_500, 5_000, 8, 100);
  private static final UnaryOperator<GatewayConfig> WARM =
      c -> c.withHttp(c.http().withWarmup(WARMUP));

  @TempDir Path tempDir;
  private GatewayFixture fx;

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void readinessWaitsForTheWarmupWhoseRequestsCountNowhere() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    // The access log writes to whatever System.out is when it flushes.
    System.setOut(new PrintStream(new Tee(stdout, captured), true, StandardCharsets.UTF_8));
    try {
      fx = GatewayFixture.start(tempDir, seed -> {
        seed.register("user_totals", "orders", "total");
        seed.write(U1);
        seed.index(U1, null); // the warm-up finds its rows by a listing
      }, WARM);
      HttpResponse<String> early = fx.get("/health/ready", null);
      assertProblem(early, 503, "not-ready");
      assertTrue(early.body().contains("warming up"), early.body());
      JsonObject details = GatewayFixture.json(fx.management("/health/ready", null));
      assertEquals("DOWN", details.getString("status"));
      assertEquals("running", details.getJsonObject("warmup").getString("state"));

      long started = System.nanoTime();
      Poll.until(Duration.ofSeconds(10), () -> fx.gateway.warmup().finished(), f -> f,
          "warm-up finished");
      assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < WARMUP.maxMs() + 2_000);
      assertEquals(200, fx.get("/health/ready", null).statusCode());
      JsonObject warmup = GatewayFixture.json(fx.management("/health/ready", null))
          .getJsonObject("warmup");
      assertEquals("finished", warmup.getString("state"));
      long requests = warmup.getLong("requests");
      // More than its connections' first shares: the connections it replaced read on.
      assertTrue(requests > WARMUP.connections() * LoopbackWarmup.READS_PER_CONNECTION,
          warmup.encode());
      assertFalse(warmup.getString("reason").contains("not answering"), warmup.encode());
      assertTrue(warmup.getLong("ms") >= WARMUP.minMs(), warmup.encode());

      String metrics = fx.metrics();
      assertFalse(metrics.lines().anyMatch(l -> l.contains(ROUTE)), "warm-up reads in /metrics");
      // Its reads went through the near cache (hits: the row, misses: the missing keys).
      assertTrue(counter(metrics, "streamgate_cache_hits_total") > 0, metrics);
      assertTrue(counter(metrics, "streamgate_cache_misses_total") > 0, metrics);

      // A client's read, and one pretending to be the warm-up, are logged and counted.
      String token = fx.token("views:read");
      assertEquals(200, fx.get("/v1/views/user_totals/u1", token).statusCode());
      assertEquals(200, fx.get("/v1/views/user_totals/u1", token,
          WarmupMark.HEADER, "0123456789abcdef0123456789abcdef").statusCode());
      String after = fx.metrics();
      assertEquals(2, after.lines()
          .filter(l -> l.startsWith("http_server_requests_seconds_count") && l.contains(ROUTE))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum(),
          after);
      // The writer flushes every 20 ms: the two lines may come in two flushes.
      Poll.until(Duration.ofSeconds(5), () -> captured.toString(StandardCharsets.UTF_8),
          out -> out.lines().filter(l -> l.contains("\"path\":\"/v1/views/user_totals")).count()
              >= 2, "both client reads logged");
      String log = captured.toString(StandardCharsets.UTF_8);
      assertEquals(2, log.lines().filter(l -> l.contains("\"path\":\"/v1/views/user_totals")).count(),
          "only the client's two reads in the access log:\n" + log);

      // Usage is flushed every 2 s and limits synced every 100 ms: the client's keys show up,
      // the warm-up's never do.
      Poll.until(Duration.ofSeconds(10), () -> keys("*usage:tester*"), k -> !k.isEmpty(),
          "the client's usage flushed");
      Poll.until(Duration.ofSeconds(10), () -> keys("*rl}:w:*tester*"), k -> !k.isEmpty(),
          "the client's rate-limit count synced");
      assertEquals(List.of(), keys("*streamgate-warmup*"));
    } finally {
      System.setOut(stdout);
    }
  }

  @Test
  void endsAtOnceWhenRedisIsDownAndReadinessThenFollowsRedis() {
    int port = FreePorts.find();
    fx = GatewayFixture.start(tempDir, null, "redis://127.0.0.1:" + port, seed -> { },
        c -> c.withHttp(c.http().withWarmup(new WarmupConfig(true, 3_000, 15_000, 8, 100))));
    long started = System.nanoTime();
    Poll.until(Duration.ofSeconds(8), () -> fx.gateway.warmup().details(),
        d -> "finished".equals(d.get("state")), "warm-up finished although Redis is down");
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 8_000);
    JsonObject details = GatewayFixture.json(fx.management("/health/ready", null));
    assertTrue(details.getJsonObject("warmup").getString("reason").contains("not answering"),
        details.encode());
    HttpResponse<String> ready = fx.get("/health/ready", null);
    assertProblem(ready, 503, "not-ready");
    assertFalse(ready.body().contains("warming up"), ready.body());
  }

  @Test
  void warmsUpOverTlsWhenTheListenerServesIt() throws Exception {
    Path cert = tempDir.resolve("cert.pem");
    Path key = tempDir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", key.toString(),
        "-out", cert.toString()).redirectErrorStream(true)
        .redirectOutput(tempDir.resolve("openssl.log").toFile()).start();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
    TlsConfig tls = ConfigLoader.parse("http:\n  tls:\n    certFile: " + cert + "\n    keyFile: "
        + key + "\n", "gateway.yaml", Map.of()).http().tls();
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders", "total");
      seed.write(U1);
      seed.index(U1, null);
    }, c -> c.withHttp(c.http().withWarmup(WARMUP).withTls(tls)));
    Poll.until(Duration.ofSeconds(10), () -> fx.gateway.warmup().finished(), f -> f,
        "warm-up finished");
    JsonObject warmup = GatewayFixture.json(fx.management("/health/ready", null))
        .getJsonObject("warmup");
    assertTrue(warmup.getLong("requests") > 100, warmup.encode());
    assertFalse(warmup.getString("reason").contains("not answering"), warmup.encode());
    String metrics = fx.metrics();
    assertTrue(counter(metrics, "streamgate_cache_hits_total") > 100, metrics);
  }

  private List<String> keys(String pattern) {
    Response response = fx.seeder().send(Request.cmd(Command.KEYS).arg(pattern));
    List<String> out = new ArrayList<>();
    response.forEach(r -> out.add(r.toString()));
    return out;
  }

  private static double counter(String metrics, String name) {
    return metrics.lines().filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1))).sum();
  }

  /** Writes to both streams. */
  private static final class Tee extends OutputStream {
    private final PrintStream first;
    private final ByteArrayOutputStream second;

    Tee(PrintStream first, ByteArrayOutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }
}
