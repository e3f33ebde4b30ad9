package io.streamgate.loadtest.bench;

import io.streamgate.loadtest.bench.load.ClosedLoop;
import io.streamgate.loadtest.bench.load.Driver;
import io.streamgate.loadtest.bench.load.LoadRun;
import io.streamgate.loadtest.bench.load.OpenLoop;
import io.streamgate.loadtest.bench.load.Probe;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.ConsoleSummary;
import io.streamgate.loadtest.bench.report.HtmlReport;
import io.streamgate.loadtest.bench.report.Results;
import io.streamgate.loadtest.bench.report.ResultsJson;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The shape every scenario shares: validate options, own a Vert.x instance for the run, measure,
 * then print the summary and write {@code results.json} and {@code report.html}. Exit code 0 when
 * the run measured something, 1 when nothing completed (the target is down or refuses everything).
 */
public abstract class ScenarioCommand implements Callable<Integer> {
  @Mixin protected CommonOptions common;
  @Spec protected CommandSpec spec;
  private volatile boolean stopRequested;

  /** Scenario name, as in results.json. */
  protected abstract String name();

  /** Checks scenario options; throw IllegalArgumentException with a message naming the option. */
  protected void validate() {}

  /**
   * For scenarios whose clients write and subscribe (chaos, soak): without a token every request
   * would be refused, so the run is refused up front.
   */
  protected void requireToken(String scenario) {
    if (common.token() == null) {
      throw new IllegalArgumentException(scenario + " needs a token: --token, $" + CommonOptions.TOKEN_ENV
          + ", or run it as ./streamgate bench " + scenario + " --state-dir DIR (the demo's state directory:"
          + " a token is minted from its key)");
    }
  }

  /** Runs the scenario and returns what it measured. Called on the main thread. */
  protected abstract Results execute(Vertx vertx, Measurements measurements, Instant startedAt) throws Exception;

  @Override
  public final Integer call() throws Exception {
    String problem = common.problem();
    if (problem == null) {
      try {
        validate();
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
    PrintWriter out = out();
    if (common.token() == null && needsToken()) {
      out.println("note: no --token and no $" + CommonOptions.TOKEN_ENV + ": requests go without Authorization "
          + "(./streamgate bench mints a demo token for you)");
    }
    // Ctrl-C or SIGTERM ends the load early; the hook waits until what was measured is written.
    CountDownLatch written = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopRequested = true;
      try {
        written.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(common.eventLoops()));
    try {
      Results results;
      try {
        results = execute(vertx, new Measurements(), Instant.now());
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
      Path dir = common.out(name());
      write(dir, results);
      out.print(ConsoleSummary.render(results));
      out.println("   results: " + dir.resolve("results.json") + "  report: " + dir.resolve("report.html"));
      out.flush();
      return exitCode(results);
    } finally {
      written.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException exiting) {
        // The JVM is shutting down; the hook is already running and returns at once.
      }
    }
  }

  /** 0 when the run measured something, 1 when nothing completed; a scenario with checks may say more. */
  protected int exitCode(Results results) {
    return results.count() > 0 ? 0 : 1;
  }

  /** Whether Ctrl-C (or SIGTERM) asked the run to end early. */
  protected boolean stopRequested() {
    return stopRequested;
  }

  /** Whether the scenario talks to the gateway's authenticated API. */
  protected boolean needsToken() {
    return true;
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  static void write(Path dir, Results results) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.json"), ResultsJson.of(results).encodePrettily() + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.html"), HtmlReport.render(results), StandardCharsets.UTF_8);
  }

  /**
   * Open model with --rate, else closed with --connections; the probe's completion is the latency.
   * The open model sends at most {@link #openModelSendLimit} requests at once and keeps the rest
   * waiting in its own queue, not in the HTTP pool's.
   */
  protected Driver driver(Vertx vertx, Probe probe, Measurements measurements) {
    if (common.rate() != null) {
      return new OpenLoop(vertx, common.eventLoops(), common.rate(), ramp(), probe, measurements, true,
          common.maxInFlight(),
          openModelSendLimit(), common.timeout());
    }
    return new ClosedLoop(vertx, common.eventLoops(), common.connections(), probe, measurements);
  }

  /** The open model's ramp: --ramp, else the scenario's default. */
  protected Duration ramp() {
    return common.ramp() != null ? common.ramp() : defaultRamp();
  }

  /** Without --ramp: full rate from the first second. */
  protected Duration defaultRamp() {
    return Duration.ZERO;
  }

  /** Requests the open model sends at once: the connections of the one HTTP pool the scenario uses. */
  protected int openModelSendLimit() {
    return common.connections();
  }

  /** Warm-up, duration, then a drain as long as the request timeout. */
  protected void run(Driver driver, Measurements measurements) {
    run(driver, measurements, common.timeout().plusSeconds(1));
  }

  protected void run(Driver driver, Measurements measurements, Duration drain) {
    new LoadRun(name(), common.warmup(), common.duration(), drain, measurements, out(), this::stopRequested)
        .run(driver);
  }

  protected Results results(String unit, Instant startedAt, List<String> targets, Driver driver,
      Measurements measurements, Map<String, Object> extra, List<String> warnings) {
    return Results.of(name(), unit, startedAt, targets, driver.describe(), driver.requestedRate(),
        common.warmup().toMillis() / 1000.0, measurements, extra, warnings);
  }

  protected List<String> targetUrls() {
    return common.targets().stream().map(t -> t.url()).toList();
  }
}
