package io.streamgate.gateway.rest;

import static io.streamgate.gateway.GatewayFixture.json;
import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.config.AuthConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tenant claim and the token size limit over HTTP against a real gateway and Redis. */
class TenantIT {
  /** Above Vert.x's default 8 KiB header limit, so the gateway must raise that limit. */
  private static final int MAX_TOKEN_BYTES = 12_288;

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String acme;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders");
      seed.write(new Row("user_totals", "acme:u1", 1, 1, "{\"orders\":1}"));
      seed.write(new Row("user_totals", "acme:u2", 1, 1, "{\"orders\":2}"));
      seed.write(new Row("user_totals", "globex:u1", 1, 1, "{\"orders\":3}"));
    }, config -> config.withAuth(new AuthConfig(config.auth().issuer(), config.auth().audience(),
        config.auth().leewaySeconds(), config.auth().keys(), MAX_TOKEN_BYTES, List.of())));
    acme = token(new JsonObject().put("tenant", "acme"));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void aTenantReadsItsOwnKeysAndGets403ForOthers() {
    HttpResponse<String> own = fx.get("/v1/views/user_totals/acme:u1", acme);
    assertEquals(200, own.statusCode(), own.body());
    assertEquals("acme:u1", json(own).getString("key"));

    HttpResponse<String> other = fx.get("/v1/views/user_totals/globex:u1", acme);
    assertProblem(other, 403, "forbidden");
    assertTrue(json(other).getString("detail").contains("tenant 'acme'"), other.body());
    // Same answer whether or not the foreign key exists: no probing other tenants.
    assertProblem(fx.get("/v1/views/user_totals/globex:nope", acme), 403, "forbidden");
    assertProblem(fx.get("/v1/views/user_totals/u1", acme), 403, "forbidden");
  }

  @Test
  void aMultiGetWithAForeignKeyIs403AndOwnKeysAreServed() {
    HttpResponse<String> own = fx.get("/v1/views/user_totals?keys=acme:u1,acme:u2,acme:u9", acme);
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(2, json(own).getJsonArray("rows").size());
    assertEquals(new JsonArray().add("acme:u9"), json(own).getJsonArray("missing"));

    HttpResponse<String> mixed = fx.get("/v1/views/user_totals?keys=acme:u1,globex:u1", acme);
    assertProblem(mixed, 403, "forbidden");
    assertTrue(json(mixed).getString("detail").endsWith("not: globex:u1"), mixed.body());
  }

  @Test
  void pagingAndTopNAre403ForATenantButTheViewListIsUnchanged() {
    assertProblem(fx.get("/v1/views/user_totals?limit=10", acme), 403, "forbidden");
    assertProblem(fx.get("/v1/views/user_totals/top", acme), 403, "forbidden");
    HttpResponse<String> list = fx.get("/v1/views", acme);
    assertEquals(200, list.statusCode(), list.body());
    assertEquals("user_totals",
        json(list).getJsonArray("views").getJsonObject(0).getString("name"));
    // Without a tenant claim: every key, and paging.
    String global = token(new JsonObject());
    assertEquals(200, fx.get("/v1/views/user_totals/globex:u1", global).statusCode());
    assertEquals(200, fx.get("/v1/views/user_totals?limit=10", global).statusCode());
  }

  @Test
  void aMalformedTenantClaimIs401() {
    for (Object tenant : List.of("ac:me", "", 42, new JsonArray().add("acme"))) {
      HttpResponse<String> response =
          fx.get("/v1/views/user_totals/acme:u1", token(new JsonObject().put("tenant", tenant)));
      assertProblem(response, 401, "unauthorized");
      assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow()
          .contains("tenant claim"), response.headers().toString());
    }
  }

  @Test
  void anOversizedTokenIs401BeforeParsing() {
    String big = token(new JsonObject().put("pad", "p".repeat(MAX_TOKEN_BYTES)));
    HttpResponse<String> response = fx.get("/v1/views/user_totals/acme:u1", big);
    assertProblem(response, 401, "unauthorized");
    assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow()
        .contains("longer than " + MAX_TOKEN_BYTES + " bytes"));
    assertProblem(fx.get("/v1/views/user_totals/acme:u1", "x".repeat(MAX_TOKEN_BYTES + 1)),
        401, "unauthorized");
  }

  @Test
  void aLargeTokenWithinTheLimitIsAccepted() {
    // 10 KiB of claims: more than Vert.x's default header limit (which would answer 431).
    String large = token(new JsonObject().put("tenant", "acme").put("pad", "p".repeat(7_000)));
    assertTrue(large.length() > 8192 && large.length() < MAX_TOKEN_BYTES, "" + large.length());
    HttpResponse<String> response = fx.get("/v1/views/user_totals/acme:u1", large);
    assertEquals(200, response.statusCode(), response.body());
  }

  private static String token(JsonObject extraClaims) {
    JsonObject claims = new JsonObject().put("sub", "partner").put("scope", "views:read")
        .mergeIn(extraClaims);
    return fx.token(claims, new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
  }
}
