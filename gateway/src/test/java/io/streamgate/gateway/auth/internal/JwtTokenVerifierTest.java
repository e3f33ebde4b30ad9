package io.streamgate.gateway.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.auth.AuthenticationException;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.KeyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verification rules on a fixed clock; the HTTP side is covered by AuthIT. */
class JwtTokenVerifierTest {
  private static final String SECRET = "unit-test-secret-unit-test-secret!";
  private static final long NOW = 1_900_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  @TempDir static Path dir;
  static Vertx vertx;
  static JwtTokenVerifier verifier;
  static JWTAuth signer;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    Path secret = dir.resolve("k.secret");
    Files.writeString(secret, "  " + SECRET + "\n\n");
    verifier = JwtTokenVerifier.create(vertx, config(secret), CLOCK);
    signer = signer("k1", SECRET);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  @Test
  void acceptsAValidTokenAndReadsSubjectAndScopes() {
    Principal p = verify(sign(claims().put("scope", "views:read  views:a:read")));
    assertEquals("alice", p.subject());
    assertEquals(Set.of("views:read", "views:a:read"), p.scopes());
  }

  @Test
  void signsTokensItAcceptsForTheGatewaysOwnRequests() {
    Principal p = verify(verifier.selfToken("streamgate-warmup", "views:read", 60));
    assertEquals("streamgate-warmup", p.subject());
    assertEquals(Set.of("views:read"), p.scopes());
    assertEquals(NOW + 60, p.expiresAt());
  }

  @Test
  void signsNothingWithoutAnHmacKey() throws Exception {
    Path pem = dir.resolve("ec.pem");
    java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder()
        .encodeToString(ec.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    JwtTokenVerifier publicOnly = JwtTokenVerifier.create(vertx, new AuthConfig("streamgate",
        "streamgate", 5, List.of(new KeyConfig("e1", "ES256", null, pem))), CLOCK);
    assertNull(publicOnly.selfToken("streamgate-warmup", "views:read", 60));
  }

  @Test
  void scopesFromScpArrayAndScopeStringAreUnited() {
    Principal p = verify(sign(claims().put("scope", "views:a:read")
        .put("scp", new JsonArray().add("views:b:read"))));
    assertEquals(Set.of("views:a:read", "views:b:read"), p.scopes());
  }

  @Test
  void expiryHonoursTheLeeway() {
    verify(sign(claims().put("exp", NOW - 4)));
    assertRefused(sign(claims().put("exp", NOW - 5)), "token expired at");
  }

  @Test
  void notBeforeHonoursTheLeeway() {
    verify(sign(claims().put("nbf", NOW + 5)));
    assertRefused(sign(claims().put("nbf", NOW + 6)), "not valid before");
  }

  @Test
  void expIsRequired() {
    JsonObject claims = claims();
    claims.remove("exp");
    assertRefused(sign(claims), "no numeric exp");
  }

  @Test
  void issuerAndAudienceMustMatch() {
    assertRefused(sign(claims().put("iss", "other")), "issuer");
    JsonObject noIssuer = claims();
    noIssuer.remove("iss");
    assertRefused(sign(noIssuer), "no iss");
    assertRefused(sign(claims().put("aud", "other")), "audience");
    verify(sign(claims().put("aud", new JsonArray().add("other").add("streamgate"))));
    assertRefused(sign(claims().put("aud", new JsonArray().add("other"))), "audience");
  }

  @Test
  void aTokenNamingAnotherKidIsRefused() {
    String token = signer("k2", SECRET).generateToken(claims(), new JWTOptions().setNoTimestamp(true));
    assertRefused(token, "no key for the token's kid");
  }

  @Test
  void tokensWithoutKidUseTheConfiguredKeys() {
    String token = signer(null, SECRET).generateToken(claims(), new JWTOptions().setNoTimestamp(true));
    verify(token);
  }

  @Test
  void wrongSecretIsAnInvalidSignature() {
    assertRefused(signer("k1", "x".repeat(40)).generateToken(claims(),
        new JWTOptions().setNoTimestamp(true)), "invalid signature");
  }

  @Test
  void missingSecretFileIsAConfigErrorSayingWhatToDo() {
    Path missing = dir.resolve("missing.secret");
    ConfigException e = assertThrows(ConfigException.class,
        () -> JwtTokenVerifier.create(vertx, config(missing), CLOCK));
    assertTrue(e.getMessage().startsWith("auth.keys[0].secretFile names " + missing
        + ", which does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("STREAMGATE_JWT_SECRET_FILE"), e.getMessage());
  }

  @Test
  void emptySecretFileIsAConfigError() throws Exception {
    Path empty = dir.resolve("empty.secret");
    Files.writeString(empty, " \n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> JwtTokenVerifier.create(vertx, config(empty), CLOCK));
    assertEquals("auth.keys[0].secretFile names " + empty + ", which is empty", e.getMessage());
  }

  private static AuthConfig config(Path secret) {
    return new AuthConfig("streamgate", "streamgate", 5,
        List.of(new KeyConfig("k1", "HS256", secret)));
  }

  private static JWTAuth signer(String kid, String secret) {
    PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret);
    if (kid != null) {
      key.setId(kid);
    }
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key));
  }

  private static JsonObject claims() {
    return new JsonObject().put("sub", "alice").put("iss", "streamgate").put("aud", "streamgate")
        .put("exp", NOW + 60).put("scope", "views:read");
  }

  private static String sign(JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions().setNoTimestamp(true));
  }

  private static Principal verify(String token) {
    return verifier.verify(token).await();
  }

  private static void assertRefused(String token, String reason) {
    Future<Principal> result = verifier.verify(token);
    assertTrue(result.failed(), "accepted: " + token);
    assertInstanceOf(AuthenticationException.class, result.cause());
    assertTrue(result.cause().getMessage().contains(reason),
        result.cause().getMessage() + " should mention " + reason);
  }
}
