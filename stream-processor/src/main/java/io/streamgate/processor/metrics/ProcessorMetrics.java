package io.streamgate.processor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The processor's meters, in the Prometheus text format by {@link #scrape()}. Fed on the driver
 * from query progress and batch results; thread-safe (Micrometer meters are).
 *
 * <pre>
 * streamgate_processor_input_rows_total{view}            Kafka records read by the view's query
 * streamgate_processor_rows_written_total{view}          rows applied to Redis
 * streamgate_processor_rows_not_newer_total{view}        rows Redis ignored (replayed batch)
 * streamgate_processor_processing_rate_rows_per_second{view}  last batch's processing rate
 * streamgate_processor_batch_duration_seconds{view}      batch durations (summary)
 * streamgate_processor_kafka_lag_records{query}          records behind the latest offsets (max over partitions)
 * streamgate_processor_event_lag_seconds{view}           event time → Redis write, the batch's oldest event (summary)
 * streamgate_processor_dead_letters_total{source}        events sent to the dead-letter topic
 * streamgate_processor_windows_expired_total{view}       windowed rows given their TTL
 * </pre>
 */
public final class ProcessorMetrics {
  /** The Prometheus text exposition format {@link #scrape()} produces. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String P = "streamgate.processor.";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, DoubleAdder> rates = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();

  public String scrape() {
    return registry.scrape();
  }

  public void batch(String view, long inputRows, double rowsPerSecond, long durationMillis) {
    Counter.builder(P + "input.rows").tag("view", view).register(registry).increment(inputRows);
    Timer.builder(P + "batch.duration").tag("view", view).register(registry)
        .record(Duration.ofMillis(durationMillis));
    DoubleAdder rate = rates.computeIfAbsent(view, v -> {
      DoubleAdder a = new DoubleAdder();
      Gauge.builder(P + "processing.rate", a, DoubleAdder::sum).baseUnit("rows.per.second")
          .tag("view", v).register(registry);
      return a;
    });
    synchronized (rate) {
      rate.reset();
      rate.add(Double.isNaN(rowsPerSecond) ? 0 : rowsPerSecond);
    }
  }

  public void written(String view, long written, long notNewer) {
    Counter.builder(P + "rows.written").tag("view", view).register(registry).increment(written);
    Counter.builder(P + "rows.not.newer").tag("view", view).register(registry).increment(notNewer);
  }

  /** @param query a view, or {@code dead_letters:<source>} */
  public void kafkaLag(String query, long records) {
    lags.computeIfAbsent(query, q -> {
      AtomicLong lag = new AtomicLong();
      Gauge.builder(P + "kafka.lag", lag, AtomicLong::get).baseUnit("records").tag("query", q)
          .register(registry);
      return lag;
    }).set(records);
  }

  public void eventLag(String view, Duration lag) {
    DistributionSummary.builder(P + "event.lag").baseUnit("seconds").tag("view", view)
        .publishPercentiles(0.5, 0.99).register(registry)
        .record(Math.max(0, lag.toMillis()) / 1000.0);
  }

  public void deadLetters(String source, long n) {
    Counter.builder(P + "dead.letters").tag("source", source).register(registry).increment(n);
  }

  public void windowsExpired(String view, long n) {
    Counter.builder(P + "windows.expired").tag("view", view).register(registry).increment(n);
  }
}
