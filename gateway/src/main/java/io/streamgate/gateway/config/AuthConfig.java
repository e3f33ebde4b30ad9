package io.streamgate.gateway.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How bearer tokens are verified.
 *
 * @param issuer        required {@code iss} claim
 * @param audience      {@code aud} must equal it or, as an array, contain it
 * @param leewaySeconds clock skew tolerated on {@code exp} and {@code nbf}
 * @param keys          static verification keys of {@code issuer}
 * @param maxTokenBytes longest bearer token accepted (UTF-8 bytes); longer ones are refused
 *                      before any parsing
 * @param jwks          JWKS endpoints, each for one issuer (its own or {@code issuer}). With
 *                      neither keys nor JWKS there is nothing to verify against, which a JWT
 *                      library might read as "accept unsigned tokens": refused.
 * @param requiredType  the {@code typ} header every token must carry (e.g. {@code at+jwt}, RFC
 *                      9068), compared case-insensitively with an optional {@code application/}
 *                      prefix; null (the default) accepts any or none. Keeps ID or refresh tokens
 *                      signed with the same key from passing as access tokens (RFC 8725 §3.11).
 */
public record AuthConfig(String issuer, String audience, int leewaySeconds, List<KeyConfig> keys,
    int maxTokenBytes, List<JwksConfig> jwks, String requiredType) {
  public static final String DEFAULT_ISSUER = "streamgate";
  public static final String DEFAULT_AUDIENCE = "streamgate";
  public static final int DEFAULT_LEEWAY_SECONDS = 5;
  public static final int MAX_LEEWAY_SECONDS = 300;
  public static final int DEFAULT_MAX_TOKEN_BYTES = 8192;
  /** Below this even a minimal signed JWT with the usual claims does not fit. */
  public static final int MIN_MAX_TOKEN_BYTES = 256;
  public static final int MAX_MAX_TOKEN_BYTES = 65536;

  public AuthConfig {
    if (issuer == null || issuer.isBlank()) {
      throw new ConfigException("issuer", "must not be empty");
    }
    if (audience == null || audience.isBlank()) {
      throw new ConfigException("audience", "must not be empty");
    }
    if (leewaySeconds < 0 || leewaySeconds > MAX_LEEWAY_SECONDS) {
      throw new ConfigException(
          "leewaySeconds", "must be 0-" + MAX_LEEWAY_SECONDS + ", but was " + leewaySeconds);
    }
    if (maxTokenBytes < MIN_MAX_TOKEN_BYTES || maxTokenBytes > MAX_MAX_TOKEN_BYTES) {
      throw new ConfigException("maxTokenBytes", "must be " + MIN_MAX_TOKEN_BYTES + "-"
          + MAX_MAX_TOKEN_BYTES + ", but was " + maxTokenBytes);
    }
    keys = keys == null ? List.of() : List.copyOf(keys);
    jwks = jwks == null ? List.of() : jwks.stream().map(j -> j.withIssuerDefault(issuer)).toList();
    if (keys.isEmpty() && jwks.isEmpty()) {
      throw new ConfigException("keys", "must list at least one key (or configure auth.jwks)");
    }
    Set<String> urls = new HashSet<>();
    for (int i = 0; i < jwks.size(); i++) {
      if (!urls.add(jwks.get(i).url().toString())) {
        throw new ConfigException("jwks[" + i + "].url",
            "must be unique, but '" + jwks.get(i).url() + "' appears twice");
      }
    }
    if (requiredType != null) {
      requiredType = mediaType(requiredType);
      if (requiredType.isEmpty() || !requiredType.matches("[a-z0-9!#$&^_.+-]+")) {
        throw new ConfigException("requiredType",
            "must be a media type such as at+jwt, but was '" + requiredType + "'");
      }
    }
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      if (!kids.add(keys.get(i).kid())) {
        throw new ConfigException("keys[" + i + "].kid",
            "must be unique, but '" + keys.get(i).kid() + "' appears twice");
      }
    }
  }

  /** Any {@code typ}. */
  public AuthConfig(String issuer, String audience, int leewaySeconds, List<KeyConfig> keys,
      int maxTokenBytes, List<JwksConfig> jwks) {
    this(issuer, audience, leewaySeconds, keys, maxTokenBytes, jwks, null);
  }

  /**
   * A {@code typ} value as compared: lower case, without the optional {@code application/}
   * prefix (RFC 7515 §4.1.9), trimmed.
   */
  public static String mediaType(String typ) {
    String t = typ.trim().toLowerCase(java.util.Locale.ROOT);
    return t.startsWith("application/") ? t.substring("application/".length()) : t;
  }

  public AuthConfig withRequiredType(String newRequiredType) {
    return new AuthConfig(issuer, audience, leewaySeconds, keys, maxTokenBytes, jwks,
        newRequiredType);
  }

  /** With the default {@link #DEFAULT_MAX_TOKEN_BYTES} and no JWKS. */
  public AuthConfig(String issuer, String audience, int leewaySeconds, List<KeyConfig> keys) {
    this(issuer, audience, leewaySeconds, keys, DEFAULT_MAX_TOKEN_BYTES, List.of());
  }

  public static AuthConfig defaults() {
    return new AuthConfig(DEFAULT_ISSUER, DEFAULT_AUDIENCE, DEFAULT_LEEWAY_SECONDS,
        List.of(KeyConfig.defaults()));
  }

  public AuthConfig withJwks(List<JwksConfig> newJwks) {
    return new AuthConfig(issuer, audience, leewaySeconds, keys, maxTokenBytes, newJwks, requiredType);
  }

  /** Index of the first HMAC key, or -1. */
  public int firstHmacKey() {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).hmac()) {
        return i;
      }
    }
    return -1;
  }

  public AuthConfig withKey(int index, KeyConfig key) {
    List<KeyConfig> copy = new ArrayList<>(keys);
    copy.set(index, key);
    return new AuthConfig(issuer, audience, leewaySeconds, copy, maxTokenBytes, jwks, requiredType);
  }

  public AuthConfig withKeys(List<KeyConfig> newKeys) {
    return new AuthConfig(issuer, audience, leewaySeconds, newKeys, maxTokenBytes, jwks, requiredType);
  }
}
