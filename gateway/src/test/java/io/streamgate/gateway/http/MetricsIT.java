package io.streamgate.gateway.http;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics}: Prometheus text with the meters the README lists, fed by real traffic. */
class MetricsIT {
  @TempDir static Path tempDir;
  static GatewayFixture fx;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders");
      seed.write(new Row("user_totals", "u1", 1, 1, "{\"orders\":1}"));
    });
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void routesStatusesRateLimitsBreakerCacheAndRedisAreMeasured() {
    String token = fx.token("views:read");
    for (int i = 0; i < 3; i++) {
      assertEquals(200, fx.get("/v1/views/user_totals/u1", token).statusCode());
    }
    assertEquals(404, fx.get("/v1/views/user_totals/nope", token).statusCode());
    assertEquals(401, fx.get("/v1/views/user_totals/u1", null).statusCode());
    assertEquals(404, fx.get("/nowhere", null).statusCode());
    String trial = fx.token(new JsonObject().put("sub", "metrics-trial").put("plan", "trial")
        .put("scope", "views:read"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    int refused = 0;
    for (int i = 0; i < 22; i++) {
      if (fx.get("/v1/views", trial).statusCode() == 429) {
        refused++;
      }
    }
    assertTrue(refused >= 2, "refused " + refused);

    HttpResponse<String> metrics = fx.management("/metrics", null);
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    String text = metrics.body();
    assertEquals(3.0, value(text, "http_server_requests_seconds_count",
        "method=\"GET\",route=\"/v1/views/{view}/{key}\",status=\"200\""), text);
    assertEquals(1.0, value(text, "http_server_requests_seconds_count",
        "method=\"GET\",route=\"/v1/views/{view}/{key}\",status=\"401\""));
    assertEquals(1.0, value(text, "http_server_requests_seconds_count",
        "method=\"GET\",route=\"unmatched\",status=\"404\""));
    assertTrue(text.contains("http_server_requests_seconds_bucket{method=\"GET\",route="
        + "\"/v1/views/{view}/{key}\",status=\"200\",le="), "latency histogram");
    assertEquals(refused, value(text, "streamgate_ratelimit_rejected_total", "plan=\"trial\""));
    assertEquals(1.0, value(text, "streamgate_breaker_state", "name=\"redis\",state=\"closed\""));
    assertEquals(0.0, value(text, "streamgate_breaker_state", "name=\"redis\",state=\"open\""));
    assertTrue(value(text, "streamgate_cache_hits_total", "") >= 2, "two of three reads hit");
    assertTrue(value(text, "streamgate_cache_misses_total", "") >= 1);
    assertTrue(value(text, "streamgate_cache_hit_ratio", "") > 0);
    assertTrue(value(text, "streamgate_redis_calls_seconds_count", "outcome=\"success\"") >= 2);
  }

  @Test
  void metricsAndReadinessDetailsAreOnTheManagementListenerOnly() {
    assertProblem(fx.get("/metrics", null), 404, "not-found");
    HttpResponse<String> details = fx.management("/health/ready", null);
    assertEquals(200, details.statusCode(), details.body());
    JsonObject ready = GatewayFixture.json(details);
    assertEquals("UP", ready.getString("status"));
    assertEquals(true, ready.getJsonObject("redis").getBoolean("up"));
    assertEquals(true, ready.getJsonObject("catalog").getBoolean("loaded"));
    assertEquals("CLOSED", ready.getJsonObject("breaker").getString("state"));
    assertTrue(ready.getJsonObject("ingest").containsKey("enabled"), details.body());
    assertEquals(200, fx.management("/health/live", null).statusCode());
    assertProblem(fx.management("/v1/views", null), 404, "not-found");
  }

  /** The public readiness answers from the last timed PING: no Redis call per request. */
  @Test
  void aFloodOfReadinessChecksMakesNoRedisCalls() {
    String series = "streamgate_redis_calls_seconds_count";
    double before = value(fx.metrics(), series, "outcome=\"success\"");
    for (int i = 0; i < 200; i++) {
      assertEquals(200, fx.get("/health/ready", null).statusCode());
    }
    double after = value(fx.metrics(), series, "outcome=\"success\"");
    // Only the catalog's periodic refresh may have called meanwhile (a few calls at most).
    assertTrue(after - before < 10, "readiness made " + (after - before) + " guarded calls");
  }

  /** The sample value of {@code name{labels}} (labels in Prometheus' sorted order). */
  private static double value(String text, String name, String labels) {
    String series = labels.isEmpty() ? name : name + "{" + labels + "}";
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
        .matcher(text);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }
}
