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
import java.util.function.DoubleSupplier;

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
 * streamgate_processor_lookup_refreshes_total{table}     lookup table copies read
 * streamgate_processor_lookup_refresh_failures_total{table}  reads that failed (the last copy stays)
 * streamgate_processor_lookup_rows{table}                rows of the table's current copy
 * streamgate_processor_lookup_last_success_age_seconds{table}  age of the current copy (NaN: none)
 * </pre>
 */
public final class ProcessorMetrics {
  /** The Prometheus text exposition format {@link #scrape()} produces. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String P = "streamgate.processor.";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, DoubleAdder> rates = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();
  /** Per lookup table: its rows and its copy's age, as the table's current owner reports them. */
  private final Map<String, DoubleSupplier[]> lookups = new ConcurrentHashMap<>();

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

  /**
   * A lookup table's gauges. Called again for the same table (a new definition), the gauges
   * read the new suppliers.
   *
   * @param ageSeconds seconds since its current copy was read; NaN before the first copy
   */
  public void lookupTable(String table, DoubleSupplier rows, DoubleSupplier ageSeconds) {
    DoubleSupplier[] now = {rows, ageSeconds};
    if (lookups.put(table, now) == null) {
      Gauge.builder(P + "lookup.rows", lookups, m -> m.get(table)[0].getAsDouble())
          .tag("table", table).register(registry);
      Gauge.builder(P + "lookup.last.success.age", lookups, m -> m.get(table)[1].getAsDouble())
          .baseUnit("seconds").tag("table", table).register(registry);
      // At 0 from the start, so an alert on their rate sees the first failure.
      Counter.builder(P + "lookup.refreshes").tag("table", table).register(registry);
      Counter.builder(P + "lookup.refresh.failures").tag("table", table).register(registry);
    }
  }

  public void lookupRefreshed(String table) {
    Counter.builder(P + "lookup.refreshes").tag("table", table).register(registry).increment();
  }

  public void lookupRefreshFailed(String table) {
    Counter.builder(P + "lookup.refresh.failures").tag("table", table).register(registry)
        .increment();
  }

  public void windowsExpired(String view, long n) {
    Counter.builder(P + "windows.expired").tag("view", view).register(registry).increment(n);
  }
}
