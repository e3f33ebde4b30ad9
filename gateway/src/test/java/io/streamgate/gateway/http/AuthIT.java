package io.streamgate.gateway.http;

import static io.streamgate.gateway.GatewayFixture.json;
import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer JWT and scopes, end to end over HTTP against a real gateway. */
class AuthIT {
  private static final String ROW = "/v1/views/user_totals/u1";

  @TempDir static Path tempDir;
  static GatewayFixture fx;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders");
      seed.register("order_status", "status");
      seed.write(new Row("user_totals", "u1", 1, 1, "{\"orders\":1}"));
      seed.write(new Row("order_status", "o1", 1, 1, "{\"status\":\"NEW\"}"));
    });
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void validTokenIsServed() {
    assertEquals(200, fx.get(ROW, fx.token("views:read")).statusCode());
  }

  @Test
  void missingTokenIs401WithAChallengeWithoutErrorCode() {
    HttpResponse<String> response = fx.get(ROW, null);
    assertProblem(response, 401, "unauthorized");
    assertEquals("Bearer realm=\"streamgate\"", challenge(response));

    HttpResponse<String> basic = fx.get(ROW, null, "Authorization", "Basic dXNlcjpwYXNz");
    assertProblem(basic, 401, "unauthorized");
    assertEquals("Bearer realm=\"streamgate\"", challenge(basic));
  }

  @Test
  void expiredTokenIs401InvalidToken() {
    long now = System.currentTimeMillis() / 1000;
    String token = fx.token(claims("views:read").put("exp", now - 60), issuedBy("streamgate"));
    HttpResponse<String> response = fx.get(ROW, token);
    assertInvalidToken(response, "expired");
  }

  @Test
  void expiryWithinTheLeewayIsAccepted() {
    long now = System.currentTimeMillis() / 1000;
    String token = fx.token(claims("views:read").put("exp", now - 2), issuedBy("streamgate"));
    assertEquals(200, fx.get(ROW, token).statusCode());
  }

  @Test
  void tokenNotYetValidIs401() {
    long now = System.currentTimeMillis() / 1000;
    String token = fx.token(claims("views:read").put("nbf", now + 600), valid());
    assertInvalidToken(fx.get(ROW, token), "not valid before");
  }

  @Test
  void tokenWithoutExpiryIs401() {
    assertInvalidToken(fx.get(ROW, fx.token(claims("views:read"), issuedBy("streamgate"))), "exp");
  }

  @Test
  void wrongSignatureIs401() {
    JWTAuth other = JWTAuth.create(fx.vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-of-enough-length!!")));
    String forged = other.generateToken(claims("views:read"), valid());
    assertInvalidToken(fx.get(ROW, forged), "invalid signature");
  }

  @Test
  void algNoneIsRefused() {
    long exp = System.currentTimeMillis() / 1000 + 300;
    String payload = b64(claims("views:read").put("iss", "streamgate").put("aud", "streamgate")
        .put("exp", exp).encode());
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    assertInvalidToken(fx.get(ROW, header + "." + payload + "."), "not signed");
    assertInvalidToken(fx.get(ROW, header + "." + payload + ".c2ln"), "algorithm none");
  }

  @Test
  void otherAlgorithmsThanTheConfiguredOnesAreRefused() {
    String valid = fx.token("views:read");
    String[] parts = valid.split("\\.");
    String header = b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}");
    assertInvalidToken(fx.get(ROW, header + "." + parts[1] + "." + parts[2]), "HS512");
  }

  @Test
  void wrongAudienceOrIssuerIs401() {
    String wrongAudience = fx.token(claims("views:read"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("someone-else")).setExpiresInMinutes(5));
    assertInvalidToken(fx.get(ROW, wrongAudience), "audience");

    String wrongIssuer = fx.token(claims("views:read"), issuedBy("mallory").setExpiresInMinutes(5));
    assertInvalidToken(fx.get(ROW, wrongIssuer), "issuer");
  }

  @Test
  void garbageTokenIs401() {
    assertInvalidToken(fx.get(ROW, "not-a-jwt"), "malformed");
    assertInvalidToken(fx.get(ROW, "a.b.c"), "malformed");
  }

  @Test
  void validTokenWithoutTheScopeIs403() {
    String token = fx.token("events:orders:write");
    assertProblem(fx.get(ROW, token), 403, "forbidden");
    assertProblem(fx.get("/v1/views", token), 403, "forbidden");
    assertProblem(fx.get("/v1/views/user_totals?keys=u1", token), 403, "forbidden");
  }

  @Test
  void viewScopeAllowsOnlyThatViewAndFiltersTheList() {
    String token = fx.token("views:user_totals:read");
    assertEquals(200, fx.get(ROW, token).statusCode());
    assertProblem(fx.get("/v1/views/order_status/o1", token), 403, "forbidden");
    assertProblem(fx.get("/v1/views/order_status?keys=o1", token), 403, "forbidden");
    // No scope for it, so its existence is not revealed either.
    assertProblem(fx.get("/v1/views/no_such_view/x", token), 403, "forbidden");

    JsonArray views = json(fx.get("/v1/views", token)).getJsonArray("views");
    assertEquals(1, views.size(), views.encode());
    assertEquals("user_totals", views.getJsonObject(0).getString("name"));

    JsonArray all = json(fx.get("/v1/views", fx.token("views:read"))).getJsonArray("views");
    assertTrue(all.size() >= 2, all.encode());
  }

  @Test
  void scopesMayComeAsAnScpArray() {
    JsonObject claims = new JsonObject().put("sub", "partner")
        .put("scp", new JsonArray().add("views:order_status:read"));
    String token = fx.token(claims, valid());
    assertEquals(200, fx.get("/v1/views/order_status/o1", token).statusCode());
    assertProblem(fx.get(ROW, token), 403, "forbidden");
  }

  @Test
  void aStringWhereExpOrNbfMustBeANumberIs401NotA500() {
    long later = System.currentTimeMillis() / 1000 + 300;
    assertInvalidToken(fx.get(ROW, fx.token(claims("views:read").put("exp", Long.toString(later)),
        issuedBy("streamgate"))), "exp claim is not a number");
    assertInvalidToken(fx.get(ROW, fx.token(claims("views:read").put("exp", later)
        .put("nbf", "yesterday"), issuedBy("streamgate"))), "nbf claim is not a number");
  }

  @Test
  void anUnknownCriticalHeaderIsRefused() {
    String token = fx.token(claims("views:read"), valid()
        .setHeader(new JsonObject().put("crit", new JsonArray().add("exp-v2")).put("exp-v2", 1)));
    assertInvalidToken(fx.get(ROW, token), "crit");
  }

  @Test
  void aRequiredTypeRefusesTokensOfAnotherOrNoType(@TempDir Path dir) {
    try (GatewayFixture typed = GatewayFixture.start(dir, seed -> {
      seed.register("user_totals", "orders");
      seed.write(new Row("user_totals", "u1", 1, 1, "{\"orders\":1}"));
    }, config -> config.withAuth(config.auth().withRequiredType("at+jwt")))) {
      for (String typ : List.of("at+jwt", "AT+JWT", "application/at+jwt")) {
        HttpResponse<String> response = typed.get(ROW, hs256(typ));
        assertEquals(200, response.statusCode(), typ + ": " + response.body());
      }
      assertInvalidToken(typed.get(ROW, hs256("id+jwt")), "must be at+jwt");
      assertInvalidToken(typed.get(ROW, hs256(null)), "must be at+jwt, but was absent");
      // vertx-auth-jwt writes typ JWT: an ordinary token, not an access token.
      assertInvalidToken(typed.get(ROW, typed.token("views:read")), "must be at+jwt");
    }
  }

  /** A valid HS256 token with the given typ header (vertx-auth-jwt always writes "JWT"). */
  private static String hs256(String typ) {
    JsonObject header = new JsonObject().put("alg", "HS256");
    if (typ != null) {
      header.put("typ", typ);
    }
    long now = System.currentTimeMillis() / 1000;
    String signed = b64(header.encode()) + "." + b64(claims("views:read").put("iss", "streamgate")
        .put("aud", "streamgate").put("iat", now).put("exp", now + 300).encode());
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(
          GatewayFixture.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signed + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertInvalidToken(HttpResponse<String> response, String reason) {
    assertProblem(response, 401, "unauthorized");
    String challenge = challenge(response);
    assertTrue(challenge.startsWith("Bearer realm=\"streamgate\", error=\"invalid_token\", "
        + "error_description=\""), challenge);
    assertTrue(challenge.contains(reason), challenge + " should mention " + reason);
  }

  private static String challenge(HttpResponse<String> response) {
    return response.headers().firstValue("WWW-Authenticate").orElseThrow();
  }

  private static JsonObject claims(String scope) {
    return new JsonObject().put("sub", "tester").put("scope", scope);
  }

  private static JWTOptions issuedBy(String issuer) {
    return new JWTOptions().setIssuer(issuer).setAudience(List.of("streamgate"));
  }

  private static JWTOptions valid() {
    return issuedBy("streamgate").setExpiresInMinutes(5);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
