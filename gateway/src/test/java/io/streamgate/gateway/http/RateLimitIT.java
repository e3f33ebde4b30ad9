package io.streamgate.gateway.http;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.config.LimitsConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rate-limit stage over HTTP with the built-in plans (trial: 20 requests per 60 s). */
class RateLimitIT {
  private static final String ROW = "/v1/views/user_totals/u1";

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
  void aTrialTokenGetsTwentyRequestsThenA429WithRetryAfter() {
    String token = token("trial-user", "trial");
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> ok = fx.get(ROW, token);
      assertEquals(200, ok.statusCode(), "request " + i + ": " + ok.body());
      assertEquals("20", header(ok, "RateLimit-Limit"));
      assertEquals(Integer.toString(19 - i), header(ok, "RateLimit-Remaining"));
      long reset = Long.parseLong(header(ok, "RateLimit-Reset"));
      assertTrue(reset >= 1 && reset <= 62, "reset " + reset); // 60 s plus one 2 s slot
    }
    HttpResponse<String> refused = fx.get(ROW, token);
    assertProblem(refused, 429, "rate-limited");
    assertEquals("0", header(refused, "RateLimit-Remaining"));
    long retryAfter = Long.parseLong(header(refused, "Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 62, "Retry-After " + retryAfter);
    assertTrue(GatewayFixture.json(refused).getString("detail").contains("'trial'"));

    assertEquals(200, fx.get(ROW, token("other-trial-user", "trial")).statusCode(),
        "limits are per principal");
  }

  @Test
  void tokensWithoutAPlanGetTheGenerousDefault() {
    HttpResponse<String> ok = fx.get(ROW, token("default-user", null));
    assertEquals(200, ok.statusCode());
    assertEquals("6000000", header(ok, "RateLimit-Limit"));
    assertEquals("5999999", header(ok, "RateLimit-Remaining"));
  }

  @Test
  void unauthenticatedAndHealthRequestsAreNotCounted() {
    HttpResponse<String> unauthorized = fx.get(ROW, null);
    assertEquals(401, unauthorized.statusCode());
    assertFalse(unauthorized.headers().firstValue("RateLimit-Limit").isPresent());
    assertFalse(fx.get("/health/live", null).headers().firstValue("RateLimit-Limit").isPresent());
  }

  @Test
  void withLimitsOffNothingIsCountedAndNoHeaderIsSent() throws Exception {
    Path dir = java.nio.file.Files.createTempDirectory(tempDir, "off");
    try (GatewayFixture off = GatewayFixture.start(dir, seed -> {
      seed.register("user_totals", "orders");
      seed.write(new Row("user_totals", "u1", 1, 1, "{\"orders\":1}"));
    }, config -> config.withLimits(new LimitsConfig(false, config.limits().defaultPlan(),
        config.limits().syncIntervalMs(), config.limits().plans(),
        config.limits().fallbackPlan())))) {
      String trial = off.token(new JsonObject().put("sub", "t").put("scope", "views:read")
          .put("plan", "trial"), new JWTOptions().setIssuer("streamgate")
          .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
      for (int i = 0; i < 25; i++) { // past the trial plan's 20
        HttpResponse<String> ok = off.get(ROW, trial);
        assertEquals(200, ok.statusCode(), ok.body());
        assertFalse(ok.headers().firstValue("RateLimit-Limit").isPresent());
      }
    }
  }

  private static String token(String subject, String plan) {
    JsonObject claims = new JsonObject().put("sub", subject).put("scope", "views:read");
    if (plan != null) {
      claims.put("plan", plan);
    }
    return fx.token(claims, new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
  }

  private static String header(HttpResponse<String> response, String name) {
    return response.headers().firstValue(name)
        .orElseThrow(() -> new AssertionError("no " + name + " header: " + response.headers()));
  }
}
