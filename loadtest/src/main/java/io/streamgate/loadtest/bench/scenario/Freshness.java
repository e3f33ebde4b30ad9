package io.streamgate.loadtest.bench.scenario;

import io.streamgate.loadtest.bench.ScenarioCommand;
import io.streamgate.loadtest.bench.load.Http;
import io.streamgate.loadtest.bench.load.OpenLoop;
import io.streamgate.loadtest.bench.load.ProbeFailure;
import io.streamgate.loadtest.bench.load.Target;
import io.streamgate.loadtest.bench.load.WsSubscriber;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.Results;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole path: an order event goes in (Kafka, or {@code POST /v1/events/{stream}}), the
 * processor turns it into a row of a view keyed by the order id, the gateway pushes the update
 * on a WebSocket. Latency = update received − event sent. With the row's {@code updatedAt}
 * (stamped by the processor when it wrote the row) the path splits into
 * {@code event_to_store} (ingest + Spark) and {@code store_to_client} (Redis + gateway push),
 * both on the wall clock (ms resolution, same machine assumed).
 *
 * <p>Per view kind: the same event also changes an aggregate view keyed by its user
 * ({@code --aggregate-view}, default {@code user_totals}); each slot of the pool has a user of its
 * own, so that row's update is this event's too. Its latencies are the stages
 * {@code aggregate_event_to_client}, {@code aggregate_event_to_store} and
 * {@code aggregate_store_to_client}; the main latency and the unprefixed stages are the
 * {@code --view}'s (a latest view).
 *
 * <p>Each of --pool keys (order ids) has at most one event in flight, so an update is matched to
 * its event by view and key alone, whatever the view's value looks like.
 */
@Command(name = "freshness", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"End-to-end freshness: order event sent (Kafka, or POST /v1/events/{stream} with --via http) "
        + "-> update for that order id received on /v1/ws. p50/p99/max, and with the row's updatedAt the "
        + "stages event_to_store (ingest + Spark) and store_to_client (Redis -> gateway -> client). "
        + "Per view kind: the same event's update of --aggregate-view (keyed by its userId) is timed as "
        + "aggregate_event_to_client, aggregate_event_to_store, aggregate_store_to_client.",
        "Against the demo: ./streamgate bench freshness --rate 5 --duration 30s --warmup 15s"})
public final class Freshness extends ScenarioCommand {
  @Option(names = "--via", paramLabel = "kafka|http", defaultValue = "kafka",
      description = "How events go in (default: ${DEFAULT-VALUE}).")
  String via;

  @Option(names = "--kafka", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:19092",
      description = "Kafka bootstrap servers for --via kafka (default: ${DEFAULT-VALUE}, the demo's).")
  String kafka;

  @Option(names = "--topic", paramLabel = "NAME", defaultValue = "orders",
      description = "Topic for --via kafka (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--stream", paramLabel = "NAME", defaultValue = "orders",
      description = "Stream for --via http (default: ${DEFAULT-VALUE}).")
  String stream;

  @Option(names = "--view", paramLabel = "NAME", defaultValue = "order_status",
      description = "View keyed by order id that the event updates (default: ${DEFAULT-VALUE}).")
  String view;

  @Option(names = "--aggregate-view", paramLabel = "NAME|none", defaultValue = "user_totals",
      description = "Aggregate view keyed by the order's userId that the event updates too, timed as the "
          + "aggregate_* stages; none: only --view (default: ${DEFAULT-VALUE}).")
  String aggregateView;

  @Option(names = "--pool", paramLabel = "N", defaultValue = "100",
      description = "Order ids in rotation; each has one event in flight at most (default: ${DEFAULT-VALUE}).")
  int pool;

  @Option(names = "--update-timeout", paramLabel = "TIME", defaultValue = "30s",
      converter = io.streamgate.loadtest.bench.DurationConverter.class,
      description = "An event whose update has not arrived by then is error 'no_update' (default: ${DEFAULT-VALUE}).")
  java.time.Duration updateTimeout;

  /** An event in flight. */
  private record Sent(long nanos, long millis, boolean measured) {}

  /** Where an update is expected: the latest view by order id, the aggregate view by user. */
  private record Awaited(String view, String key) {}

  @Override
  protected String name() {
    return "freshness";
  }

  @Override
  protected void validate() {
    if (!via.equals("kafka") && !via.equals("http")) {
      throw new IllegalArgumentException("--via must be kafka or http, but was '" + via + "'");
    }
    if (pool < 1) {
      throw new IllegalArgumentException("--pool must be at least 1, but was " + pool);
    }
  }

