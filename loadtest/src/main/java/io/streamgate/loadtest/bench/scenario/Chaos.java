package io.streamgate.loadtest.bench.scenario;

import io.streamgate.loadtest.bench.ScenarioCommand;
import io.streamgate.loadtest.bench.chaos.ChaosClients;
import io.streamgate.loadtest.bench.chaos.ChaosVerdict;
import io.streamgate.loadtest.bench.chaos.DemoProcesses;
import io.streamgate.loadtest.bench.chaos.Fault;
import io.streamgate.loadtest.bench.chaos.FaultRecord;
import io.streamgate.loadtest.bench.chaos.Ledger;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.Results;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Faults against a running {@code ./streamgate demo --cluster}: SIGKILLs one process at a time
 * while clients ingest, read and subscribe, then checks the promises against Kafka and the
 * clients' own records (see {@link ChaosVerdict}).
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Against a running ./streamgate demo --cluster: ingest (unique order ids) through every gateway,"
        + " reads and WebSocket subscribers, while one process at a time is killed with SIGKILL, evenly spaced"
        + " over --duration (the next waits until the last has recovered, up to 3 min): a Kafka broker, a Spark"
        + " worker, the Spark driver, a Redis primary, a gateway"
        + " (the demo restarts each; the master restarts the driver; a replica takes over the primary's slots).",
        "Then checks, independently of the system's metrics: every event answered 202 is in Kafka, once, and"
            + " counted exactly once in user_totals; nothing got a 2xx without being written; every WebSocket"
            + " client ends with the final value of every key; failures were explicit (no hang past the timeout).",
        "Reports per fault: time until the process is back and until requests succeed again, errors by kind,"
            + " freshness (event to visible in a read) during and after. Exit code 2 when a check fails."})
