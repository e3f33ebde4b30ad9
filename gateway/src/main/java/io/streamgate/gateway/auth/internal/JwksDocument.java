package io.streamgate.gateway.auth.internal;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.impl.jose.JWK;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JWKS document (RFC 7517) into the signing keys the gateway can use: RSA keys for RS256
 * (at least 2048 bits) and EC P-256 keys for ES256, each with a {@code kid}. Keys for other uses
 * or algorithms are skipped, not fatal, so an issuer can publish keys we do not need. Stateless.
 */
final class JwksDocument {
  /** A JWKS larger than this is not a key set: refuse it rather than buffer it. */
  static final int MAX_BYTES = 256 * 1024;

  /** The usable keys and why the others were skipped. */
  record Keys(List<JsonObject> usable, List<String> skipped) {}

  private JwksDocument() {}

  /** @throws IllegalArgumentException if the text is not a JWKS document */
  static Keys parse(String text) {
    JsonArray keys;
    try {
      keys = new JsonObject(text).getJsonArray("keys");
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a JWKS document: " + e.getMessage());
    }
    if (keys == null) {
      throw new IllegalArgumentException("not a JWKS document: no \"keys\" array");
    }
    List<JsonObject> usable = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Object item = keys.getValue(i);
      if (!(item instanceof JsonObject key)) {
        skipped.add("keys[" + i + "] is not an object");
        continue;
      }
      String problem = problem(key);
      if (problem == null) {
        usable.add(withAlgorithm(key));
      } else {
        skipped.add("keys[" + i + "] (kid " + key.getValue("kid") + "): " + problem);
      }
    }
    return new Keys(usable, skipped);
  }

  private static String problem(JsonObject key) {
    if (!(key.getValue("kid") instanceof String kid) || kid.isEmpty()) {
      return "no kid (keys are selected by kid)";
    }
    Object use = key.getValue("use");
    if (use != null && !"sig".equals(use)) {
      return "use is " + use + ", not sig";
    }
    String alg = algorithm(key);
    if (alg == null) {
      return "kty " + key.getValue("kty") + " / alg " + key.getValue("alg")
          + " is not RS256 or ES256";
    }
    PublicKey publicKey;
    try {
      publicKey = new JWK(withAlgorithm(key)).publicKey();
    } catch (RuntimeException e) {
      return "not a valid " + alg + " key (" + e.getMessage() + ")";
    }
    if (publicKey instanceof RSAPublicKey rsa
        && rsa.getModulus().bitLength() < PublicKeys.MIN_RSA_BITS) {
      return rsa.getModulus().bitLength() + "-bit RSA key; RS256 needs at least "
          + PublicKeys.MIN_RSA_BITS;
    }
    if (publicKey instanceof ECPublicKey ec
        && ec.getParams().getCurve().getField().getFieldSize() != 256) {
      return "EC key not on P-256";
    }
    if (publicKey == null) {
      return "holds no public key";
    }
    return null;
  }

  /** RS256 or ES256 for a key we can use, else null. {@code alg} is optional in a JWK. */
  private static String algorithm(JsonObject key) {
    Object kty = key.getValue("kty");
    Object alg = key.getValue("alg");
    if ("RSA".equals(kty) && (alg == null || "RS256".equals(alg))) {
      return "RS256";
    }
    if ("EC".equals(kty) && "P-256".equals(key.getValue("crv"))
        && (alg == null || "ES256".equals(alg))) {
      return "ES256";
    }
    return null;
  }

  private static JsonObject withAlgorithm(JsonObject key) {
    return key.copy().put("alg", algorithm(key));
  }
}
