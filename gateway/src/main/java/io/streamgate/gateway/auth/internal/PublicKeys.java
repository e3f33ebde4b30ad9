package io.streamgate.gateway.auth.internal;

import io.streamgate.gateway.config.KeyConfig;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a PEM text is a public key that fits a JWS algorithm: RS256 wants an RSA key of at
 * least 2048 bits (RFC 7518 §3.3), ES256 an EC key on P-256 (§3.4). Stateless.
 */
final class PublicKeys {
  static final int MIN_RSA_BITS = 2048;
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  private PublicKeys() {}

  /** What is wrong with the PEM for the algorithm (phrased to follow "the file …"), or null. */
  static String problem(String algorithm, String pem) {
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      return "holds no '-----BEGIN PUBLIC KEY-----' block (X.509 SubjectPublicKeyInfo PEM, e.g."
          + " from `openssl pkey -pubout`)";
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      return "holds a PEM block that is not valid base64";
    }
    boolean rsa = KeyConfig.RS256.equals(algorithm);
    PublicKey key;
    try {
      key = KeyFactory.getInstance(rsa ? "RSA" : "EC").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      return "is not an " + (rsa ? "RSA" : "EC") + " public key, as " + algorithm + " needs";
    }
    if (key instanceof RSAPublicKey r && r.getModulus().bitLength() < MIN_RSA_BITS) {
      return "holds a " + r.getModulus().bitLength() + "-bit RSA key; " + algorithm
          + " needs at least " + MIN_RSA_BITS;
    }
    if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() != 256) {
      return "holds an EC key on a " + ec.getParams().getCurve().getField().getFieldSize()
          + "-bit curve; " + algorithm + " needs P-256";
    }
    return null;
  }
}
