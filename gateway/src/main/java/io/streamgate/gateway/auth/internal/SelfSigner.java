package io.streamgate.gateway.auth.internal;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs tokens the gateway accepts, for its own requests (the warm-up): HS256 with the first
 * configured HMAC key, the configured issuer and audience, and the required {@code typ} if any.
 * Immutable and thread-safe.
 */
final class SelfSigner {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final String kid;
  private final byte[] secret;
  private final String issuer;
  private final String audience;
  private final String type;
  private final Clock clock;

  /** @param type the {@code typ} header, or null for {@code JWT} */
  SelfSigner(String kid, String secret, String issuer, String audience, String type,
      Clock clock) {
    this.kid = kid;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.issuer = issuer;
    this.audience = audience;
    this.type = type == null ? "JWT" : type;
    this.clock = clock;
  }

  String sign(String subject, String scope, long ttlSeconds) {
    long now = clock.instant().getEpochSecond();
    String header = new JsonObject().put("alg", "HS256").put("typ", type).put("kid", kid)
        .encode();
    String payload = new JsonObject().put("iss", issuer).put("aud", audience)
        .put("sub", subject).put("scope", scope).put("iat", now).put("exp", now + ttlSeconds)
        .encode();
    String signed = encode(header) + '.' + encode(payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return signed + '.'
          + BASE64URL.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static String encode(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
