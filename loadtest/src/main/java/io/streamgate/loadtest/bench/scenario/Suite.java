package io.streamgate.loadtest.bench.scenario;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.loadtest.bench.BenchMain;
import io.streamgate.loadtest.bench.DurationConverter;
import io.streamgate.loadtest.bench.load.RowWriter;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The standard set against the local demo, one scenario after another, then Markdown tables
 * ready for BENCHMARKS.md. A scenario that fails (e.g. an endpoint this gateway does not have)
 * gets a row saying so; the rest still run.
 */
@Command(name = "suite", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the standard set against a running demo (./streamgate demo) and prints Markdown tables "
        + "for BENCHMARKS.md: noop (tool ceiling), rest-read closed and open at half its peak, multi-get of 10, "
        + "ws-fanout, ingest, freshness.",
        "Seeds view bench_rows (k0..k9999) into the demo's Redis if it is missing."})
public final class Suite implements Callable<Integer> {
  @Option(names = "--target", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
      description = "Gateway (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--redis", paramLabel = "URL", defaultValue = "redis://127.0.0.1:16379",
      description = "Redis behind it (default: ${DEFAULT-VALUE}).")
  String redis;

  @Option(names = "--kafka", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:19092",
      description = "Kafka for freshness (default: ${DEFAULT-VALUE}).")
  String kafka;

  @Option(names = "--duration", paramLabel = "TIME", defaultValue = "20s", converter = DurationConverter.class,
      description = "Measured time per scenario (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
      description = "Warm-up per scenario (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--connections", paramLabel = "N", defaultValue = "64",
      description = "Closed-model connections for the HTTP scenarios (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--token", paramLabel = "JWT", description = "Bearer token (default: $STREAMGATE_BENCH_TOKEN).")
  String token;

  @Option(names = "--out", paramLabel = "DIR", description = "Base directory (default: bench-results/suite-<time>).")
  Path out;

  @Option(names = "--only", paramLabel = "NAMES", split = ",",
      description = "Run only these steps (noop, rest-read, rest-read-open, rest-read-multi, ws-fanout, ingest, "
          + "freshness).")
  List<String> only;

  @Spec CommandSpec spec;

  /** One step: its name, table and arguments. */
  private record Step(String name, String table, List<String> args) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    Path base = out != null ? out : Path.of("bench-results",
        "suite-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (only == null || only.stream().anyMatch(name -> name.startsWith("rest-read"))) {
      seedIfMissing(console);
    }
    List<String> http = new ArrayList<>();
    List<String> push = new ArrayList<>();
    for (Step step : steps(base, null)) {
      if (step.name().equals("rest-read-open")) {
        // Half of the closed-model peak: the "p99 at half of peak" target.
        JsonObject closed = read(base.resolve("rest-read"));
        double half = closed == null ? 0 : closed.getDouble("achievedRate", 0.0) / 2;
        if (half < 1) {
          http.add("| rest-read, open model at half of peak | skipped: no closed-model peak | | | | | | |");
          continue;
        }
        step = steps(base, half).stream().filter(s -> s.name().equals("rest-read-open")).findFirst().orElseThrow();
      }
      if (only != null && !only.contains(step.name())) {
        continue;
      }
      console.println("== suite: " + step.name() + " " + String.join(" ", step.args()));
      console.flush();
      CommandLine cli = BenchMain.commandLine();
      cli.setOut(console);
      cli.setErr(spec.commandLine().getErr());
      int exit = cli.execute(step.args().toArray(String[]::new));
      JsonObject results = exit == 0 ? read(base.resolve(step.name())) : null;
      String row = results == null
          ? "| " + step.name() + " | failed (exit " + exit + ", see above) | | | | | | |"
          : markdownRow(step.name(), results);
      (step.table().equals("http") ? http : push).add(row);
    }
    console.println();
    console.println(String.format(Locale.ROOT, "### Suite results (%s measured after %s warm-up per scenario)",
        duration, warmup));
    console.println();
    console.println("| scenario | achieved/s | errors | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
    console.println("|---|---|---|---|---|---|---|---|");
    http.forEach(console::println);
    push.forEach(console::println);
    console.println();
    console.println("Reports: " + base.toAbsolutePath() + "/<scenario>/report.html");
    console.flush();
    return 0;
  }

