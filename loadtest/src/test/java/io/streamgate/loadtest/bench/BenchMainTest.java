package io.streamgate.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.loadtest.bench.load.LoadRun;
import io.streamgate.loadtest.bench.measure.Second;
import io.streamgate.loadtest.bench.scenario.RateLimit;
import io.streamgate.loadtest.bench.scenario.Suite;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchMainTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BenchMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryScenarioAndTheCommonOptions() {
    Run help = run("--help");
    assertEquals(0, help.exit());
    for (String scenario : new String[] {"rest-read", "ws-fanout", "freshness", "ingest", "rate-limit", "noop", "suite"}) {
      assertTrue(help.out().contains(scenario), scenario + " in " + help.out());
    }
    Run restRead = run("rest-read", "--help");
    for (String option : new String[] {"--target", "--rate", "--connections", "--duration", "--warmup", "--token",
        "--keys", "--dist", "--out", "--multi"}) {
      assertTrue(restRead.out().contains(option), option + " in " + restRead.out());
    }
  }

  @Test
  void nonsenseIsAUsageErrorNamingTheOptionAndValue() {
    assertUsageError(run("rest-read", "--rate", "0"), "--rate must be a positive number per second, but was 0.0");
    assertUsageError(run("rest-read", "--warmup", "5s", "--ramp", "10s"), "--ramp must be between 0 and --warmup (5 s)");
    assertUsageError(run("rest-read", "--multi", "0"), "--multi must be at least 1, but was 0");
    assertUsageError(run("rest-read", "--dist", "pareto"), "--dist must be uniform or zipf, but was 'pareto'");
    assertUsageError(run("rest-read", "--target", "localhost:8080"), "--target must be a URL");
    assertUsageError(run("rest-read", "--duration", "soon"), "'soon' is not a duration");
    assertUsageError(run("ingest", "--batch", "0"), "--batch must be at least 1, but was 0");
    assertUsageError(run("freshness", "--via", "carrier-pigeon"), "--via must be kafka or http");
    assertUsageError(run("ws-fanout", "--subscribers", "0"), "--subscribers and --keys must be at least 1");
    assertUsageError(run("noop-server", "--body-bytes", "0"), "--body-bytes must be 1-1048576, but was 0");
  }

  private static void assertUsageError(Run run, String message) {
    assertEquals(2, run.exit(), run.err());
    assertTrue(run.err().contains(message), run.err());
  }

  @Test
  void durationsAsPeopleWriteThem() {
    assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
    assertEquals(Duration.ofSeconds(10), DurationConverter.parse("10s"));
    assertEquals(Duration.ofSeconds(10), DurationConverter.parse("10"));
    assertEquals(Duration.ofSeconds(90), DurationConverter.parse("1.5m"));
    assertEquals(Duration.ofHours(1), DurationConverter.parse("1h"));
  }

  @Test
  void progressLineShowsElapsedRateErrorsAndP99() {
    String line = LoadRun.progressLine("rest-read", 12.04, false, new Second(7, 4_980, 4_980, 2, 1, 3, 9), 11, 5, 3.21);
    assertEquals("[rest-read]  12.0s measuring     4,980/s  errors 11 (this second 2)  in flight 5  p99 so far 3.21 ms",
        line);
    assertTrue(LoadRun.progressLine("x", 1, true, new Second(0, 10, 10, 0, 1, 1, 1), 0, 0, 0).contains("warm-up"));
  }

  @Test
  void rateLimitAllowsOneFullBucketPlusTheRefill() {
    assertEquals(20 + 10, RateLimit.allowedAtMost(20, 60, 30), 1e-9);
  }

  @Test
  void suiteRowsAreMarkdownWithStages() {
    JsonObject results = new JsonObject().put("model", "open model, 5.0 events/s, latency from event sent")
        .put("unit", "updates").put("achievedRate", 4.9)
        .put("errors", new JsonObject().put("total", 0))
        .put("latencyMs", new JsonObject().put("p50", 812.0).put("p90", 990.5).put("p99", 1500.0).put("p99.9", 1600.0)
            .put("max", 1700.0))
        .put("stages", new JsonObject().put("event_to_store", new JsonObject().put("p50", 800.0).put("p90", 900.0)
            .put("p99", 1000.0).put("p99.9", 1100.0).put("max", 1200.0)));
    String row = Suite.markdownRow("freshness", results);
    assertEquals("| freshness (open model, 5.0 events/s, latency from event sent) | 5 updates | 0 | 812.00 | 990.50 "
        + "| 1500.00 | 1600.00 | 1700.00 |" + System.lineSeparator()
        + "| &nbsp;&nbsp;stage event_to_store | | | 800.00 | 900.00 | 1000.00 | 1100.00 | 1200.00 |", row);
  }
}
