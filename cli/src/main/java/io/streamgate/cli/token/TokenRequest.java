package io.streamgate.cli.token;

import java.time.Duration;
import java.util.Objects;

/**
 * What a token says: who ({@code sub}), what it may do ({@code scope}, space-separated), for which
 * tenant and plan (both optional), and for how long.
 */
public record TokenRequest(String subject, String scope, String tenant, String plan, Duration ttl) {
  /** Issuer and audience the gateway expects. */
  public static final String ISSUER = "streamgate";
  public static final String AUDIENCE = "streamgate";
  /** Key id in the JWT header; the gateway's local config names its demo key so. */
  public static final String KEY_ID = "demo";

  public TokenRequest {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(ttl, "ttl");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("--sub must not be empty");
    }
    if (scope.isBlank()) {
      throw new IllegalArgumentException("--scope must name at least one scope, e.g. \"views:read\"");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.toSeconds() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--ttl must be between 1 and " + Integer.MAX_VALUE
          + " seconds, but was " + ttl.toSeconds());
    }
  }

  /** The read-only token the demo prints: every view, 24 hours. */
  public static TokenRequest demoReader() {
    return new TokenRequest("demo", "views:read", null, null, Duration.ofHours(24));
  }
}
