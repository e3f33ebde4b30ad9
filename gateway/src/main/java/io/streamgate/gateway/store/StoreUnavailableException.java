package io.streamgate.gateway.store;

/**
 * The store did not answer in time or could not be reached. The request may succeed if retried
 * later; HTTP maps this to 503. The message is for logs (it may name the Redis address).
 */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
