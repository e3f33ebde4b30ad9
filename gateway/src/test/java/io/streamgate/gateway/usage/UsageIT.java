package io.streamgate.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import io.streamgate.gateway.config.QuotaConfig;
import io.streamgate.harness.RedisServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage metering and quotas on three real gateways over one Redis: a partner's requests, rows
 * and refusals summed over the gateways equal what it sent, a gateway that stops flushes what
 * it counted; the 101st request of a principal on plan {@code metered} (100 requests a day) is a
 * 429 {@code quota-exceeded} with {@code Retry-After} at the end of the UTC day, and the other
 * gateways refuse it too once they have flushed.
 */
class UsageIT {
  private static final String ROW = "/v1/views/user_totals/u1";
  private static final Duration FLUSHED = Duration.ofMillis(3 * Usage.FLUSH_MS);

  @TempDir static Path tempDir;
  static RedisServer redis;
  static final List<GatewayFixture> gateways = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    redis = RedisServer.start();
    Map<String, PlanConfig> plans = new java.util.HashMap<>(LimitsConfig.defaultPlans());
    plans.put("metered", new PlanConfig(6000, 60, new QuotaConfig(
        new QuotaConfig.Amounts(100, 0, 0), QuotaConfig.Amounts.NONE)));
    for (int i = 0; i < 3; i++) {
      boolean first = i == 0;
      Path dir = Files.createDirectories(tempDir.resolve("g" + i));
      gateways.add(GatewayFixture.start(dir, null, redis.uri(), seed -> {
        if (first) {
          seed.register("user_totals", "orders");
          seed.write(new Row("user_totals", "u1", 1, 1, "{\"orders\":1}"));
          seed.write(new Row("user_totals", "u2", 1, 1, "{\"orders\":2}"));
        }
      }, c -> c.withLimits(c.limits().withPlans(LimitsConfig.DEFAULT_PLAN, plans))));
    }
  }

  @AfterAll
  static void stop() {
    gateways.forEach(GatewayFixture::close);
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void aPartnersUsageSummedOverTheGatewaysEqualsWhatItSent() {
    String token = token("partner-sum", null);
    int[] points = {7, 11, 13};
    int[] many = {2, 3, 1};
    int[] missing = {1, 2, 3};
    for (int i = 0; i < 3; i++) {
      GatewayFixture g = gateways.get(i);
      for (int n = 0; n < points[i]; n++) {
        assertEquals(200, g.get(ROW, token).statusCode());
      }
      for (int n = 0; n < many[i]; n++) {
        assertEquals(200, g.get("/v1/views/user_totals?keys=u1,u2,u3", token).statusCode());
      }
      for (int n = 0; n < missing[i]; n++) {
        assertEquals(404, g.get("/v1/views/no_such_view/k", token).statusCode());
      }
    }
    // Someone else's requests are not this partner's.
    gateways.get(0).get(ROW, token("someone-else", null));
    int ok = 7 + 11 + 13 + 2 + 3 + 1;
    long rows = 7 + 11 + 13 + 2 * (2 + 3 + 1);
    JsonObject usage = Poll.until(FLUSHED, () -> usage("partner-sum"),
        u -> u.getJsonObject("totals").getLong("requests.ok", 0L) == ok
            && u.getJsonObject("totals").getLong("requests.refused", 0L) == 6,
        "usage of partner-sum summed over 3 gateways");
    JsonObject totals = usage.getJsonObject("totals");
    assertEquals(rows, totals.getLong("rows"));
    JsonObject today = usage.getJsonArray("days").getJsonObject(0);
    assertEquals(LocalDate.now(ZoneOffset.UTC).toString(), today.getString("day"));
    JsonObject view = today.getJsonObject("resources").getJsonObject("user_totals");
    assertEquals(ok, view.getLong("requests.ok"));
    assertEquals(rows, view.getLong("rows"));
    // Refusals count under '-': a made-up view name never becomes a usage key.
    assertEquals(6, today.getJsonObject("resources").getJsonObject("-")
        .getLong("requests.refused"));
    assertEquals(2, today.getJsonObject("resources").size(), today.encode());
  }

  @Test
  void aGatewayThatStopsFlushesWhatItCounted() throws IOException {
    Path dir = Files.createDirectories(tempDir.resolve("short-lived"));
    GatewayFixture g = GatewayFixture.start(dir, null, redis.uri(), seed -> {});
    String token = token("partner-stop", null);
    try {
      Poll.until(Duration.ofSeconds(5), () -> g.get(ROW, token).statusCode(), s -> s == 200,
          "the catalog read");
      for (int n = 0; n < 4; n++) {
        assertEquals(200, g.get(ROW, token).statusCode());
      }
    } finally {
      g.close();
    }
    // No wait: the last flush ran while the gateway stopped.
    assertEquals(5, usage("partner-stop").getJsonObject("totals").getLong("requests.ok"));
  }

  @Test
  void theHundredAndFirstRequestOfAMeteredPrincipalInADayIsQuotaExceeded() {
    String token = token("partner-metered", "metered");
    GatewayFixture first = gateways.get(0);
    for (int n = 1; n <= 100; n++) {
      HttpResponse<String> response = first.get(ROW, token);
      assertEquals(200, response.statusCode(), "request " + n + ": " + response.body());
    }
    HttpResponse<String> refused = first.get(ROW, token);
    GatewayFixture.assertProblem(refused, 429, "quota-exceeded");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    long toMidnight = Duration.between(now, now.toLocalDate().plusDays(1)
        .atStartOfDay(ZoneOffset.UTC)).toSeconds();
    assertTrue(Math.abs(retryAfter - toMidnight) <= 5, retryAfter + " vs " + toMidnight);
    assertTrue(GatewayFixture.json(refused).getString("detail").contains("100 of 100 requests"),
        refused.body());
    // Shared: once the first gateway has flushed, the others know the day's quota is spent.
    for (GatewayFixture other : gateways.subList(1, 3)) {
      Poll.until(FLUSHED, () -> other.get(ROW, token).statusCode(), s -> s == 429,
          "quota-exceeded on gateway " + other.gateway.port());
    }
    assertTrue(first.metrics().contains(
        "streamgate_quota_rejected_total{period=\"day\",plan=\"metered\"}"), "metric");
  }

  private static JsonObject usage(String sub) {
    HttpResponse<String> response = gateways.get(0).management("/admin/v1/usage?sub=" + sub,
        token("ops", null, "admin"));
    assertEquals(200, response.statusCode(), response.body());
    return GatewayFixture.json(response);
  }

  private static String token(String sub, String plan) {
    return token(sub, plan, "views:read");
  }

  private static String token(String sub, String plan, String scope) {
    JsonObject claims = new JsonObject().put("sub", sub).put("scope", scope);
    if (plan != null) {
      claims.put("plan", plan);
    }
    return gateways.get(0).token(claims, new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
  }
}