public final class Chaos extends ScenarioCommand {
  private static final Duration MIN_DURATION = Duration.ofMinutes(2);
  /** Requests succeed again once this long passes without any error. */
  private static final Duration CLEAN = Duration.ofSeconds(3);
  /**
   * A fault is watched past its share of --duration until it recovers, up to this long: the next
   * fault waits for it (one fault at a time), and a slow recovery is measured instead of "never".
   */
  private static final Duration MAX_RECOVERY = Duration.ofMinutes(3);

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "./.streamgate",
      description = "The demo's state directory: its pid files say what to kill (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--kafka", paramLabel = "HOST:PORT,...", defaultValue = "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094",
      description = "The demo's brokers, read at the end to check every acknowledged event (default: ${DEFAULT-VALUE}).")
  String kafka;

  @Option(names = "--events-rate", paramLabel = "N", defaultValue = "50",
      description = "Events per second, round robin over the gateways (default: ${DEFAULT-VALUE}).")
  double eventsRate;

  @Option(names = "--read-rate", paramLabel = "N", defaultValue = "20",
      description = "Reads per second (default: ${DEFAULT-VALUE}).")
  double readRate;

  @Option(names = "--subscribers", paramLabel = "N", defaultValue = "30",
      description = "WebSocket clients, spread over the gateways, each subscribed to every user (default: ${DEFAULT-VALUE}).")
  int subscriberCount;

  @Option(names = "--users", paramLabel = "N", defaultValue = "50",
      description = "Distinct users (keys of user_totals) the events spread over (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "240",
      description = "After the load: how long the views may take to count every event (default: ${DEFAULT-VALUE}).")
  long settleSeconds;

  @Override
  protected String name() {
    return "chaos";
  }

  @Override
  protected void validate() {
    requireToken("chaos");
    if (common.duration().compareTo(MIN_DURATION) < 0) {
      throw new IllegalArgumentException("--duration must be at least 2m: five faults with recovery in between, but was "
          + common.duration().toSeconds() + "s");
    }
    if (users > ChaosClients.MAX_USERS) {
      throw new IllegalArgumentException("--users must be at most " + ChaosClients.MAX_USERS
          + " (every WebSocket client subscribes to every user and the probe in one subscription), but was "
          + users);
    }
    if (!(eventsRate > 0) || !(readRate > 0) || subscriberCount < 0 || users < 1) {
      throw new IllegalArgumentException("--events-rate and --read-rate must be positive, --subscribers at least 0,"
          + " --users at least 1");
    }
  }

  @Override
  protected Results execute(Vertx vertx, Measurements measurements, Instant startedAt) throws Exception {
    PrintWriter out = out();
    DemoProcesses processes = new DemoProcesses(stateDir);
    if (!processes.demoRunning()) {
      throw new IllegalStateException("no demo running with state dir " + stateDir.toAbsolutePath()
          + ": start ./streamgate demo --cluster first (or give --state-dir)");
    }
    List<URI> gateways = gateways();
    String prefix = "chaos-" + Long.toString(System.currentTimeMillis(), 36) + "-";
    Ledger ledger = new Ledger();
    ChaosClients clients = new ChaosClients(gateways, common.token(), common::wsToken, prefix, users, ledger, measurements);
    List<FaultRecord> faults = new ArrayList<>();
    Instant start = Instant.now();
    measurements.startMeasuring();
    clients.start(eventsRate, readRate, subscriberCount);
    Fault[] plan = Fault.values();
    Duration slot = common.duration().dividedBy(plan.length + 1);
    try {
      for (int i = 0; i < plan.length && !stopRequested(); i++) {
        Instant at = start.plus(slot.multipliedBy(i).plus(slot.dividedBy(2)));
        tickUntil(at, measurements, out, ledger);
        Optional<String> target = plan[i].target(processes);
        if (target.isEmpty()) {
          out.println("chaos: no process for " + plan[i].label() + " found; skipped");
          continue;
        }
        long pid = processes.kill(target.get());
        FaultRecord record = new FaultRecord(plan[i], target.get(), pid, Instant.now(), ledger.errors());
        faults.add(record);
        out.printf(Locale.ROOT, "chaos: t=%ds killed %s (%s, pid %d)%n",
            Duration.between(start, record.killedAt()).toSeconds(), target.get(), plan[i].description(), pid);
        out.flush();
        Instant slotEnd = start.plus(slot.multipliedBy(i + 1).plus(slot.dividedBy(2)));
        Instant giveUp = record.killedAt().plus(MAX_RECOVERY);
        watchRecovery(record, processes, measurements, out, ledger, giveUp.isAfter(slotEnd) ? giveUp : slotEnd);
      }
      tickUntil(start.plus(common.duration()), measurements, out, ledger);
    } finally {
      clients.stopLoad();
    }
    measurements.tickFinal();
    for (int i = 0; i < faults.size(); i++) {
      // A fault's window ends where the next one's starts: its errors are those counted then.
      boolean last = i + 1 == faults.size();
      Instant windowEnd = last ? Instant.now() : faults.get(i + 1).killedAt();
      Map<String, Long> errorsAtEnd = last ? ledger.errors() : faults.get(i + 1).errorsBefore();
      faults.get(i).finish(errorsAtEnd, clients.freshness(), windowEnd);
    }
    out.println("chaos: load stopped; waiting up to " + settleSeconds + " s for the views to count every event...");
    out.flush();
    ChaosVerdict verdict = ChaosVerdict.check(kafka, "orders", prefix, ledger, clients,
        Duration.ofSeconds(settleSeconds));
    clients.close();
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("verdict", verdict.json());
    extra.put("faults", faults.stream().map(FaultRecord::json).toList());
    extra.put("eventsSent", ledger.sent().size());
    extra.put("eventsAcknowledged", ledger.acked().size());
    extra.put("errorsByKind", new JsonObject(new LinkedHashMap<>(ledger.errors())));
    extra.put("wsReconnects", clients.reconnects());
    List<String> warnings = new ArrayList<>(verdict.problems());
    out.println("chaos: " + (verdict.problems().isEmpty() ? "every check passed" : "FAILED: " + verdict.problems()));
    for (FaultRecord f : faults) {
      out.println("  " + f.summary());
    }
    exitCode = verdict.problems().isEmpty() ? 0 : 2;
    return Results.of(name(), "events", startedAt, gateways.stream().map(URI::toString).toList(),
        "ingest " + eventsRate + "/s, reads " + readRate + "/s, " + subscriberCount + " WebSocket clients",
        eventsRate, 0, measurements, extra, warnings);
  }

  private int exitCode;

  @Override
  protected int exitCode(Results results) {
    return exitCode;
  }

  private List<URI> gateways() {
    if (common.targetGiven()) {
      return common.targets().stream().map(t -> URI.create(t.url())).toList();
    }
    return List.of(URI.create("http://127.0.0.1:8080"), URI.create("http://127.0.0.1:8081"),
        URI.create("http://127.0.0.1:8082"));
  }

  /** Until the process is back and requests went {@link #CLEAN} without error, or {@code until}. */
  private void watchRecovery(FaultRecord record, DemoProcesses processes, Measurements measurements, PrintWriter out,
      Ledger ledger, Instant until) throws InterruptedException {
    long errors = total(ledger.errors());
    Instant lastError = record.killedAt();
    while (Instant.now().isBefore(until) && !stopRequested() && !record.recovered()) {
      Thread.sleep(250);
      long now = total(ledger.errors());
      if (now != errors) {
        errors = now;
        lastError = Instant.now();
      }
      if (record.backAt() == null && record.isBack(processes)) {
        record.back(Instant.now());
        out.printf(Locale.ROOT, "chaos:   %s is back after %.1f s%n", record.process(), record.secondsTo(record.backAt()));
      }
      if (record.backAt() != null && Duration.between(lastError, Instant.now()).compareTo(CLEAN) >= 0) {
        record.recovered(now == total(record.errorsBefore()) ? record.killedAt() : lastError);
        out.printf(Locale.ROOT, "chaos:   serving without errors %.1f s after the kill%n",
            record.secondsTo(record.recoveredAt()));
      }
      tickIfDue(measurements, out, ledger);
    }
    out.flush();
  }

  private Instant lastTick = Instant.now();

  private void tickUntil(Instant at, Measurements measurements, PrintWriter out, Ledger ledger)
      throws InterruptedException {
    while (Instant.now().isBefore(at) && !stopRequested()) {
      Thread.sleep(250);
      tickIfDue(measurements, out, ledger);
    }
  }

  private void tickIfDue(Measurements measurements, PrintWriter out, Ledger ledger) {
    Duration since = Duration.between(lastTick, Instant.now());
    if (since.toMillis() >= 1000) {
      measurements.tick(since.toMillis() / 1000.0);
      lastTick = Instant.now();
    }
  }

  private static long total(Map<String, Long> errors) {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
