package io.streamgate.gateway.auth.internal;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs JWTs with the JDK alone (independent of the library the gateway verifies with), including
 * the DER → JOSE (R||S) conversion ES256 needs (RFC 7518 §3.4).
 */
final class JdkJwt {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private JdkJwt() {}

  static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static KeyPair ec(String curve) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static String header(String alg, String kid) {
    JsonObject h = new JsonObject().put("alg", alg).put("typ", "JWT");
    if (kid != null) {
      h.put("kid", kid);
    }
    return h.encode();
  }

  static String rs256(String kid, JsonObject claims, PrivateKey key) throws GeneralSecurityException {
    String input = input(header("RS256", kid), claims);
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + B64.encodeToString(s.sign());
  }

  static String es256(String kid, JsonObject claims, PrivateKey key) throws GeneralSecurityException {
    String input = input(header("ES256", kid), claims);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + B64.encodeToString(derToJose(s.sign(), 32));
  }

  /** HS256 over any secret bytes, e.g. the PEM text of a public key (algorithm confusion). */
  static String hs256(String kid, JsonObject claims, byte[] secret) throws GeneralSecurityException {
    String input = input(header("HS256", kid), claims);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  static String input(String headerJson, JsonObject claims) {
    return B64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** DER SEQUENCE { INTEGER r, INTEGER s } → r||s, each left-padded to {@code size} bytes. */
  static byte[] derToJose(byte[] der, int size) {
    int offset = der[1] == (byte) 0x81 ? 3 : 2; // long-form length only above 127 bytes
    int rLength = der[offset + 1];
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(der, offset + 2, offset + 2 + rLength));
    int sOffset = offset + 2 + rLength;
    int sLength = der[sOffset + 1];
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(der, sOffset + 2, sOffset + 2 + sLength));
    byte[] out = new byte[2 * size];
    copyUnsigned(r, out, 0, size);
    copyUnsigned(s, out, size, size);
    return out;
  }

  private static void copyUnsigned(BigInteger n, byte[] out, int at, int size) {
    byte[] bytes = n.toByteArray();
    int start = bytes.length > size ? bytes.length - size : 0; // drop a sign byte
    int length = bytes.length - start;
    System.arraycopy(bytes, start, out, at + size - length, length);
  }
}
