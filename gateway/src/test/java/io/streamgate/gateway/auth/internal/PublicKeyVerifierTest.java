package io.streamgate.gateway.auth.internal;

import static io.streamgate.gateway.auth.internal.VerifiedTokenCacheTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.ConfigLoader;
import io.streamgate.gateway.config.KeyConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RS256 and ES256 keys from PEM files, algorithm confusion and the token size limit. Keys are
 * generated per run; tokens are signed with the JDK, not with the verifying library.
 */
class PublicKeyVerifierTest {
  private static final String SECRET = "hmac-test-secret-hmac-test-secret!!";
  private static final long NOW = 1_900_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  @TempDir static Path dir;
  static Vertx vertx;
  static KeyPair rsa;
  static KeyPair ec;
  static Path rsaPem;
  static Path ecPem;
  static Path secret;
  static JwtTokenVerifier verifier;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    rsa = JdkJwt.rsa();
    ec = JdkJwt.ec("secp256r1");
    rsaPem = write("r1.pem", JdkJwt.pem(rsa.getPublic()));
    ecPem = write("e1.pem", JdkJwt.pem(ec.getPublic()));
    secret = write("h1.secret", SECRET);
    verifier = JwtTokenVerifier.create(vertx, new AuthConfig("streamgate", "streamgate", 5,
        List.of(new KeyConfig("h1", "HS256", secret),
            new KeyConfig("r1", "RS256", null, rsaPem),
            new KeyConfig("e1", "ES256", null, ecPem)), 1024, List.of()), CLOCK);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  @Test
  void rs256AndEs256TokensVerifyAgainstTheirPemKeys() throws Exception {
    Principal r = verifier.verify(JdkJwt.rs256("r1", claims("rsa-user"), rsa.getPrivate())).await();
    assertEquals("rsa-user", r.subject());
    Principal e = verifier.verify(JdkJwt.es256("e1", claims("ec-user"), ec.getPrivate())).await();
    assertEquals("ec-user", e.subject());
    // Without kid the library tries the keys of the token's algorithm.
    verifier.verify(JdkJwt.es256(null, claims("ec-user-2"), ec.getPrivate())).await();
  }

  @Test
  void aTokenSignedByAnotherKeyPairIsAnInvalidSignature() throws Exception {
    assertRefused(verifier.verify(JdkJwt.rs256("r1", claims("x"), JdkJwt.rsa().getPrivate())),
        "invalid signature");
    assertRefused(verifier.verify(
        JdkJwt.es256("e1", claims("x"), JdkJwt.ec("secp256r1").getPrivate())), "invalid signature");
  }

  @Test
  void aTokenMustUseTheAlgorithmOfTheKeyItNames() throws Exception {
    assertRefused(verifier.verify(JdkJwt.rs256("e1", claims("x"), rsa.getPrivate())),
        "algorithm RS256 does not match the key's algorithm ES256");
  }

  @Test
  void hs256SignedWithTheRsaPublicKeyPemIsRefused() throws Exception {
    long before = verifier.signatureChecks();
    for (String pemText : List.of(Files.readString(rsaPem), Files.readString(rsaPem).trim())) {
      byte[] pem = pemText.getBytes(StandardCharsets.US_ASCII);
      assertRefused(verifier.verify(JdkJwt.hs256("r1", claims("x"), pem)),
          "algorithm HS256 does not match the key's algorithm RS256");
      // Without a kid the HS256 candidates are the configured secrets only, never the PEM.
      assertRefused(verifier.verify(JdkJwt.hs256(null, claims("x"), pem)), "invalid signature");
    }
    assertEquals(before + 2, verifier.signatureChecks(), "only the kid-less tokens reach crypto");

    JwtTokenVerifier rsaOnly = JwtTokenVerifier.create(vertx, new AuthConfig("streamgate",
        "streamgate", 5, List.of(new KeyConfig("r1", "RS256", null, rsaPem))), CLOCK);
    assertRefused(rsaOnly.verify(JdkJwt.hs256(null, claims("x"),
        Files.readAllBytes(rsaPem))), "algorithm HS256 is not accepted");
  }

