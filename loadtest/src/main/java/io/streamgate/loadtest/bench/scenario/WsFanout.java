package io.streamgate.loadtest.bench.scenario;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Names;
import io.streamgate.contract.Row;
import io.streamgate.loadtest.bench.ScenarioCommand;
import io.streamgate.loadtest.bench.load.OpenLoop;
import io.streamgate.loadtest.bench.load.RowWriter;
import io.streamgate.loadtest.bench.load.Target;
import io.streamgate.loadtest.bench.load.WsSubscriber;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.Results;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * N WebSocket subscribers, each subscribed to the same keys, while the tool itself writes rows
 * to Redis through the contract (as the processor would) at --rate writes/s. Latency of each
 * delivery = received − just before the write, both on this JVM's monotonic clock, looked up by
 * (key, version). A write not delivered to every subscriber by the end counts as error {@code not_delivered}:
 * lost, or coalesced away by the gateway's slow-consumer outbox (newest version per key wins).
 */
@Command(name = "ws-fanout", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"N WebSocket subscribers to /v1/ws while the tool writes rows to Redis through the serving "
        + "contract at --rate writes/s (default 100). Latency = update received - write started, per "
        + "subscriber; writes not delivered to every subscriber count as 'not_delivered' (lost, or coalesced "
        + "by a slow consumer's outbox).",
        "Also records stage 'updatedAt_to_received' (wall clock, ms resolution) from the row's updatedAt."})
public final class WsFanout extends ScenarioCommand {
  static final double DEFAULT_RATE = 100;

  @Option(names = "--subscribers", paramLabel = "N", defaultValue = "100",
      description = "WebSocket connections (default: ${DEFAULT-VALUE}).")
  int subscribers;

