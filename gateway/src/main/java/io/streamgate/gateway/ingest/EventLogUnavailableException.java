package io.streamgate.gateway.ingest;

/**
 * Events could not be written (Kafka unreachable, too slow, or the gateway's in-flight bound is
 * reached): the request answers 503 with {@code Retry-After}. Some events of the request may have
 * been written anyway (a retry may duplicate them, never lose them).
 */
public final class EventLogUnavailableException extends RuntimeException {
  private final long retryAfterSeconds;
  private final boolean maybeWritten;

  public EventLogUnavailableException(String message, Throwable cause, long retryAfterSeconds) {
    this(message, cause, retryAfterSeconds, true);
  }

  /** @param maybeWritten false only when no event was handed to Kafka at all */
  public EventLogUnavailableException(String message, Throwable cause, long retryAfterSeconds,
      boolean maybeWritten) {
    super(message, cause, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
    this.maybeWritten = maybeWritten;
  }

  /** Whether any event may have been written; false: certainly none. */
  public boolean maybeWritten() {
    return maybeWritten;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