  @Test
  void oversizedTokensAreRefusedBeforeAnyParsing() throws Exception {
    long before = verifier.signatureChecks();
    String padded = JdkJwt.hs256("h1", claims("x").put("pad", "p".repeat(1024)),
        SECRET.getBytes(StandardCharsets.UTF_8));
    assertRefused(verifier.verify(padded), "token is longer than 1024 bytes");
    assertRefused(verifier.verify("x".repeat(1_000_000)), "token is longer than 1024 bytes");
    assertEquals(before, verifier.signatureChecks());

    String longest = null; // the longest token within the limit that padding can make
    for (int pad = 0; ; pad++) {
      String token = JdkJwt.hs256("h1", claims("x").put("pad", "p".repeat(pad)),
          SECRET.getBytes(StandardCharsets.UTF_8));
      if (token.length() > 1024) {
        break;
      }
      longest = token;
    }
    assertTrue(longest.length() >= 1021, "test token is " + longest.length());
    verifier.verify(longest).await();
  }

  @Test
  void aPemThatDoesNotFitTheAlgorithmIsAConfigError() throws Exception {
    assertEquals("auth.keys[0].publicKeyFile names " + rsaPem.toAbsolutePath()
            + ", which is not an EC public key, as ES256 needs",
        configError(new KeyConfig("k", "ES256", null, rsaPem)));
    Path p384 = write("p384.pem", JdkJwt.pem(JdkJwt.ec("secp384r1").getPublic()));
    assertTrue(configError(new KeyConfig("k", "ES256", null, p384))
        .endsWith("holds an EC key on a 384-bit curve; ES256 needs P-256"));
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    Path weak = write("weak.pem", JdkJwt.pem(g.generateKeyPair().getPublic()));
    assertTrue(configError(new KeyConfig("k", "RS256", null, weak))
        .endsWith("holds a 1024-bit RSA key; RS256 needs at least 2048"));
    assertTrue(configError(new KeyConfig("k", "RS256", null, secret))
        .contains("holds no '-----BEGIN PUBLIC KEY-----' block"));
    assertTrue(configError(new KeyConfig("k", "RS256", null, dir.resolve("nope.pem")))
        .endsWith("nope.pem, which does not exist"));
  }

  @Test
  void configReadsPublicKeyFilesAndRefusesMixedUpKeyFields() {
    AuthConfig auth = ConfigLoader.parse("auth:\n  maxTokenBytes: 4096\n  keys:\n"
        + "    - {kid: r1, algorithm: RS256, publicKeyFile: keys/r1.pem}\n", "gateway.yaml", Map.of())
        .auth();
    assertEquals(List.of(new KeyConfig("r1", "RS256", null, Path.of("keys/r1.pem"))), auth.keys());
    assertEquals(4096, auth.maxTokenBytes());
    assertEquals(AuthConfig.DEFAULT_MAX_TOKEN_BYTES, AuthConfig.defaults().maxTokenBytes());

    assertEquals("gateway.yaml: auth.keys[0].publicKeyFile must be set for ES256 keys",
        parseError("auth:\n  keys:\n    - {kid: e, algorithm: ES256}\n"));
    assertEquals("gateway.yaml: auth.keys[0].publicKeyFile is for RS256/ES256 keys; an HS256 key"
            + " takes secretFile",
        parseError("auth:\n  keys:\n    - {kid: h, secretFile: s, publicKeyFile: p.pem}\n"));
    assertEquals("gateway.yaml: auth.maxTokenBytes must be 256-65536, but was 100",
        parseError("auth:\n  maxTokenBytes: 100\n"));
  }

  private static String configError(KeyConfig key) {
    return assertThrows(ConfigException.class, () -> JwtTokenVerifier.create(vertx,
        new AuthConfig("streamgate", "streamgate", 5, List.of(key)), CLOCK)).getMessage();
  }

  private static String parseError(String yaml) {
    return assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(yaml, "gateway.yaml", Map.of())).getMessage();
  }

  private static JsonObject claims(String subject) {
    return new JsonObject().put("sub", subject).put("iss", "streamgate").put("aud", "streamgate")
        .put("exp", NOW + 60).put("scope", "views:read");
  }

  private static Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }
}
