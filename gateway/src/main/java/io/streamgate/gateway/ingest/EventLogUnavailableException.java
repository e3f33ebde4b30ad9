package io.streamgate.gateway.ingest;

/**
 * Events could not be written (Kafka unreachable, too slow, or the gateway's in-flight bound is
 * reached): the request answers 503 with {@code Retry-After}. Some events of the request may have
 * been written anyway (a retry may duplicate them, never lose them).
 */
public final class EventLogUnavailableException extends RuntimeException {
  private final long retryAfterSeconds;

  public EventLogUnavailableException(String message, Throwable cause, long retryAfterSeconds) {
    super(message, cause, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
