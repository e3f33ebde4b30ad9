package io.streamgate.loadtest.bench.scenario;

import io.streamgate.contract.Names;
import io.streamgate.loadtest.bench.ScenarioCommand;
import io.streamgate.loadtest.bench.load.Driver;
import io.streamgate.loadtest.bench.load.Http;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.Results;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Events per second through {@code POST /v1/events/{stream}}: one JSON object, or arrays with --batch. */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Events/s through POST /v1/events/{stream}: a JSON object per request, or a JSON array of "
        + "--batch N events. A request counts when it answers 202 (the broker acknowledged).",
        "Events are orders (status created, ids bench-<run>-<n>), so the demo's pipeline accepts them."})
public final class Ingest extends ScenarioCommand {
  @Option(names = "--stream", paramLabel = "NAME", defaultValue = "orders",
      description = "Stream to post to (default: ${DEFAULT-VALUE}).")
  String stream;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
      description = "Events per request; > 1 sends a JSON array (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  protected String name() {
    return batch > 1 ? "ingest-batch" + batch : "ingest";
  }

  @Override
  protected void validate() {
    if (batch < 1) {
      throw new IllegalArgumentException("--batch must be at least 1, but was " + batch);
    }
    String problem = Names.viewNameProblem(stream);
    if (problem != null) {
      throw new IllegalArgumentException("--stream: " + problem);
    }
  }

  @Override
  protected Results execute(Vertx vertx, Measurements measurements, Instant startedAt) {
    BenchEvents events = new BenchEvents();
    String path = "/v1/events/" + stream;
    try (Http http = new Http(vertx, common.targets().get(0), common.connections(), common.token(),
        common.timeout().toMillis(), common.insecure())) {
      Driver driver = driver(vertx, () -> Http.expect(
          http.send(HttpMethod.POST, path, "application/json", Buffer.buffer(events.body(batch))), 202), measurements);
      run(driver, measurements);
      Results r = results("requests", startedAt, List.of(http.target().url()), driver, measurements, Map.of(),
          List.of());
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("stream", stream);
      extra.put("eventsPerRequest", batch);
      extra.put("eventsPerSecond", Math.round(r.achievedRate() * batch * 10) / 10.0);
      List<String> warnings = new java.util.ArrayList<>();
      if (r.errorsByKind().containsKey("http_404")) {
        warnings.add(String.format(Locale.ROOT, "404 from %s: this gateway has no event ingest for stream '%s'",
            path, stream));
      }
      return results("requests", startedAt, List.of(http.target().url()), driver, measurements, extra, warnings);
    }
  }
}
