package io.streamgate.connector;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the change events written to Kafka and remembers the position of the last one: the
 * numbers behind the progress log and {@code GET /metrics}.
 *
 * <p>Thread-safe: {@link #written} is called by the engine's thread, the readers by others.
 */
final class ConnectorMetrics {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Clock clock;
  private final Map<String, LongAdder> changes = new ConcurrentHashMap<>(); // "table\u0000op"
  private final AtomicLong total = new AtomicLong();
  private volatile long lastLsn = -1;
  private volatile long lastSourceTsMs = -1;
  private volatile long lagMs = -1;

  ConnectorMetrics(Clock clock) {
    this.clock = clock;
  }

  /** Records one change event that Kafka acknowledged just now. */
  void written(ChangeEnvelope change) {
    changes.computeIfAbsent(change.table() + '\u0000' + change.op(), k -> new LongAdder()).increment();
    total.incrementAndGet();
    if (change.lsn() >= 0) {
      lastLsn = change.lsn();
    }
    if (change.sourceTsMs() >= 0) {
      lastSourceTsMs = change.sourceTsMs();
      lagMs = Math.max(0, clock.millis() - change.sourceTsMs());
    }
  }

  /** Change events written since start. */
  long total() {
    return total.get();
  }

  long lastLsn() {
    return lastLsn;
  }

  /** From the database commit of the last change written to Kafka until Kafka acknowledged it; -1 before any. */
  long lagMs() {
    return lagMs;
  }

  /** Prometheus text exposition format. */
  String scrape() {
    StringBuilder out = new StringBuilder(512);
    out.append("# HELP streamgate_connector_changes_total Change events written to Kafka, by table and operation"
        + " (c insert, u update, d delete, r snapshot read).\n");
    out.append("# TYPE streamgate_connector_changes_total counter\n");
    Map<String, LongAdder> sorted = new TreeMap<>(changes);
    sorted.forEach((key, count) -> {
      int split = key.indexOf('\u0000');
      out.append("streamgate_connector_changes_total{table=\"").append(escape(key.substring(0, split)))
          .append("\",op=\"").append(escape(key.substring(split + 1))).append("\"} ")
          .append(count.sum()).append('\n');
    });
    if (lagMs >= 0) {
      out.append("# HELP streamgate_connector_lag_seconds From the database commit of the last change written"
          + " to Kafka until Kafka acknowledged it.\n");
      out.append("# TYPE streamgate_connector_lag_seconds gauge\n");
      out.append("streamgate_connector_lag_seconds ").append(seconds(lagMs)).append('\n');
      out.append("# HELP streamgate_connector_last_event_timestamp_seconds Database commit time of the last change"
          + " written to Kafka (time() minus this is how stale the topics are when nothing changes).\n");
      out.append("# TYPE streamgate_connector_last_event_timestamp_seconds gauge\n");
      out.append("streamgate_connector_last_event_timestamp_seconds ").append(seconds(lastSourceTsMs)).append('\n');
    }
    return out.toString();
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
