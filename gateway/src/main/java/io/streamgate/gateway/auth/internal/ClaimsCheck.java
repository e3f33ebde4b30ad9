package io.streamgate.gateway.auth.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;

/**
 * The registered claims a signed token must also satisfy: {@code iss}, {@code aud}, {@code exp}
 * (required) and {@code nbf}, with a leeway for clock skew. Time comes from an injected clock.
 * Immutable and thread-safe.
 */
final class ClaimsCheck {
  private final String issuer;
  private final String audience;
  private final long leewaySeconds;
  private final Clock clock;

  ClaimsCheck(String issuer, String audience, long leewaySeconds, Clock clock) {
    this.issuer = issuer;
    this.audience = audience;
    this.leewaySeconds = leewaySeconds;
    this.clock = clock;
  }

  /** Why the claims are refused, or null if they are fine. */
  String problem(JsonObject claims) {
    Object iss = claims.getValue("iss");
    if (!issuer.equals(iss)) {
      return iss == null ? "token has no iss claim" : "issuer is not accepted";
    }
    if (!audienceMatches(claims.getValue("aud"))) {
      return "audience is not accepted";
    }
    long now = clock.instant().getEpochSecond();
    Object exp = claims.getValue("exp");
    if (!(exp instanceof Number expiry)) {
      return "token has no numeric exp claim";
    }
    if (now - leewaySeconds >= expiry.longValue()) {
      return "token expired at " + Instant.ofEpochSecond(expiry.longValue());
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null && !(nbf instanceof Number)) {
      return "nbf claim is not a number";
    }
    if (nbf != null && ((Number) nbf).longValue() > now + leewaySeconds) {
      return "token is not valid before " + Instant.ofEpochSecond(((Number) nbf).longValue());
    }
    return null;
  }

  private boolean audienceMatches(Object aud) {
    if (aud instanceof String s) {
      return audience.equals(s);
    }
    if (aud instanceof JsonArray array) {
      return array.contains(audience);
    }
    return false;
  }
}
