package io.streamgate.processor.pipeline;

import io.streamgate.contract.ViewKind;
import java.time.Duration;
import java.util.List;

/**
 * A view as declared under {@code views:} in a pipeline file: SQL over sources, and how its rows
 * are keyed, ranked and kept. Immutable.
 *
 * @param key      the SQL output column whose value (as a string) is the row key
 * @param rank     numeric SQL output column the view is ranked by, or null
 * @param ttl      how long a row lives after its last write (windowed views: after its window
 *                 closed); zero for ever
 * @param trigger  micro-batch interval (zero: the next batch starts as soon as one ends and data
 *                 is there; default {@link #DEFAULT_TRIGGER}); in
 *                 real-time mode the length of each long-running batch
 * @param realTime run in Spark's real-time mode (latest and aggregate views)
 * @param tombstoneRetention how long a deleted row's tombstone is kept (views over changelog
 *                 sources delete rows): a write older than the delete that arrives within it is
 *                 ignored rather than bringing the row back
 * @param indexes  value columns the processor keeps value indexes of, as the file spells them
 *                 (the planner resolves them against the SQL output); empty for none
 */
public record ViewSpec(
    String name,
    String description,
    String key,
    String sql,
    ViewKind kind,
    String rank,
    Duration ttl,
    Duration trigger,
    boolean realTime,
    Duration tombstoneRetention,
    List<String> indexes) {

  public ViewSpec {
    indexes = indexes == null ? List.of() : List.copyOf(indexes);
  }

  /**
   * A micro-batch costs about the same CPU whether it holds 3 rows or 3,000 (planning, code
   * generation, task scheduling, offset and state commits: 0.1–0.2 s of CPU per batch on a
   * 2-core machine), so back-to-back batches at a trickle of events kept 1.6 cores busy for the
   * demo's 20 events/s (BENCHMARKS.md, issue 19). One batch a second bounds that cost per view;
   * under load a batch that takes longer than the interval is followed at once by the next, so
   * throughput is unchanged. Latency-critical {@code latest} views run in real-time mode instead;
   * {@code trigger: 0} restores back-to-back batches.
   */
  public static final Duration DEFAULT_TRIGGER = Duration.ofSeconds(1);
  /** Spark refuses real-time batches shorter than this. */
  public static final Duration MIN_REAL_TIME_BATCH = Duration.ofSeconds(5);
  /**
   * Each real-time batch ends with a checkpoint commit and a brief pause of the long-running
   * tasks: latency spikes at the boundaries, so fewer boundaries are better; a crash replays at
   * most one batch.
   */
  public static final Duration DEFAULT_REAL_TIME_BATCH = Duration.ofSeconds(10);
  /** Windowed rows stay this long after their window closed, unless {@code ttl} says otherwise. */
  public static final Duration DEFAULT_WINDOW_TTL = Duration.ofMinutes(10);
  /**
   * Tombstones of deleted rows live this long unless {@code tombstoneRetention} says otherwise:
   * longer than any replay (a processor or connector restart) or reordering expected.
   */
  public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofHours(24);

  public boolean ranked() {
    return rank != null;
  }
}
