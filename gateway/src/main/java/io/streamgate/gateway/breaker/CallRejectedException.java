package io.streamgate.gateway.breaker;

/**
 * A guarded call that was not made: the breaker is open or the bulkhead is full. The caller
 * should answer "unavailable, retry after {@link #retryAfterSeconds()}".
 */
public final class CallRejectedException extends RuntimeException {
  private final long retryAfterSeconds;

  public CallRejectedException(String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
