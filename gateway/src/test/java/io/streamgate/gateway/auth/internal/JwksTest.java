package io.streamgate.gateway.auth.internal;

import static io.streamgate.gateway.auth.internal.VerifiedTokenCacheTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.JwksConfig;
import io.streamgate.gateway.config.KeyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWKS keys against a real HTTP endpoint (a Vert.x server in the test that plays the identity
 * provider): kid rotation, at most one refetch per interval on unknown kids, last good keys when
 * the endpoint fails, keys kept per issuer.
 */
class JwksTest {
  private static final String IDP = "https://idp.example";
  private static final String SECRET = "hmac-test-secret-hmac-test-secret!!";
  private static final long NOW = 1_900_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  private static final int MIN_REFETCH_SECONDS = 1;

  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer idp;
  static final AtomicReference<String> published = new AtomicReference<>();
  static final AtomicInteger status = new AtomicInteger(200);
  static final AtomicInteger served = new AtomicInteger();
  static KeyPair r1;
  static KeyPair r2;
  static KeyPair e1;
  static final AtomicInteger subjects = new AtomicInteger();

  JwtTokenVerifier verifier;

  @BeforeAll
  static void startIdentityProvider() throws Exception {
    vertx = Vertx.vertx();
    r1 = JdkJwt.rsa();
    r2 = JdkJwt.rsa();
    e1 = JdkJwt.ec("secp256r1");
    idp = vertx.createHttpServer()
        .requestHandler(req -> {
          served.incrementAndGet();
          req.response().setStatusCode(status.get())
              .putHeader("Content-Type", "application/json").end(published.get());
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @BeforeEach
  void newVerifier() throws Exception {
    status.set(200);
    publish(jwk("r1", r1), jwk("e1", e1));
    Path secret = Files.writeString(dir.resolve("h1.secret"), SECRET);
    URI url = URI.create("http://127.0.0.1:" + idp.actualPort() + "/.well-known/jwks.json");
    AuthConfig config = new AuthConfig("streamgate", "streamgate", 5,
        List.of(new KeyConfig("h1", "HS256", secret)), 8192,
        List.of(new JwksConfig(url, IDP, 60, MIN_REFETCH_SECONDS, 10_000)));
    served.set(0);
    verifier = JwtTokenVerifier.create(vertx, config, CLOCK);
    await(verifier.start());
    assertEquals(1, served.get(), "start fetches the key set once");
    // A cold JVM on a loaded machine can be slow: the first fetch must have loaded the keys
    // (10 s timeout above), or every test below would test an empty key set.
    assertEquals(2, verifier.issuerKeyCount(IDP), "the published keys are loaded");
  }

  @Test
  void verifiesTokensSignedWithPublishedKeys() throws Exception {
    assertAccepted("alice", verify(JdkJwt.rs256("r1", claims(IDP, "alice"), r1.getPrivate())));
    assertAccepted("bob", verify(JdkJwt.es256("e1", claims(IDP, "bob"), e1.getPrivate())));
    assertAccepted("carol", verify(JdkJwt.hs256("h1", claims("streamgate", "carol"),
        SECRET.getBytes(StandardCharsets.UTF_8))));
    assertEquals(1, served.get(), "known kids need no fetch");
    verifier.close();
  }

  @Test
  void aRotatedKeyIsFetchedOnceOnItsFirstToken() throws Exception {
    publish(jwk("r1", r1), jwk("r2", r2));
    Thread.sleep(TimeUnit.SECONDS.toMillis(MIN_REFETCH_SECONDS) + 100);
    assertAccepted("dave", verify(JdkJwt.rs256("r2", claims(IDP, "dave"), r2.getPrivate())));
    assertEquals(2, served.get());
    assertAccepted("erin", verify(JdkJwt.rs256("r2", claims(IDP, "erin"), r2.getPrivate())));
    assertEquals(2, served.get(), "the new key is kept");
    verifier.close();
  }

  @Test
  void unknownKidsTriggerAtMostOneFetchPerInterval() throws Exception {
    // Signed before the interval starts: 50 RSA signatures on a loaded machine can outlast it.
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tokens.add(JdkJwt.rs256("made-up-" + i, claims(IDP, "x" + i), r2.getPrivate()));
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(MIN_REFETCH_SECONDS) + 100);
    List<Future<Principal>> flood = new ArrayList<>();
    for (String token : tokens) {
      flood.add(verifier.verify(token));
    }
    for (Future<Principal> f : flood) {
      await(f.otherwiseEmpty());
      assertRefused(f, "no key for the token's kid");
    }
    assertEquals(2, served.get(), "50 unknown kids, one refetch");
    Future<Principal> again = verifier.verify(JdkJwt.rs256("made-up", claims(IDP, "y"), r2.getPrivate()));
    await(again.otherwiseEmpty());
    assertRefused(again, "no key for the token's kid");
    assertEquals(2, served.get(), "inside the interval: no fetch");
    verifier.close();
  }

  @Test
  void keepsTheLastGoodKeysWhenTheEndpointFails() throws Exception {
    status.set(503);
    Thread.sleep(TimeUnit.SECONDS.toMillis(MIN_REFETCH_SECONDS) + 100);
    Future<Principal> unknown = verifier.verify(JdkJwt.rs256("r2", claims(IDP, "x"), r2.getPrivate()));
    await(unknown.otherwiseEmpty());
    assertRefused(unknown, "no key for the token's kid");
    assertEquals(2, served.get(), "the refetch happened and failed");
    assertAccepted("frank", verify(JdkJwt.rs256("r1", claims(IDP, "frank"), r1.getPrivate())));
    // Garbage is as bad as an error: the old keys stay. A failed fetch retries after the
    // minimum interval on its own.
    status.set(200);
    published.set("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"s\"}]}");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (served.get() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(served.get() >= 3, "the failed fetch is retried in the background");
    assertAccepted("grace", verify(JdkJwt.rs256("r1", claims(IDP, "grace"), r1.getPrivate())));
    verifier.close();
  }

  @Test
  void eachIssuerIsCheckedWithItsOwnKeysOnly() throws Exception {
    // Signed with the IdP's key but claiming to be from the static issuer: its keys are HS256 only.
    assertRefused(verify(JdkJwt.rs256("r1", claims("streamgate", "x"), r1.getPrivate())),
        "algorithm RS256 is not accepted");
    // Signed with the static issuer's HMAC key but claiming the IdP: the IdP has no such kid.
    Future<Principal> forged = verifier.verify(JdkJwt.hs256("h1", claims(IDP, "x"),
        SECRET.getBytes(StandardCharsets.UTF_8)));
    await(forged.otherwiseEmpty());
    assertRefused(forged, "algorithm HS256 is not accepted");
    assertRefused(verify(JdkJwt.rs256("r1", claims("https://evil.example", "x"), r1.getPrivate())),
        "issuer is not accepted");
    verifier.close();
  }

  private static void assertAccepted(String subject, Future<Principal> result) throws Exception {
    assertTrue(await(result).subject().startsWith(subject + "-"), result.result().subject());
  }

  private Future<Principal> verify(String token) throws Exception {
    Future<Principal> f = verifier.verify(token);
    await(f.otherwiseEmpty());
    return f;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonObject claims(String issuer, String subject) {
    return new JsonObject().put("sub", subject + "-" + subjects.incrementAndGet())
        .put("iss", issuer).put("aud", "streamgate").put("exp", NOW + 60).put("scope", "views:read");
  }

  private static void publish(JsonObject... keys) {
    published.set(new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys))).encode());
  }

  static JsonObject jwk(String kid, KeyPair pair) {
    if (pair.getPublic() instanceof RSAPublicKey rsa) {
      return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig")
          .put("n", b64(rsa.getModulus())).put("e", b64(rsa.getPublicExponent()));
    }
    ECPublicKey ec = (ECPublicKey) pair.getPublic();
    return new JsonObject().put("kty", "EC").put("kid", kid).put("crv", "P-256")
        .put("x", b64(ec.getW().getAffineX(), 32)).put("y", b64(ec.getW().getAffineY(), 32));
  }

  private static String b64(BigInteger n) {
    byte[] bytes = n.toByteArray();
    int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    byte[] out = new byte[bytes.length - skip];
    System.arraycopy(bytes, skip, out, 0, out.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  private static String b64(BigInteger n, int size) {
    byte[] bytes = n.toByteArray();
    byte[] out = new byte[size];
    int copy = Math.min(bytes.length, size);
    System.arraycopy(bytes, bytes.length - copy, out, size - copy, copy);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }
}
