package io.streamgate.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One token verification key. Keys are told apart by {@code kid}, so a new key can be added
 * before tokens signed with it appear and the old one removed after they expire (rotation).
 *
 * <p>HMAC keys ({@code HS256}) come from a secret file, RSA ({@code RS256}) and EC P-256
 * ({@code ES256}) public keys from a PEM file ({@code -----BEGIN PUBLIC KEY-----}, X.509
 * SubjectPublicKeyInfo). A key verifies only tokens whose {@code alg} is its algorithm.
 *
 * @param kid        key id; a token whose header names a kid is checked against that key only
 * @param algorithm  JWS algorithm, one of {@link #SUPPORTED_ALGORITHMS}
 * @param secretFile for HMAC algorithms, the file whose trimmed UTF-8 content is the secret;
 *                   relative paths resolve against the working directory
 * @param publicKeyFile for RS256/ES256, the PEM file of the public key
 */
public record KeyConfig(String kid, String algorithm, Path secretFile, Path publicKeyFile) {
  public static final String HS256 = "HS256";
  public static final String RS256 = "RS256";
  public static final String ES256 = "ES256";
  public static final List<String> SUPPORTED_ALGORITHMS = List.of(HS256, RS256, ES256);

  public static final String DEFAULT_KID = "demo";
  public static final String DEFAULT_ALGORITHM = HS256;
  /** Where {@code streamgate token} keeps the demo secret. */
  public static final Path DEFAULT_SECRET_FILE = Path.of(".streamgate", "demo-jwt.secret");

  public KeyConfig {
    if (kid == null || kid.isBlank()) {
      throw new ConfigException("kid", "must not be empty");
    }
    if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
      throw new ConfigException("algorithm", "must be one of " + SUPPORTED_ALGORITHMS
          + ", but was '" + algorithm + "'");
    }
    if (algorithm.startsWith("HS") && secretFile == null) {
      throw new ConfigException("secretFile", "must be set for " + algorithm + " keys");
    }
    if (algorithm.startsWith("HS") && publicKeyFile != null) {
      throw new ConfigException("publicKeyFile", "is for RS256/ES256 keys; an " + algorithm
          + " key takes secretFile");
    }
    if (!algorithm.startsWith("HS") && publicKeyFile == null) {
      throw new ConfigException("publicKeyFile", "must be set for " + algorithm + " keys");
    }
    if (!algorithm.startsWith("HS") && secretFile != null) {
      throw new ConfigException("secretFile", "is for HS256 keys; an " + algorithm
          + " key takes publicKeyFile");
    }
  }

  /** An HMAC key (no public key file). */
  public KeyConfig(String kid, String algorithm, Path secretFile) {
    this(kid, algorithm, secretFile, null);
  }

  public static KeyConfig defaults() {
    return new KeyConfig(DEFAULT_KID, DEFAULT_ALGORITHM, DEFAULT_SECRET_FILE);
  }

  public boolean hmac() {
    return algorithm.startsWith("HS");
  }

  public KeyConfig withSecretFile(Path file) {
    return new KeyConfig(kid, algorithm, file, publicKeyFile);
  }
}
