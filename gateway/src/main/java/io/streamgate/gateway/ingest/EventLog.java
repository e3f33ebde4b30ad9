package io.streamgate.gateway.ingest;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

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

  /**
   * One {@link #appendTracked} call: {@code answer} is what {@link #append} returns (bounded by
   * the gateway's timeout); {@code settled} completes once the write has its final outcome, which
   * may be later (an acknowledgement that arrives after the timeout): the positions, or an
   * {@link EventLogUnavailableException} whose {@link EventLogUnavailableException#maybeWritten()}
   * says whether any event was handed to Kafka at all.
   */
  record Attempt(Future<List<Position>> answer, Future<List<Position>> settled) {}

  /** {@link #append}, plus the final outcome (for idempotent requests). */
  default Attempt appendTracked(String topic, List<Event> events) {
    Future<List<Position>> answer = append(topic, events);
    return new Attempt(answer, answer);
  }

  /**
   * Connects ahead of the first event: the producer, and each of {@code topics}' metadata, so
   * the first events after a start (or to a new stream) do not wait for them; without it they
   * pay the connection, the producer id and the metadata, seconds on a busy machine. Completes
   * when done; a failure is only logged (the first event tries again). Never blocks the caller.
   */
  default Future<Void> prepare(Set<String> topics) {
    return Future.succeededFuture();
  }

  /** Flushes what is buffered (bounded by the timeout) and closes the producer. */
  Future<Void> close();
}
