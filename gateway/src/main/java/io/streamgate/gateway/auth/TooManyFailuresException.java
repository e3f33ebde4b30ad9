package io.streamgate.gateway.auth;

/**
 * A credential was not checked because its client address failed too often lately
 * ({@link AuthFailures}); HTTP answers 429 with {@code Retry-After}.
 */
public final class TooManyFailuresException extends RuntimeException {
  private final long retryAfterSeconds;

  public TooManyFailuresException(String description, long retryAfterSeconds) {
    super(description, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
