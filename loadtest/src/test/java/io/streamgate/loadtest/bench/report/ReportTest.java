package io.streamgate.loadtest.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.loadtest.bench.measure.Measurements;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  /** Anything a browser would fetch: src/href/url()/@import with a scheme or protocol-relative URL. */
  static final Pattern NETWORK_LOAD = Pattern.compile(
      "(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)|url\\(\\s*[\"']?\\s*(https?:|//)|@import|<link|<iframe|fetch\\(|XMLHttpRequest");

  private static Results sample(String scenario, double requestedRate) {
    Measurements m = new Measurements();
    m.startMeasuring();
    for (int second = 0; second < 3; second++) {
      for (int i = 1; i <= 100; i++) {
        m.recordLatencyNanos(i * MS);
      }
      m.recordError("http_503");
      m.tick(1.0);
    }
    m.recordStageNanos("event_to_store", 40 * MS);
    m.tickFinal();
    return Results.of(scenario, "requests", Instant.parse("2026-11-25T14:00:00Z"), List.of("http://127.0.0.1:8080"),
        "open model, 200/s", requestedRate, 5, m, Map.of("view", "bench_rows"), List.of());
  }

  @Test
  void resultsJsonCarriesRatesErrorsPercentilesAndTheSeries() {
    JsonObject json = ResultsJson.of(sample("rest-read", 100));
    assertEquals("rest-read", json.getString("scenario"));
    assertEquals(300, json.getLong("count"));
    assertEquals(100.0, json.getDouble("achievedRate"), 1e-9);
    assertEquals(3, json.getJsonObject("errors").getLong("total"));
    assertEquals(3, json.getJsonObject("errors").getJsonObject("byKind").getLong("http_503"));
    JsonObject latency = json.getJsonObject("latencyMs");
    assertEquals(50, latency.getDouble("p50"), 0.1);
    assertEquals(90, latency.getDouble("p90"), 0.1);
    assertEquals(99, latency.getDouble("p99"), 0.1);
    assertEquals(100, latency.getDouble("p99.9"), 0.1);
    assertEquals(100, latency.getDouble("max"), 0.1);
    JsonArray series = json.getJsonArray("series");
    assertEquals(3, series.size());
    assertEquals(1, series.getJsonObject(0).getInteger("second"));
    assertEquals(100.0, series.getJsonObject(2).getDouble("rate"), 1e-9);
    assertEquals(1, series.getJsonObject(2).getLong("errors"));
    JsonArray curve = json.getJsonArray("percentiles");
    assertEquals(100.0, curve.getJsonArray(curve.size() - 1).getDouble(0));
    assertEquals(100, curve.getJsonArray(curve.size() - 1).getDouble(1), 0.1);
    for (int i = 1; i < curve.size(); i++) {
      assertTrue(curve.getJsonArray(i).getDouble(0) >= curve.getJsonArray(i - 1).getDouble(0), "percentiles ascend");
      assertTrue(curve.getJsonArray(i).getDouble(1) >= curve.getJsonArray(i - 1).getDouble(1), "latency ascends");
    }
    assertEquals(40, json.getJsonObject("stages").getJsonObject("event_to_store").getDouble("max"), 0.1);
    assertEquals(0, json.getJsonArray("warnings").size());
  }

  @Test
  void aShortfallAgainstTheRequestedRateWarns() {
    Results r = sample("rest-read", 1000);
    assertEquals(1, r.warnings().size());
    assertTrue(r.warnings().get(0).contains("achieved 100.0/s is 10% of the requested 1000.0/s"), r.warnings().get(0));
    assertTrue(Results.warnings(100, 96, Map.of()).isEmpty());
    assertEquals(1, Results.warnings(100, 94, Map.of()).size());
    assertTrue(Results.warnings(0, 5, Map.of()).isEmpty(), "a closed model has no requested rate");
    assertTrue(Results.warnings(0, 5, Map.of("client_overload", 3L)).get(0).contains("--max-in-flight"));
  }

  @Test
  void htmlIsSelfContainedAndEscapesWhatItShows() {
    String html = HtmlReport.render(sample("</script><script src=\"https://evil.example/x.js\"></script>", 1000));
    assertFalse(NETWORK_LOAD.matcher(html).find(), "network load in " + html);
    assertFalse(html.contains("<script src"), html);
    assertTrue(html.contains("&lt;/script&gt;"), "title escaped");
    assertTrue(html.contains("<canvas id=\"pct\""));
    assertTrue(html.contains("<canvas id=\"time\""));
    assertTrue(html.contains("class=\"warn\""), "the shortfall warning is shown");
    // The embedded data cannot close its own script element.
    String data = html.substring(html.indexOf("id=\"data\">"), html.indexOf("</script>", html.indexOf("id=\"data\">")));
    assertTrue(data.contains("\\u003c/script>"), data);
  }

  @Test
  void consoleSummaryNamesRateLatencyAndWarnings() {
    String text = ConsoleSummary.render(sample("rest-read", 1000));
    assertTrue(text.contains("achieved 100.0/s (requested 1,000.0/s)"), text);
    assertTrue(text.contains("p99 99.0"), text);
    assertTrue(text.contains("stage event_to_store"), text);
    assertTrue(text.contains("WARNING: achieved"), text);
  }
}
