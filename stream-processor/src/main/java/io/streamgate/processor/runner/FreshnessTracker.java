package io.streamgate.processor.runner;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.StreamingQueryStatus;

/**
 * What the view status says of each version's freshness (see the contract's {@code Freshness}):
 * the greatest event time its batches processed ({@code watermarkMs}) and the last moment it
 * had read every record of its sources ({@code caughtUpAtMs}). Both come from what Spark keeps
 * in memory (progress reports, the query's status): no Redis or Kafka call, whatever the event
 * rate. Progress arrives on Spark's listener bus thread, the tick on the manager's: thread-safe.
 */
final class FreshnessTracker {
  private final Map<String, Long> maxEventTime = new ConcurrentHashMap<>();
  private final Map<String, Long> caughtUpAt = new ConcurrentHashMap<>();

  /** Each batch's progress: keeps the greatest event time seen (Spark reports it per batch). */
  void onProgress(String table, StreamingQueryProgress p) {
    long max = instant(p.eventTime().get("max"));
    if (max > 0) {
      maxEventTime.merge(table, max, Math::max);
    }
  }

  /**
   * The greatest event time the version processed; after a restart, until its first batch with
   * data, Spark's watermark (restored from the checkpoint, below that by the allowed lateness).
   * 0 for sources without an event time.
   */
  long watermark(String table, StreamingQuery query) {
    StreamingQueryProgress last = query == null ? null : query.lastProgress();
    long spark = last == null ? 0 : instant(last.eventTime().get("watermark"));
    return Math.max(maxEventTime.getOrDefault(table, 0L), spark);
  }

  /**
   * Called every tick: if the version has read every record its sources had when its last batch
   * was planned and no batch with data runs now, it is caught up at {@code now}. Returns the last
   * caught-up instant, 0 if never.
   */
  long caughtUpAt(String table, StreamingQuery query, boolean realTime, long now) {
    if (query != null && query.isActive() && caughtUp(Backfill.of(query.lastProgress()),
        query.status(), realTime)) {
      caughtUpAt.put(table, now);
      return now;
    }
    return caughtUpAt.getOrDefault(table, 0L);
  }

  /**
   * Pure. A real-time query runs one long batch that reads records as they come: caught up
   * whenever its progress shows no records behind. A micro-batch query also needs no batch with
   * data running (the records it reads are not in Redis yet).
   */
  static boolean caughtUp(Backfill read, StreamingQueryStatus status, boolean realTime) {
    if (!read.known() || read.lag() > 0) {
      return false;
    }
    return realTime || !(status.isTriggerActive() && status.isDataAvailable());
  }

  void remove(String table) {
    maxEventTime.remove(table);
    caughtUpAt.remove(table);
  }

  private static long instant(String text) {
    try {
      return text == null ? 0 : Instant.parse(text).toEpochMilli();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
