package io.streamgate.processor.runner;

import io.streamgate.processor.deadletter.DeadLetters;
import io.streamgate.processor.metrics.ProcessorMetrics;
import io.streamgate.processor.sink.BatchListener;
import io.streamgate.processor.sink.BatchWriter;
import io.streamgate.processor.sink.WriteCounts;
import io.streamgate.processor.sink.WriteCountsAccumulator;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One concise line per view per batch that did something: rows in and out, batch duration, what
 * the writes did (and their version), Kafka lag; a warning per dead-letter batch; and the same
 * numbers into {@link ProcessorMetrics}. Write counts arrive from each view's query thread ({@link BatchListener});
 * progress arrives afterwards on Spark's listener bus thread; this joins the two. Thread-safe.
 */
final class ProgressLog extends StreamingQueryListener implements BatchListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

  private final Map<String, WriteCounts> written = new ConcurrentHashMap<>();
  /**
   * Real-time views: what their tasks wrote so far, and how much of it was reported. Kept after a
   * query stops (a restart reuses its name): one small entry per real-time view version.
   */
  private final Map<String, RealTimeCounts> realTime = new ConcurrentHashMap<>();
  private final Map<UUID, String> names = new ConcurrentHashMap<>();
  private final ProcessorMetrics metrics;

  ProgressLog(ProcessorMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void onBatchWritten(String view, long batchId, WriteCounts counts) {
    written.put(view + "#" + batchId, counts);
  }

  /**
   * The accumulator a real-time view's tasks add their write counts to. Its tasks report when
   * they end, which is before the batch's progress, so each progress takes what came since the
   * last one as that batch's counts.
   */
  WriteCountsAccumulator realTimeCounts(SparkSession spark, String view) {
    WriteCountsAccumulator counts = new WriteCountsAccumulator();
    spark.sparkContext().register(counts, "streamgate." + view + ".writes");
    realTime.put(view, new RealTimeCounts(counts));
    return counts;
  }

  private static final class RealTimeCounts {
    private final WriteCountsAccumulator total;
    private WriteCounts reported = WriteCounts.ZERO;

    RealTimeCounts(WriteCountsAccumulator total) {
      this.total = total;
    }

    /** Called on the listener bus thread only. */
    WriteCounts sinceLast() {
      WriteCounts now = total.value();
      WriteCounts delta = now.minus(reported);
      reported = now;
      return delta;
    }
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    if (event.name() != null) {
      names.put(event.id(), event.name());
    }
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    long lag = kafkaLag(p);
    if (lag >= 0) {
      metrics.kafkaLag(p.name(), lag);
    }
    String source = DeadLetterQueries.sourceOf(p.name());
    if (source != null) {
      long n = deadLetters(p);
      metrics.deadLetters(source, n);
      if (n > 0) {
        LOG.warn("source {}: {} of {} events refused, sent to the dead-letter topic (batch {},"
            + " {} ms)", source, n, p.numInputRows(), p.batchId(), p.batchDuration());
      }
      return;
    }
    WriteCounts counts = written.remove(p.name() + "#" + p.batchId());
    RealTimeCounts realTimeView = realTime.get(p.name());
    if (counts == null && realTimeView != null) {
      counts = realTimeView.sinceLast();
    }
    metrics.batch(p.name(), p.numInputRows(), p.processedRowsPerSecond(), p.batchDuration());
    if (counts != null) {
      metrics.written(p.name(), counts.written(), counts.notNewer());
    }
    String oldest = p.eventTime().get("min");
    if (oldest != null && p.numInputRows() > 0) {
      try {
        metrics.eventLag(p.name(), Duration.between(Instant.parse(oldest), Instant.now()));
      } catch (DateTimeParseException e) {
        // not an instant: no lag to report
      }
    }
    if (p.numInputRows() == 0 && (counts == null || counts.rows() == 0)) {
      return; // a no-data report, or a batch run only to advance the watermark
    }
    StringBuilder line = new StringBuilder()
        .append(p.name()).append(" batch ").append(p.batchId()).append(": ")
        .append(p.numInputRows()).append(" rows in");
    if (counts != null) {
      line.append(", ").append(counts.rows()).append(" out, ");
    } else {
      line.append(", ");
    }
    line.append(p.batchDuration()).append(" ms");
    if (counts != null) {
      line.append(" (").append(counts.written()).append(" written");
      if (counts.written() > 0 && realTimeView == null) {
        line.append(" at version ").append(BatchWriter.version(p.batchId()));
      }
      line.append(", ")
          .append(counts.notNewer()).append(" not newer");
      if (counts.superseded() > 0) {
        line.append(", ").append(counts.superseded()).append(" superseded in batch");
      }
      if (counts.skipped() > 0) {
        line.append(", ").append(counts.skipped()).append(" skipped: no valid key");
      }
      line.append(')');
    }
    if (lag > 0) {
      line.append(", Kafka lag ").append(lag);
    }
    LOG.info("{}", line);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} batch {} durations: {}", p.name(), p.batchId(), p.durationMs());
    }
  }

  /** The dead letters a dead-letter query's batch wrote (0 for a view's progress). */
  static long deadLetters(StreamingQueryProgress p) {
    org.apache.spark.sql.Row n = p.observedMetrics().get(DeadLetters.METRIC);
    return n == null || n.isNullAt(0) ? 0 : n.getLong(0);
  }

  /**
   * Records the query is behind the latest offsets (Kafka source metric
   * {@code maxOffsetsBehindLatest}, summed over sources), or -1 if not reported.
   */
  static long kafkaLag(StreamingQueryProgress p) {
    long lag = -1;
    for (SourceProgress s : p.sources()) {
      String behind = s.metrics() == null ? null : s.metrics().get("maxOffsetsBehindLatest");
      if (behind != null) {
        try {
          lag = Math.max(lag, 0) + Long.parseLong(behind);
        } catch (NumberFormatException e) {
          // not a number: not reported
        }
      }
    }
    return lag;
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {
    // nothing to say while a view waits for events
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    String name = names.getOrDefault(event.id(), event.id().toString());
    if (event.exception().isDefined()) {
      LOG.error("view {} stopped with an error: {}", name,
          event.exception().get().strip().lines().findFirst().orElse(""));
    } else {
      LOG.info("view {} stopped", name);
    }
  }
}
