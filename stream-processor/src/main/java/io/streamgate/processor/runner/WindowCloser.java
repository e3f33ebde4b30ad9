package io.streamgate.processor.runner;

import io.streamgate.processor.metrics.ProcessorMetrics;
import io.streamgate.processor.sink.WindowExpiry;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each batch of a windowed view, gives the rows of windows its watermark has passed their
 * TTL ({@link WindowExpiry}). The watermark a batch reports is the one it ran with: windows ending
 * at or before it were dropped from Spark's state in that batch, so their rows are final. Runs on
 * Spark's listener bus thread; thread-safe.
 */
final class WindowCloser extends StreamingQueryListener {
  private static final Logger LOG = LoggerFactory.getLogger(WindowCloser.class);

  private final Map<String, WindowExpiry> byView = new ConcurrentHashMap<>();
  private final ProcessorMetrics metrics;

  WindowCloser(ProcessorMetrics metrics) {
    this.metrics = metrics;
  }

  void add(WindowExpiry expiry) {
    byView.put(expiry.view(), expiry);
  }

  /** Forgets the windows of a table whose query stopped for good. */
  void remove(String table) {
    byView.remove(table);
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    WindowExpiry expiry = p.name() == null ? null : byView.get(p.name());
    String watermark = expiry == null ? null : p.eventTime().get("watermark");
    if (watermark == null) {
      return;
    }
    try {
      long millis = Instant.parse(watermark).toEpochMilli();
      int expired = expiry.expireClosed(millis);
      metrics.windowsExpired(p.name(), expired);
      if (expired > 0) {
        LOG.info("{}: {} rows of windows closed by watermark {} now expire ({} still open)",
            p.name(), expired, watermark, expiry.pending());
      }
    } catch (DateTimeParseException e) {
      LOG.warn("{}: unreadable watermark '{}' in progress; windows not expired", p.name(),
          watermark);
    } catch (RuntimeException e) {
      LOG.warn("{}: setting the TTL of closed windows failed ({}); retried after the next batch",
          p.name(), e.toString());
    }
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}
