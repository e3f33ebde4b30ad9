package io.streamgate.loadtest.bench.scenario;

import io.streamgate.loadtest.bench.KeyOptions;
import io.streamgate.loadtest.bench.ScenarioCommand;
import io.streamgate.loadtest.bench.chaos.ChaosClients;
import io.streamgate.loadtest.bench.chaos.DemoProcesses;
import io.streamgate.loadtest.bench.chaos.JvmSampler;
import io.streamgate.loadtest.bench.chaos.Ledger;
import io.streamgate.loadtest.bench.keys.KeyChooser;
import io.streamgate.loadtest.bench.load.Driver;
import io.streamgate.loadtest.bench.load.Http;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.Results;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A long run at a steady share of the peak: point reads (open model, --rate), event ingest and
 * WebSocket subscribers, sampling each gateway's heap after GC and resident memory every minute.
 * Flat heap and stable p99 per minute mean no leak and no drift.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Point reads at --rate (give 70%% of the peak rest-read measured on this machine), event ingest"
        + " (--events-rate) and --subscribers WebSocket clients (each following 5 of 99 users written by the ingest),"
        + " for --duration (e.g. 10m), against the demo.",
        "Every minute: each gateway's heap after a full GC (jcmd GC.run + GC.heap_info; the forced GC costs one pause"
            + " a minute) and RSS, found through the demo's pid files. Reports the heap's slope (MB/min), p99 per"
            + " minute (stages minute-NN) and errors.",
        "The reads start once the WebSocket clients are subscribed (or a minute after the last one connected), and"
            + " their rate climbs from 0"
            + " over the warm-up (--ramp): from a cold gateway give one, e.g. --warmup 2m.",
        "Seed the read keys first: ./streamgate seed --rows 10000."})
public final class Soak extends ScenarioCommand {
  /** Keys each WebSocket client follows: a dashboard of a few rows. */
  static final int KEYS_PER_SUBSCRIBER = 5;
  private static final Duration SAMPLE_EVERY = Duration.ofMinutes(1);
  /** How long the reads wait for the WebSocket clients to subscribe, after the last one connected. */
  private static final Duration SUBSCRIBE_WAIT = Duration.ofMinutes(1);

