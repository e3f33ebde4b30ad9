package io.streamgate.gateway.auth.internal;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verification keys of one issuer at one moment: static keys from the configuration plus the
 * keys its JWKS last published. Immutable; a refresh builds a new set. Signatures are checked by
 * vertx-auth-jwt, which also picks keys by algorithm, so an RSA key is never used as an HMAC
 * secret; the header check here refuses {@code none} and HS/RS confusion before any crypto.
 */
final class KeySet {
  private final JWTAuth signatures;
  /** kid → algorithm of that key. */
  private final Map<String, String> keyAlgorithms;
  private final Set<String> algorithms;

  private KeySet(JWTAuth signatures, Map<String, String> keyAlgorithms) {
    this.signatures = signatures;
    this.keyAlgorithms = Map.copyOf(keyAlgorithms);
    this.algorithms = Set.copyOf(keyAlgorithms.values());
  }

  /** @param jwks keys already checked by {@link JwksDocument} (kid and alg present) */
  static KeySet of(Vertx vertx, List<PubSecKeyOptions> staticKeys, List<JsonObject> jwks) {
    JWTAuthOptions options = new JWTAuthOptions()
        // Time-based claims are ClaimsCheck's job (injected clock, specific messages).
        .setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    Map<String, String> algorithms = new HashMap<>();
    for (PubSecKeyOptions key : staticKeys) {
      options.addPubSecKey(key);
      algorithms.put(key.getId(), key.getAlgorithm());
    }
    for (JsonObject jwk : jwks) {
      // A static key with the same kid wins: configuration is what the operator vouched for.
      if (algorithms.putIfAbsent(jwk.getString("kid"), jwk.getString("alg")) == null) {
        options.addJwk(jwk);
      }
    }
    return new KeySet(JWTAuth.create(vertx, options), algorithms);
  }

  JWTAuth signatures() {
    return signatures;
  }

  boolean knows(String kid) {
    return keyAlgorithms.containsKey(kid);
  }

  int size() {
    return keyAlgorithms.size();
  }

  /**
   * Why a token header with this {@code alg} and {@code kid} (null if absent) cannot be verified
   * with these keys, or null if it can be tried.
   */
  String headerProblem(Object alg, Object kid) {
    if (!(alg instanceof String name) || !algorithms.contains(name)) {
      return "algorithm " + (alg instanceof String ? alg : "(missing)") + " is not accepted";
    }
    if (kid != null) {
      String keyAlgorithm = kid instanceof String k ? keyAlgorithms.get(k) : null;
      if (keyAlgorithm == null) {
        return UNKNOWN_KID;
      }
      if (!keyAlgorithm.equals(name)) {
        // HS/RS confusion: e.g. HS256 "signed" with the RSA public key's PEM as the secret.
        return "algorithm " + name + " does not match the key's algorithm " + keyAlgorithm;
      }
    }
    return null;
  }

  static final String UNKNOWN_KID = "no key for the token's kid";
}
