package io.streamgate.processor.pipeline;

import io.streamgate.contract.ViewKind;
import java.time.Duration;

/**
 * A view as declared under {@code views:} in a pipeline file: SQL over sources, and how its rows
 * are keyed, ranked and kept. Immutable.
 *
 * @param key      the SQL output column whose value (as a string) is the row key
 * @param rank     numeric SQL output column the view is ranked by, or null
 * @param ttl      how long a row lives after its last write (windowed views: after its window
 *                 closed); zero for ever
 * @param trigger  micro-batch interval; zero means the next batch starts as soon as one ends
 */
public record ViewSpec(
    String name,
    String description,
    String key,
    String sql,
    ViewKind kind,
    String rank,
    Duration ttl,
    Duration trigger) {

  /**
   * Back to back: a batch starts as soon as the previous one ends and new data is there. An idle
   * view re-checks Kafka every {@code spark.sql.streaming.pollingDelay} (the processor sets 50
   * ms), so a fixed interval would only add up to that interval to produce→Redis latency.
   */
  public static final Duration DEFAULT_TRIGGER = Duration.ZERO;
  /** Windowed rows stay this long after their window closed, unless {@code ttl} says otherwise. */
  public static final Duration DEFAULT_WINDOW_TTL = Duration.ofMinutes(10);

  public boolean ranked() {
    return rank != null;
  }
}
