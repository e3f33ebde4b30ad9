package io.streamgate.gateway.ingest;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where accepted events are written: a Kafka topic per stream.
 *
 * <p>Thread-safe. {@link #append} may be called from any event loop; it never blocks it, and its
 * future completes on the caller's context.
 */
public interface EventLog {

  /** One event to write: the record key (null for none) and the event's JSON text as sent. */
  record Event(String key, String value) {}

  /** Where the broker stored an event. */
  record Position(int partition, long offset) {}

  /**
   * Writes {@code events} to {@code topic} in order (one key's events keep their order) and
   * succeeds only once the broker has acknowledged every one of them ({@code acks=all}), with
   * their positions in the same order. Fails with {@link EventLogUnavailableException} if any
   * event was not acknowledged in time or was refused; some events of a failed call may still
   * have been written.
   */
  Future<List<Position>> append(String topic, List<Event> events);

  /** Flushes what is buffered (bounded by the timeout) and closes the producer. */
  Future<Void> close();
}