  @Override
  protected Results execute(Vertx vertx, Measurements measurements, Instant startedAt) throws Exception {
    double rate = common.rate() != null ? common.rate() : 5;
    Target target = common.targets().get(0);
    BenchEvents events = new BenchEvents();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < pool; i++) {
      keys.add(events.nextOrderId());
    }
    String aggregate = aggregateView.equals("none") ? null : aggregateView;
    Map<Awaited, Sent> pending = new ConcurrentHashMap<>();
    AtomicLong turn = new AtomicLong();
    AtomicLong firstError = new AtomicLong();

    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setTrustAll(common.insecure()).setVerifyHost(!common.insecure())
        .setConnectTimeout((int) common.timeout().toMillis()));
    WsSubscriber subscriber = WsSubscriber.connect(client, target, common.token(), m -> {
      if (m.type().equals("update")) {
        Sent sent = m.key() == null || m.view() == null ? null : pending.remove(new Awaited(m.view(), m.key()));
        if (sent != null && sent.measured()) {
          String prefix = m.view().equals(view) ? "" : "aggregate_";
          if (prefix.isEmpty()) {
            measurements.recordLatencyNanos(m.receivedNanos() - sent.nanos());
          } else {
            measurements.recordStageNanos("aggregate_event_to_client", m.receivedNanos() - sent.nanos());
          }
          if (m.updatedAt() > 0) {
            measurements.recordStageNanos(prefix + "event_to_store",
                TimeUnit.MILLISECONDS.toNanos(m.updatedAt() - sent.millis()));
            measurements.recordStageNanos(prefix + "store_to_client",
                TimeUnit.MILLISECONDS.toNanos(m.receivedMillis() - m.updatedAt()));
          }
        }
      } else if (m.type().equals("error")) {
        measurements.recordError("ws_error");
        if (firstError.compareAndSet(0, 1)) {
          out().println("server error message: " + m.raw().encode());
        }
      }
    }).await(common.timeout().toMillis(), TimeUnit.MILLISECONDS);
    subscriber.subscribe("fresh", view, keys).await(common.timeout().toMillis(), TimeUnit.MILLISECONDS);
    if (aggregate != null) {
      subscriber.subscribe("fresh-aggregate", aggregate, keys.stream().map(BenchEvents::userOf).toList())
          .await(common.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    long sweeper = vertx.setPeriodic(200, id -> {
      long cutoff = System.nanoTime() - updateTimeout.toNanos();
      pending.forEach((key, sent) -> {
        if (sent.nanos() < cutoff && pending.remove(key, sent) && sent.measured()) {
          measurements.recordError("no_update");
        }
      });
    });
    Sender sender = via.equals("kafka") ? new KafkaSender(kafka, topic) : new HttpSender(
        new Http(vertx, target, common.connections(), common.token(), common.timeout().toMillis(), common.insecure()),
        stream);
    try {
      OpenLoop driver = new OpenLoop(vertx, 1, rate, () -> {
        String key = null;
        for (int tries = 0; tries < pool && key == null; tries++) {
          String candidate = keys.get((int) (turn.getAndIncrement() % pool));
          if (!pending.containsKey(new Awaited(view, candidate))
              && (aggregate == null || !pending.containsKey(new Awaited(aggregate, BenchEvents.userOf(candidate))))) {
            key = candidate;
          }
        }
        if (key == null) {
          return Future.failedFuture(new ProbeFailure("all_keys_pending", "every order id awaits its update"));
        }
        Sent sent = new Sent(System.nanoTime(), System.currentTimeMillis(), measurements.measuring());
        List<Awaited> awaited = aggregate == null ? List.of(new Awaited(view, key))
            : List.of(new Awaited(view, key), new Awaited(aggregate, BenchEvents.userOf(key)));
        awaited.forEach(a -> pending.put(a, sent));
        return sender.send(key, events.event(key, BenchEvents.userOf(key)))
            .onFailure(e -> awaited.forEach(pending::remove));
      }, measurements, false, common.maxInFlight());
      run(driver, measurements);
      long deadline = System.nanoTime() + updateTimeout.toNanos();
      while (pending.values().stream().anyMatch(Sent::measured) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      long missing = pending.values().stream().filter(Sent::measured).count();
      for (long i = 0; i < missing; i++) {
        measurements.recordError("no_update");
      }
      measurements.tickFinal();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("via", via.equals("kafka") ? "kafka " + kafka + " topic " + topic : "POST /v1/events/" + stream);
      extra.put("view", view);
      extra.put("aggregateView", aggregate == null ? "none" : aggregate);
      extra.put("eventsRequestedPerSecond", rate);
      List<String> warnings = new ArrayList<>();
      if (!measurements.stages().isEmpty()) {
        warnings.add("stages use the row's updatedAt (wall clock of the processor's host): meaningful only when "
            + "the processor runs on this machine or clocks are synchronised");
      }
      return Results.of(name(), "updates", startedAt, List.of(target.url()),
          "open model, " + rate + " events/s, latency from event sent to update received", rate,
          common.warmup().toMillis() / 1000.0, measurements, extra, warnings);
    } finally {
      vertx.cancelTimer(sweeper);
      sender.close();
      subscriber.close();
    }
  }

  /** How an event goes in; the future completes when it was accepted. */
  private interface Sender extends AutoCloseable {
    Future<?> send(String key, String json);

    @Override
    void close();
  }

  private static final class KafkaSender implements Sender {
    private final Producer<String, String> producer;
    private final String topic;

    KafkaSender(String bootstrap, String topic) {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamgate-bench-freshness");
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
      this.producer = new KafkaProducer<>(props);
      this.topic = topic;
      // Fetch metadata now, on the main thread, so send() never blocks an event loop later.
      producer.partitionsFor(topic);
    }

    @Override
    public Future<?> send(String key, String json) {
      Promise<Void> done = Promise.promise();
      // Metadata is already there, so send() does not block; acks arrive on the producer's thread.
      producer.send(new ProducerRecord<>(topic, key, json), (metadata, error) -> {
        if (error == null) {
          done.complete();
        } else {
          done.fail(new ProbeFailure("kafka_" + error.getClass().getSimpleName(), String.valueOf(error.getMessage())));
        }
      });
      return done.future();
    }

    @Override
    public void close() {
      producer.close(java.time.Duration.ofSeconds(10));
    }
  }

  private record HttpSender(Http http, String stream) implements Sender {
    @Override
    public Future<?> send(String key, String json) {
      return Http.expect(http.send(HttpMethod.POST, "/v1/events/" + stream, "application/json", Buffer.buffer(json)),
          202);
    }

    @Override
    public void close() {
      http.close();
    }
  }
}
