package io.streamgate.gateway.store;

/**
 * The store did not answer in time, could not be reached, or was not asked because its circuit
 * breaker is open or its bulkhead full. The request may succeed if retried after
 * {@link #retryAfterSeconds()}; HTTP maps this to 503. The message is for logs (it may name the
 * Redis address).
 */
public final class StoreUnavailableException extends RuntimeException {
  public static final long DEFAULT_RETRY_AFTER_SECONDS = 1;
  private final long retryAfterSeconds;

  public StoreUnavailableException(String message, Throwable cause) {
    this(message, cause, DEFAULT_RETRY_AFTER_SECONDS);
  }

  public StoreUnavailableException(String message, Throwable cause, long retryAfterSeconds) {
    super(message, cause, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
