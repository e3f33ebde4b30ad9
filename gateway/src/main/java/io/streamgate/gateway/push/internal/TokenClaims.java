package io.streamgate.gateway.push.internal;

import io.streamgate.contract.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Reads claims of a token the verifier has already accepted. Stateless. */
final class TokenClaims {
  private TokenClaims() {}

  /**
   * The {@code exp} claim in epoch seconds, or {@link Long#MAX_VALUE} if it cannot be read
   * (the verifier requires it, so that does not happen for a verified token).
   */
  static long expiresAtSeconds(String token) {
    try {
      int first = token.indexOf('.');
      int second = token.indexOf('.', first + 1);
      String payload = new String(Base64.getUrlDecoder().decode(
          token.substring(first + 1, second)), StandardCharsets.UTF_8);
      Map<String, Object> claims = Json.parseObject(payload);
      return claims.get("exp") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }
}
