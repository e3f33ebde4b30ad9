package io.streamgate.loadtest.bench.report;

import io.streamgate.loadtest.bench.measure.LatencySummary;
import java.util.Locale;
import java.util.Map;

/** The summary printed at the end of a run. Pure. */
public final class ConsoleSummary {
  private ConsoleSummary() {}

  public static String render(Results r) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "== %s: %s, %.1f s measured after %.0f s warm-up%n", r.scenario(),
        r.model(), r.durationSeconds(), r.warmupSeconds()));
    out.append(String.format(Locale.ROOT, "   %s: %,d  achieved %,.1f/s%s  errors %,d%s%n", r.unit(), r.count(),
        r.achievedRate(), r.requestedRate() > 0 ? String.format(Locale.ROOT, " (requested %,.1f/s)", r.requestedRate())
            : "", r.errors(), r.errorsByKind().isEmpty() ? "" : " " + r.errorsByKind()));
    out.append("   latency ").append(line(r.latency())).append('\n');
    for (Map.Entry<String, LatencySummary> e : r.stages().entrySet()) {
      out.append("   stage ").append(e.getKey()).append(": ").append(line(e.getValue())).append('\n');
    }
    if (!r.counters().isEmpty()) {
      out.append("   counters ").append(r.counters()).append('\n');
    }
    if (!r.extra().isEmpty()) {
      out.append("   ").append(r.extra()).append('\n');
    }
    for (String warning : r.warnings()) {
      out.append("WARNING: ").append(warning).append('\n');
    }
    return out.toString();
  }

  static String line(LatencySummary s) {
    return String.format(Locale.ROOT, "ms p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (n=%,d)",
        s.p50Ms(), s.p90Ms(), s.p99Ms(), s.p999Ms(), s.maxMs(), s.count());
  }
}
