package io.streamgate.gateway.ingest;

import io.streamgate.contract.events.StreamEntry;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.gateway.config.RedisConfig;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.ingest.internal.BodyReader;
import io.streamgate.gateway.ingest.internal.EventsHandler;
import io.streamgate.gateway.ingest.internal.Idempotency;
import io.streamgate.gateway.ingest.internal.KafkaEventLog;
import io.streamgate.gateway.ingest.internal.RedisStreams;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.store.RedisStore;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Event ingest, wired: the registered streams (from Redis), the Kafka event log and the
 * {@code POST /v1/events/{stream}} handler. {@code Gateway} makes one per process ({@link
 * #disabled()} when {@code ingest.enabled} is false); every HTTP server instance shares it.
 * Thread-safe.
 */
public final class EventIngest {
  private final Vertx vertx;
  private final Streams streams;
  private final EventLog log;
  private final Handler<RoutingContext> handler;
  private final IngestConfig config;
  private final Idempotency idempotency;
  private String deployment;

  private EventIngest(Vertx vertx, IngestConfig config, Streams streams, EventLog log,
      Handler<RoutingContext> handler, Idempotency idempotency) {
    this.idempotency = idempotency;
    this.vertx = vertx;
    this.config = config;
    this.streams = streams;
    this.log = log;
    this.handler = handler;
  }

  /**
   * Connects nothing yet: {@link #start()} reads the streams, and the producer connects to Kafka
   * as soon as a stream is known ({@link EventLog#prepare}).
   */
  public static EventIngest create(Vertx vertx, IngestConfig config, RedisConfig redis,
      Subscriptions subscriptions, GatewayMetrics metrics) {
    EventLog log = new KafkaEventLog(vertx, config);
    RedisStreams streams = new RedisStreams(
        RedisStore.client(vertx, redis, 1),
        subscriptions, redis.keyspace(), RedisStreams.DEFAULT_REFRESH_INTERVAL, redis.timeoutMs(),
        log::prepare);
    // A pending marker lasts as long as Kafka may still settle its request, and a minute more.
    Idempotency idempotency = new Idempotency(
        RedisStore.client(vertx, redis, 4),
        redis.keyspace().prefix(), redis.timeoutMs(),
        config.timeoutMs() + config.deliveryTimeoutMs() + 60_000L,
        config.idempotencyRetentionSeconds() * 1000L);
    return new EventIngest(vertx, config, streams, log,
        new EventsHandler(streams, log, config, metrics, idempotency), idempotency);
  }

  /**
   * Ingest turned off ({@code ingest.enabled: false}): nothing to start, no streams, and the
   * route answers 404.
   */
  public static EventIngest disabled() {
    Streams none = new Streams() {
      @Override
      public Optional<StreamEntry> find(String stream) {
        return Optional.empty();
      }

      @Override
      public boolean loaded() {
        return true;
      }
    };
    Handler<RoutingContext> off = ctx -> {
      throw new HttpProblem(ProblemType.NOT_FOUND,
          "event ingest is off on this gateway (ingest.enabled: false)");
    };
    return new EventIngest(null, IngestConfig.defaults(), none, null, off, null);
  }

  /** Completes after the first read of the streams, successful or not. */
  public Future<Void> start() {
    if (!(streams instanceof RedisStreams redisStreams)) {
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(redisStreams).onSuccess(id -> deployment = id).mapEmpty();
  }

  /** Stops the stream refresh, then flushes and closes the producer. */
  public Future<Void> close() {
    Future<Void> undeployed = deployment == null ? Future.succeededFuture()
        : vertx.undeploy(deployment);
    Future<Void> closed = log == null ? undeployed : undeployed.eventually(log::close);
    return idempotency == null ? closed : closed.eventually(idempotency::close);
  }

  public IngestConfig config() {
    return config;
  }

  public Streams streams() {
    return streams;
  }

  /** The route's handler, behind the token and rate-limit stages. */
  public Handler<RoutingContext> handler() {
    return handler;
  }

  /**
   * The stage before the token check on the ingest route: holds the body unread until the
   * checks pass (see {@link BodyReader#hold}).
   */
  public static Handler<RoutingContext> holdBody(long maxBodyBytes) {
    return ctx -> BodyReader.hold(ctx, maxBodyBytes);
  }

}
