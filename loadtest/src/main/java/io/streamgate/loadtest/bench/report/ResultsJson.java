package io.streamgate.loadtest.bench.report;

import io.streamgate.loadtest.bench.measure.LatencySummary;
import io.streamgate.loadtest.bench.measure.Second;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** {@code results.json}: every number of a {@link Results}, latencies in milliseconds. Pure. */
public final class ResultsJson {
  private ResultsJson() {}

  public static JsonObject of(Results r) {
    JsonObject errors = new JsonObject().put("total", r.errors());
    JsonObject byKind = new JsonObject();
    r.errorsByKind().forEach(byKind::put);
    errors.put("byKind", byKind);
    JsonArray percentiles = new JsonArray();
    r.percentiles().forEach(p -> percentiles.add(new JsonArray().add(p[0]).add(p[1])));
    JsonArray series = new JsonArray();
    for (Second s : r.series()) {
      series.add(new JsonObject().put("second", s.second()).put("count", s.count()).put("rate", round(s.rate()))
          .put("errors", s.errors()).put("p50Ms", s.p50Ms()).put("p99Ms", s.p99Ms()).put("maxMs", s.maxMs()));
    }
    JsonObject stages = new JsonObject();
    r.stages().forEach((name, summary) -> stages.put(name, latency(summary)));
    JsonObject counters = new JsonObject();
    r.counters().forEach(counters::put);
    JsonArray targets = new JsonArray();
    r.targets().forEach(targets::add);
    JsonArray warnings = new JsonArray();
    r.warnings().forEach(warnings::add);
    return new JsonObject()
        .put("scenario", r.scenario())
        .put("unit", r.unit())
        .put("startedAt", r.startedAt().toString())
        .put("targets", targets)
        .put("model", r.model())
        .put("requestedRate", r.requestedRate())
        .put("warmupSeconds", r.warmupSeconds())
        .put("durationSeconds", round(r.durationSeconds()))
        .put("count", r.count())
        .put("achievedRate", round(r.achievedRate()))
        .put("errors", errors)
        .put("latencyMs", latency(r.latency()))
        .put("percentiles", percentiles)
        .put("series", series)
        .put("stages", stages)
        .put("counters", counters)
        .put("extra", new JsonObject(r.extra()))
        .put("warnings", warnings)
        .put("tool", new JsonObject()
            .put("java", System.getProperty("java.version"))
            .put("availableProcessors", Runtime.getRuntime().availableProcessors()));
  }

  static JsonObject latency(LatencySummary s) {
    return new JsonObject().put("count", s.count()).put("mean", round(s.meanMs())).put("p50", s.p50Ms())
        .put("p90", s.p90Ms()).put("p99", s.p99Ms()).put("p99.9", s.p999Ms()).put("max", s.maxMs());
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
