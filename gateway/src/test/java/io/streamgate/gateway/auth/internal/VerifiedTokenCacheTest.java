package io.streamgate.gateway.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.ManualClock;
import io.streamgate.gateway.auth.AuthenticationException;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.KeyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verified-token cache, on a manual clock: hits do no signature work, expiry still holds. */
class VerifiedTokenCacheTest {
  private static final String SECRET = "cache-test-secret-cache-test-secret!";
  private static final long NOW = 1_900_000_000L;
  private static final int LEEWAY = 5;

  @TempDir static Path dir;
  static Vertx vertx;
  static Path secretFile;
  ManualClock clock;
  JwtTokenVerifier verifier;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    secretFile = dir.resolve("k.secret");
    Files.writeString(secretFile, SECRET);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  @BeforeEach
  void newVerifier() {
    clock = new ManualClock(NOW * 1000);
    verifier = verifier(100);
  }

  @Test
  void aSecondVerifyOfTheSameTokenDoesNoSignatureWork() throws Exception {
    String token = sign(claims(NOW + 60));
    Principal first = verifier.verify(token).await();
    assertEquals(1, verifier.signatureChecks());
    Principal second = verifier.verify(token).await();
    assertSame(first, second);
    assertEquals(1, verifier.signatureChecks(), "the hit must not verify the signature again");
    assertEquals(1, verifier.cachedTokens());

    verifier.verify(sign(claims(NOW + 61))).await(); // another token is its own entry
    assertEquals(2, verifier.signatureChecks());
  }

  @Test
  void aCachedTokenIsRefusedOnceItExpiresWithTheSameLeewayAsAFreshOne() throws Exception {
    String token = sign(claims(NOW + 60));
    verifier.verify(token).await();

    clock.set((NOW + 60 + LEEWAY - 1) * 1000); // still within the leeway: served from the cache
    verifier.verify(token).await();
    assertEquals(1, verifier.signatureChecks());

    clock.set((NOW + 60 + LEEWAY) * 1000);
    assertRefused(verifier.verify(token), "token expired at");
    assertEquals(0, verifier.cachedTokens(), "the expired entry is gone");
  }

  @Test
  void failuresAreNotCached() throws Exception {
    String forged = JdkJwt.hs256("k1", claims(NOW + 60),
        "another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8));
    assertRefused(verifier.verify(forged), "invalid signature");
    assertRefused(verifier.verify(forged), "invalid signature");
    assertEquals(2, verifier.signatureChecks());

    String wrongIssuer = sign(claims(NOW + 60).put("iss", "other"));
    assertRefused(verifier.verify(wrongIssuer), "issuer");
    assertRefused(verifier.verify(wrongIssuer), "issuer");
    assertEquals(2, verifier.signatureChecks(), "an unknown issuer is refused before any crypto");
    assertEquals(0, verifier.cachedTokens());
  }

  @Test
  void theCacheIsBounded() throws Exception {
    JwtTokenVerifier small = verifier(3);
    for (int i = 0; i < 50; i++) {
      small.verify(sign(claims(NOW + 60).put("sub", "user-" + i))).await();
    }
    assertTrue(small.cachedTokens() <= 3, "entries: " + small.cachedTokens());
  }

  @Test
  void aFarFutureExpDoesNotOverflowIntoExpired() throws Exception {
    String token = sign(claims(Long.MAX_VALUE / 1000));
    verifier.verify(token).await();
    verifier.verify(token).await();
    assertEquals(1, verifier.signatureChecks());
  }

  private JwtTokenVerifier verifier(int entries) {
    AuthConfig config = new AuthConfig("streamgate", "streamgate", LEEWAY,
        List.of(new KeyConfig("k1", "HS256", secretFile)));
    return JwtTokenVerifier.create(vertx, config, clock, entries);
  }

  private static JsonObject claims(long exp) {
    return new JsonObject().put("sub", "alice").put("iss", "streamgate").put("aud", "streamgate")
        .put("exp", exp).put("scope", "views:read");
  }

  private static String sign(JsonObject claims) throws Exception {
    return JdkJwt.hs256("k1", claims, SECRET.getBytes(StandardCharsets.UTF_8));
  }

  static void assertRefused(Future<Principal> result, String reason) {
    assertTrue(result.failed(), "accepted");
    assertTrue(result.cause() instanceof AuthenticationException, result.cause().toString());
    assertTrue(result.cause().getMessage().contains(reason),
        result.cause().getMessage() + " should mention " + reason);
  }
}