  @Mixin KeyOptions keys;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "./.streamgate",
      description = "The demo's state directory: its pid files name the gateways (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--events-rate", paramLabel = "N", defaultValue = "50",
      description = "Events per second through the gateways (default: ${DEFAULT-VALUE}).")
  double eventsRate;

  @Option(names = "--subscribers", paramLabel = "N", defaultValue = "1000",
      description = "WebSocket clients over the gateways (default: ${DEFAULT-VALUE}).")
  int subscriberCount;

  @Option(names = "--connects-per-second", paramLabel = "N", defaultValue = "100",
      description = "The WebSocket clients connect at this pace, as dashboards open; 0 connects all at once, a herd"
          + " as after a gateway restart (default: ${DEFAULT-VALUE}).")
  double connectsPerSecond;

  @Override
  protected String name() {
    return "soak";
  }

  @Override
  protected void validate() {
    requireToken("soak");
    if (common.rate() == null) {
      throw new IllegalArgumentException("soak needs --rate: 70% of the peak reads/s that rest-read measured here");
    }
    if (connectsPerSecond < 0) {
      throw new IllegalArgumentException("--connects-per-second must be >= 0, but was " + connectsPerSecond);
    }
    keys.chooser();
  }

  @Override
  protected Results execute(Vertx vertx, Measurements measurements, Instant startedAt) throws Exception {
    KeyChooser chooser = keys.chooser();
    String base = "/v1/views/" + keys.view() + "/";
    List<URI> gateways = common.targets().stream().map(t -> URI.create(t.url())).toList();
    DemoProcesses processes = new DemoProcesses(stateDir);
    List<String> gatewayNames = processes.names().stream().filter(n -> n.startsWith("gateway")).toList();
    Ledger ledger = new Ledger();
    // The clients' own latencies stay out of the read measurements.
    // 99 users and the freshness probe; each client follows a window of 5 of them, so a change
    // reaches about 50 of the 1,000 clients.
    ChaosClients clients = new ChaosClients(gateways, common.token(), common::wsToken,
        "soak-" + Long.toString(System.currentTimeMillis(), 36) + "-", ChaosClients.MAX_USERS, ledger,
        new Measurements()).keysPerSubscriber(KEYS_PER_SUBSCRIBER);
    List<JsonObject> samples = new CopyOnWriteArrayList<>();
    Instant start = Instant.now();
    Thread sampler = new Thread(() -> sample(processes, gatewayNames, start, samples), "soak-sampler");
    sampler.setDaemon(true);
    Driver driver;
    try (Http http = new Http(vertx, common.targets().get(0), common.connections(), common.token(),
        common.timeout().toMillis(), common.insecure())) {
      clients.start(eventsRate, 0, subscriberCount, connectsPerSecond);
      sampler.start();
      awaitSubscribed(clients);
      driver = driver(vertx, () -> {
        long sent = System.nanoTime();
        return Http.expect(http.get(base + chooser.next()), 200).onSuccess(r -> measurements.recordStageNanos(
            String.format(Locale.ROOT, "minute-%02d", Duration.between(start, Instant.now()).toMinutes() + 1),
            System.nanoTime() - sent));
      }, measurements);
      run(driver, measurements);
    } finally {
      sampler.interrupt();
      clients.stopLoad();
      clients.close();
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("view", keys.view());
    extra.put("eventsSent", ledger.sent().size());
    extra.put("eventsAcknowledged", ledger.acked().size());
    extra.put("clientErrorsByKind", new JsonObject(new LinkedHashMap<>(ledger.errors())));
    extra.put("subscribers", subscriberCount);
    extra.put("wsReconnects", clients.reconnects());
    extra.put("memorySamples", new JsonArray(new ArrayList<>(samples)));
    Map<String, Object> slopes = new LinkedHashMap<>();
    for (String name : gatewayNames) {
      List<Double> minutes = new ArrayList<>();
      List<Double> heap = new ArrayList<>();
      samples.stream().filter(s -> name.equals(s.getString("process")) && s.getValue("heapAfterGcMb") != null)
          .forEach(s -> {
            minutes.add(s.getDouble("minute"));
            heap.add(s.getDouble("heapAfterGcMb"));
          });
      slopes.put(name, Math.round(JvmSampler.slopePerMinute(minutes, heap) * 1000) / 1000.0);
    }
    extra.put("heapAfterGcSlopeMbPerMinute", new JsonObject(slopes));
    List<String> warnings = new ArrayList<>();
    if (!ledger.errors().isEmpty()) {
      warnings.add("ingest/WebSocket errors: " + ledger.errors());
    }
    out().println("soak: heap after GC slope (MB/min) per gateway: " + slopes);
    return results("requests", startedAt, List.of(gateways.get(0).toString()), driver, measurements, extra, warnings);
  }

  /** Soak: the rate ramps up over the whole warm-up, as a load balancer's slow start would feed a new gateway. */
  @Override
  protected Duration defaultRamp() {
    return common.warmup();
  }

  /**
   * A thousand sockets connecting and subscribing at once are a burst of their own; reads at full
   * rate on top of it measure the burst, not the steady state the soak is about.
   */
  private void awaitSubscribed(ChaosClients clients) throws InterruptedException {
    long connecting = connectsPerSecond > 0 ? (long) (subscriberCount * 1e9 / connectsPerSecond) : 0;
    long deadline = System.nanoTime() + connecting + SUBSCRIBE_WAIT.toNanos();
    int last = -1;
    while (clients.subscribed() < subscriberCount && System.nanoTime() < deadline && !stopRequested()) {
      int now = clients.subscribed();
      if (now != last) {
        out().printf(Locale.ROOT, "soak: %d of %d WebSocket clients subscribed%n", now, subscriberCount);
        out().flush();
        last = now;
      }
      Thread.sleep(500);
    }
    out().printf(Locale.ROOT, "soak: %d of %d WebSocket clients subscribed; reads start%n", clients.subscribed(),
        subscriberCount);
    out().flush();
  }

  private void sample(DemoProcesses processes, List<String> names, Instant start, List<JsonObject> samples) {
    while (!Thread.currentThread().isInterrupted()) {
      double minute = Duration.between(start, Instant.now()).toMillis() / 60_000.0;
      for (String name : names) {
        processes.find(name).ifPresent(p -> {
          OptionalLong heap = JvmSampler.heapAfterGcKib(p.pid());
          OptionalLong rss = JvmSampler.rssKib(p.pid());
          JsonObject s = new JsonObject().put("process", name).put("minute", Math.round(minute * 100) / 100.0);
          s.put("heapAfterGcMb", heap.isPresent() ? Math.round(heap.getAsLong() / 102.4) / 10.0 : null);
          s.put("rssMb", rss.isPresent() ? Math.round(rss.getAsLong() / 102.4) / 10.0 : null);
          samples.add(s);
        });
      }
      try {
        Thread.sleep(SAMPLE_EVERY.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