  private List<Step> steps(Path base, Double openRate) {
    List<String> common = new ArrayList<>(List.of("--duration", duration.toMillis() + "ms",
        "--warmup", warmup.toMillis() + "ms"));
    if (token != null) {
      common.addAll(List.of("--token", token));
    }
    List<Step> steps = new ArrayList<>();
    steps.add(step(base, "noop", "http", common, "noop", "--connections", Integer.toString(connections)));
    steps.add(step(base, "rest-read", "http", common, "rest-read", "--target", target,
        "--connections", Integer.toString(connections)));
    steps.add(step(base, "rest-read-open", "http", common, "rest-read", "--target", target,
        "--connections", Integer.toString(connections), "--rate",
        String.format(Locale.ROOT, "%.0f", openRate == null ? 1 : openRate)));
    steps.add(step(base, "rest-read-multi", "http", common, "rest-read", "--target", target, "--multi", "10",
        "--connections", Integer.toString(connections)));
    steps.add(step(base, "ingest", "http", common, "ingest", "--target", target, "--connections", "16"));
    steps.add(step(base, "ws-fanout", "push", common, "ws-fanout", "--target", target, "--redis", redis,
        "--subscribers", "100", "--rate", "100"));
    steps.add(step(base, "freshness", "push", common, "freshness", "--target", target, "--kafka", kafka,
        "--rate", "5"));
    return steps;
  }

  private static Step step(Path base, String name, String table, List<String> common, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(common);
    all.addAll(List.of("--out", base.resolve(name).toString()));
    return new Step(name, table, all);
  }

  private void seedIfMissing(PrintWriter console) {
    try (RowWriter writer = new RowWriter(redis, Keyspace.DEFAULT_PREFIX)) {
      if (writer.ensureView("bench_rows", "Synthetic rows for benchmarks")) {
        for (int i = 0; i < 10_000; i++) {
          writer.write(new Row("bench_rows", "k" + i, 1, System.currentTimeMillis(),
              "{\"n\":" + i + ",\"label\":\"row " + i + "\"}"));
        }
        console.println("seeded bench_rows with 10000 rows in " + redis);
      }
    } catch (RuntimeException e) {
      console.println("note: cannot seed bench_rows in " + redis + " (" + e.getMessage() + "); rest-read may see 404s");
    }
  }

  private static JsonObject read(Path dir) {
    Path file = dir.resolve("results.json");
    try {
      return Files.isRegularFile(file) ? new JsonObject(Files.readString(file)) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** One Markdown table row from a results.json. Pure. */
  public static String markdownRow(String name, JsonObject results) {
    JsonObject latency = results.getJsonObject("latencyMs");
    JsonObject errors = results.getJsonObject("errors");
    StringBuilder row = new StringBuilder(String.format(Locale.ROOT,
        "| %s (%s) | %,.0f %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |",
        name, shortModel(results.getString("model")), results.getDouble("achievedRate"), results.getString("unit"),
        errors.getLong("total"), latency.getDouble("p50"), latency.getDouble("p90"), latency.getDouble("p99"),
        latency.getDouble("p99.9"), latency.getDouble("max")));
    JsonObject stages = results.getJsonObject("stages", new JsonObject());
    for (String stage : stages.fieldNames()) {
      JsonObject s = stages.getJsonObject(stage);
      row.append(String.format(Locale.ROOT, "%n| &nbsp;&nbsp;stage %s | | | %.2f | %.2f | %.2f | %.2f | %.2f |", stage,
          s.getDouble("p50"), s.getDouble("p90"), s.getDouble("p99"), s.getDouble("p99.9"), s.getDouble("max")));
    }
    return row.toString();
  }

  private static String shortModel(String model) {
    int cut = model.indexOf(" (");
    return cut > 0 ? model.substring(0, cut) : model;
  }
}
