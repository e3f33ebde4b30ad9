package io.streamgate.loadtest.bench.report;

import io.streamgate.loadtest.bench.measure.LatencySummary;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.measure.Second;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What one scenario run measured, ready for the console, {@code results.json} and
 * {@code report.html}. Immutable.
 *
 * @param unit what one counted unit is ("requests", "deliveries", "events")
 * @param model the driver's description
 * @param requestedRate units per second asked for, 0 for a closed model
 * @param percentiles (percentile, ms) points of the latency distribution, for the chart
 * @param stages latency of named parts of the path (e.g. freshness: event → store → client)
 * @param extra scenario-specific numbers (e.g. admitted requests per target)
 */
public record Results(String scenario, String unit, Instant startedAt, List<String> targets, String model,
    double requestedRate, double durationSeconds, double warmupSeconds, long count, double achievedRate,
    long errors, Map<String, Long> errorsByKind, LatencySummary latency, List<double[]> percentiles,
    List<Second> series, Map<String, LatencySummary> stages, Map<String, Long> counters,
    Map<String, Object> extra, List<String> warnings) {

  /** Below this share of the requested rate, the run warns that it fell short. */
  public static final double SHORTFALL = 0.95;

  public static Results of(String scenario, String unit, Instant startedAt, List<String> targets, String model,
      double requestedRate, double warmupSeconds, Measurements m, Map<String, Object> extra,
      List<String> extraWarnings) {
    Histogram total = m.total();
    double seconds = m.measuredSeconds();
    double achieved = seconds > 0 ? total.getTotalCount() / seconds : 0;
    Map<String, LatencySummary> stages = new LinkedHashMap<>();
    m.stages().forEach((name, h) -> stages.put(name, LatencySummary.of(h)));
    Map<String, Long> errorsByKind = m.errorsByKind();
    List<String> warnings = new ArrayList<>(warnings(requestedRate, achieved, errorsByKind));
    if (total.getTotalCount() == 0 && m.measuredErrors() > 0) {
      warnings.add(0, "nothing succeeded (errors " + errorsByKind + "): is the target up, the path right and the "
          + "token valid (connect = nobody listening, http_401/403 = token)?");
    }
    warnings.addAll(extraWarnings);
    return new Results(scenario, unit, startedAt, List.copyOf(targets), model, requestedRate, seconds,
        warmupSeconds, total.getTotalCount(), achieved, m.measuredErrors(), errorsByKind,
        LatencySummary.of(total), percentileCurve(total), m.series(), stages, m.counters(), extra, warnings);
  }

  /** Warnings the numbers alone justify: a rate shortfall, or the client's own limit hit. */
  public static List<String> warnings(double requestedRate, double achievedRate, Map<String, Long> errorsByKind) {
    List<String> out = new ArrayList<>();
    if (requestedRate > 0 && achievedRate < requestedRate * SHORTFALL) {
      out.add(String.format(Locale.ROOT, "achieved %.1f/s is %.0f%% of the requested %.1f/s: the target (or this "
          + "tool) is saturated, or errors ate the difference. Check the errors, run the tool on its own core "
          + "(taskset -c 1 ./streamgate bench ...), or lower --rate.", achievedRate,
          100 * achievedRate / requestedRate, requestedRate));
    }
    if (errorsByKind.getOrDefault("client_overload", 0L) > 0) {
      out.add("the tool skipped " + errorsByKind.get("client_overload") + " sends because --max-in-flight was "
          + "reached: the target answers far slower than the requested rate.");
    }
    return out;
  }

  /**
   * The latency distribution as (percentile, ms) points, dense near the tail, as HdrHistogram's
   * own percentile output; the last point is the maximum at 100.
   */
  static List<double[]> percentileCurve(Histogram micros) {
    List<double[]> points = new ArrayList<>();
    if (micros.getTotalCount() == 0) {
      return points;
    }
    for (HistogramIterationValue v : micros.percentiles(5)) {
      double percentile = v.getPercentileLevelIteratedTo();
      double ms = micros.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
      if (percentile >= 100) {
        break;
      }
      points.add(new double[] {percentile, ms});
    }
    points.add(new double[] {100, micros.getMaxValue() / 1000.0});
    return points;
  }
}