  @Option(names = "--view", paramLabel = "NAME", defaultValue = "bench_ws",
      description = "View to write and subscribe to; registered if missing (default: ${DEFAULT-VALUE}).")
  String view;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "10",
      description = "Keys w0..wN-1 every subscriber subscribes to; writes go round robin (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--redis", paramLabel = "URL", defaultValue = "redis://127.0.0.1:16379",
      description = "Redis the target gateway serves from (default: ${DEFAULT-VALUE}, the demo's).")
  String redisUrl;

  @Option(names = "--namespace", paramLabel = "PREFIX", defaultValue = Keyspace.DEFAULT_PREFIX,
      description = "Key namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Override
  protected String name() {
    return "ws-fanout";
  }

  @Override
  protected void validate() {
    if (subscribers < 1 || keys < 1) {
      throw new IllegalArgumentException("--subscribers and --keys must be at least 1, but were "
          + subscribers + " and " + keys);
    }
    String problem = Names.viewNameProblem(view);
    if (problem != null) {
      throw new IllegalArgumentException("--view: " + problem);
    }
  }

  @Override
  protected Results execute(Vertx vertx, Measurements measurements, Instant startedAt) throws Exception {
    double rate = common.rate() != null ? common.rate() : DEFAULT_RATE;
    Target target = common.targets().get(0);
    List<String> keyList = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      keyList.add("w" + i);
    }
    // Writes started, by "key#version": the start time, negated for warm-up writes (not measured).
    Map<String, Long> started = new ConcurrentHashMap<>();
    LongAdder measuredWrites = new LongAdder();
    LongAdder measuredDeliveries = new LongAdder();
    LongAdder snapshots = new LongAdder();
    LongAdder subscribed = new LongAdder();
    AtomicLong firstError = new AtomicLong();
    long baseVersion = System.currentTimeMillis() * 1000;
    AtomicLong sequence = new AtomicLong();

    try (RowWriter writer = new RowWriter(redisUrl, namespace)) {
      writer.ensureView(view, "Rows written by the ws-fanout benchmark");
      for (String key : keyList) {
        writer.write(new Row(view, key, baseVersion + sequence.incrementAndGet(), System.currentTimeMillis(),
            "{\"n\":0}"));
      }
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setTrustAll(common.insecure()).setVerifyHost(!common.insecure())
          .setMaxConnections(Math.max(subscribers, 1)).setConnectTimeout((int) common.timeout().toMillis()));
      List<WsSubscriber> connected = new ArrayList<>();
      out().printf("connecting %d subscribers to %s/v1/ws, %d keys each...%n", subscribers, target.url(), keys);
      out().flush();
      for (int s = 0; s < subscribers; s++) {
        String id = "s" + s;
        WsSubscriber subscriber = WsSubscriber.connect(client, target, common.wsToken(s), m -> {
          switch (m.type()) {
            case "snapshot" -> snapshots.increment();
            case "update" -> {
              Long t = started.get(m.key() + "#" + m.version());
              if (t != null && t < 0) {
                measurements.recordWarmUpLatencyNanos(m.receivedNanos() + t); // progress line only
              } else if (t != null && t > 0) {
                measuredDeliveries.increment();
                measurements.recordLatencyNanos(m.receivedNanos() - t);
                if (m.updatedAt() > 0) {
                  measurements.recordStageNanos("updatedAt_to_received",
                      TimeUnit.MILLISECONDS.toNanos(m.receivedMillis() - m.updatedAt()));
                }
              }
            }
            case "subscribed" -> subscribed.increment();
            case "pong", "status", "resync", "unsubscribed", "authenticated" -> measurements.count("ws_" + m.type());
            case "error" -> {
              measurements.recordError("ws_error");
              if (firstError.compareAndSet(0, 1)) {
                out().println("server error message: " + m.raw().encode());
              }
            }
            default -> measurements.recordError("ws_unexpected_message");
          }
        }).await(common.timeout().toMillis(), TimeUnit.MILLISECONDS);
        subscriber.subscribe(id, view, keyList).await(common.timeout().toMillis(), TimeUnit.MILLISECONDS);
        connected.add(subscriber);
      }
      awaitSubscribed(subscribed, snapshots, (long) subscribers * WsSubscriber.chunks(keys), (long) subscribers * keys,
          Duration.ofSeconds(10));

      OpenLoop writes = new OpenLoop(vertx, 1, rate, () -> vertx.executeBlocking(() -> {
        long version = baseVersion + sequence.incrementAndGet();
        String key = keyList.get((int) (version % keyList.size()));
        boolean measured = measurements.measuring();
        long now = System.nanoTime();
        started.put(key + "#" + version, measured ? now : -now);
        if (measured) {
          measuredWrites.increment();
        }
        writer.write(new Row(view, key, version, System.currentTimeMillis(), "{\"n\":" + version + "}"));
        return null;
      }, false), measurements, false, common.maxInFlight());
      run(writes, measurements);
      // Deliveries of the last writes still travel: wait for them, then count what never came.
      long deadline = System.nanoTime() + common.timeout().toNanos();
      while (measuredDeliveries.sum() < measuredWrites.sum() * subscribers && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      measurements.tickFinal();
      long expected = measuredWrites.sum() * subscribers;
      long lost = Math.max(0, expected - measuredDeliveries.sum());
      for (long i = 0; i < lost; i++) {
        measurements.recordError("not_delivered");
      }
      measurements.tickFinal();
      long open = connected.stream().filter(s -> !s.isClosed()).count();
      Future.all(connected.stream().map(WsSubscriber::close).toList()).await(10, TimeUnit.SECONDS);
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("subscribers", subscribers);
      extra.put("keysPerSubscriber", keys);
      extra.put("writes", measuredWrites.sum());
      double seconds = Math.max(1e-9, measurements.measuredSeconds());
      extra.put("writesPerSecond", Math.round(measuredWrites.sum() / seconds * 10) / 10.0);
      extra.put("expectedDeliveries", expected);
      extra.put("deliveries", measuredDeliveries.sum());
      extra.put("snapshots", snapshots.sum());
      extra.put("subscribed", subscribed.sum());
      extra.put("connectionsOpenAtEnd", open);
      List<String> warnings = new ArrayList<>();
      if (open < subscribers) {
        warnings.add((subscribers - open) + " of " + subscribers + " WebSocket connections closed during the run");
      }
      return Results.of(name(), "deliveries", startedAt, List.of(target.url()),
          "open model, " + rate + " writes/s to " + keys + " keys, " + subscribers
              + " subscribers each (latency from write start)",
          rate * subscribers, common.warmup().toMillis() / 1000.0, measurements, extra, warnings);
    }
  }

  /** Waits for every subscribe to be answered ({@code subscribed}, or all snapshots from a server without it). */
  private void awaitSubscribed(LongAdder subscribed, LongAdder snapshots, long expectedSubscribed,
      long expectedSnapshots, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (subscribed.sum() < expectedSubscribed && snapshots.sum() < expectedSnapshots
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    if (subscribed.sum() < expectedSubscribed && snapshots.sum() < expectedSnapshots) {
      out().printf("note: %d of %d subscriptions confirmed (%d snapshots) within %d s; going on%n", subscribed.sum(),
          expectedSubscribed, snapshots.sum(), limit.toSeconds());
    }
  }
}
