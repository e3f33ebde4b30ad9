package io.streamgate.loadtest.bench.scenario;

import io.streamgate.loadtest.bench.KeyOptions;
import io.streamgate.loadtest.bench.ScenarioCommand;
import io.streamgate.loadtest.bench.keys.KeyChooser;
import io.streamgate.loadtest.bench.load.Driver;
import io.streamgate.loadtest.bench.load.Http;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.Results;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Point reads {@code GET /v1/views/{view}/{key}}, or multi-gets {@code ?keys=a,b,c} with --multi. */
@Command(name = "rest-read", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Point reads GET /v1/views/{view}/{key} over the keys of a view (--multi N: multi-gets "
        + "GET /v1/views/{view}?keys=a,b,c). A read counts when it answers 200.",
        "Seed rows first: ./streamgate seed --rows 10000 (view bench_rows, keys k0..k9999)."})
public final class RestRead extends ScenarioCommand {
  @Mixin KeyOptions keys;

  @Option(names = "--multi", paramLabel = "N", defaultValue = "1",
      description = "Keys per request; 1 = point reads (default: ${DEFAULT-VALUE}).")
  int multi;

  @Override
  protected String name() {
    return multi > 1 ? "rest-read-multi" + multi : "rest-read";
  }

  @Override
  protected void validate() {
    if (multi < 1) {
      throw new IllegalArgumentException("--multi must be at least 1, but was " + multi);
    }
    keys.chooser();
  }

  @Override
  protected Results execute(Vertx vertx, Measurements measurements, Instant startedAt) {
    KeyChooser chooser = keys.chooser();
    String base = "/v1/views/" + keys.view();
    try (Http http = new Http(vertx, common.targets().get(0), common.connections(), common.token(),
        common.timeout().toMillis(), common.insecure())) {
      Driver driver = driver(vertx, () -> {
        String path = multi == 1 ? base + "/" + chooser.next()
            : base + "?keys=" + chooser.distinct(multi, ThreadLocalRandom.current());
        return Http.expect(http.get(path), 200);
      }, measurements);
      run(driver, measurements);
      return results("requests", startedAt, List.of(http.target().url()), driver, measurements,
          Map.of("view", keys.view(), "keys", chooser.describe(), "keysPerRequest", multi), List.of());
    }
  }
}
