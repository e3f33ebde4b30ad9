package io.streamgate.gateway;

import io.streamgate.gateway.admin.Admin;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.ConfigLoader;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.graphql.GraphQLApi;
import io.streamgate.gateway.ingest.EventIngest;
import io.streamgate.gateway.limit.RateLimits;
import io.streamgate.gateway.limit.SocketsPerPrincipal;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.push.Push;
import io.streamgate.gateway.server.GatewayRouter;
import io.streamgate.gateway.server.HttpServerVerticle;
import io.streamgate.gateway.server.ManagementRouter;
import io.streamgate.gateway.server.Readiness;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.RedisStore;
import io.streamgate.gateway.usage.Usage;
import io.streamgate.gateway.warmup.Warmup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: store, catalog, features and HTTP servers wired together from a
 * {@link GatewayConfig}. {@link GatewayMain} runs one per process; tests start one per class on
 * port 0.
 *
 * <p>Startup does not wait for Redis: if it is down, the gateway still listens, readiness says
 * 503 and requests get 503 problems until Redis answers.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger();

  private final Components components;
  private final Catalog catalog;
  private final NearCache rows;
  private final RateLimits limits;
  private final Breaker breaker;
  private final EventIngest ingest;
  private final Push push;
  private final GraphQLApi graphql;
  private final int port;
  private final int managementPort;
  private final Warmup warmup;

  private Gateway(Components components, Catalog catalog, NearCache rows, RateLimits limits,
      Breaker breaker, EventIngest ingest, Push push, GraphQLApi graphql, int port,
      int managementPort, Warmup warmup) {
    this.warmup = warmup;
    this.components = components;
    this.catalog = catalog;
    this.rows = rows;
    this.limits = limits;
    this.breaker = breaker;
    this.ingest = ingest;
    this.push = push;
    this.graphql = graphql;
    this.port = port;
    this.managementPort = managementPort;
  }

  /**
   * Starts a gateway. Call from a non-event-loop thread (it reads key files before anything
   * runs on an event loop).
   *
   * @throws io.streamgate.gateway.config.ConfigException if key material cannot be loaded
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, Clock clock) {
    TokenVerifier tokens = TokenVerifier.jwt(vertx, config.auth(), clock);
    GatewayMetrics metrics = new GatewayMetrics();
    Breaker breaker = RedisStore.breaker(vertx, config.redis(), config.breaker(), clock,
        metrics.redisCalls());
    metrics.bindBreaker("redis", breaker);
    RedisStore store = RedisStore.create(vertx, config.redis(), breaker);
    Catalog catalog = Catalog.redis(store.views(), store, config.redis().keyspace());
    ViewFreshness freshness = ViewFreshness.redis(store, config.redis().keyspace(), clock);
    ApiKeys apiKeys = ApiKeys.redis(store, config.redis().keyspace(), clock);
    // Tokens and API keys, wherever a credential is checked.
    TokenVerifier verifier = TokenVerifier.withApiKeys(tokens, apiKeys);
    // One PSUBSCRIBE to the change channels per process, shared by the near cache and push.
    ChangeFeed changes = ChangeFeed.shared(store, config.redis().keyspace().changeChannelPattern());
    metrics.bindChangeFeed(changes);
    NearCache rows = config.cache().enabled()
        ? NearCache.create(config.cache(), store.views(), changes, catalog, clock)
        : NearCache.passThrough(store.views());
    metrics.bindCache(rows);
    RateLimits limits = config.limits().enabled()
        ? RateLimits.create(vertx, config.limits(), config.redis(), clock)
        : RateLimits.disabled();
    EventIngest ingest = config.ingest().enabled()
        ? EventIngest.create(vertx, config.ingest(), config.redis(), store, metrics)
        : EventIngest.disabled();
    Usage usage = Usage.redis(store, config.redis().keyspace(), config.limits(), clock);
    metrics.bindUsage(usage, config.limits().plans());
    // Push and GraphQL subscriptions count against one bound of sockets per principal.
    SocketsPerPrincipal sockets = new SocketsPerPrincipal(config.push().maxSocketsPerPrincipal());
    Push push = config.push().enabled()
        ? Push.create(config.push(), catalog, rows, store.views(), changes, verifier,
            config.auth().leewaySeconds(), metrics, limits.limiter(), freshness, usage, sockets)
        : Push.disabled();
    GraphQLApi graphql = config.graphql().enabled()
        ? GraphQLApi.create(config.graphql(), config.push(), catalog, store.views(), rows,
            changes, limits.limiter(), sockets, verifier, config.auth().leewaySeconds())
        : GraphQLApi.disabled();
    List<HttpServerVerticle> servers = new CopyOnWriteArrayList<>();
    Warmup warmup = config.http().warmup().enabled()
        ? Warmup.loopback(config.http(), () -> servers.get(0).actualPort(), verifier, catalog,
            rows, store::probe)
        : Warmup.off();
    Readiness readiness = new Readiness(store::probe, warmup, clock);
    Admin admin = Admin.create(vertx, config.admin(), store, config.redis().keyspace(), clock,
        apiKeys, usage);
    GatewayRouter.Services services = new GatewayRouter.Services(verifier, catalog, store.views(),
        rows, limits.limiter(), metrics, config.http().accessLog(),
        config.http().cors(), ingest, push, readiness, admin, freshness, usage, graphql);
    ManagementRouter.Services managementServices = new ManagementRouter.Services(verifier,
        metrics, config.http().accessLog(), readiness, catalog,
        config.ingest().enabled() ? ingest : null, breaker, admin);
    List<HttpServerVerticle> management = new CopyOnWriteArrayList<>();
    String host = config.http().host();
    // Instances share one listening socket. For port 0 Vert.x shares a random port only when
    // asked with a negative port (each negative number names one shared random port).
    int port = config.http().port() == 0 ? -SHARED_RANDOM_PORTS.incrementAndGet() : config.http().port();

    // Started in this order, stopped in the reverse one (on close, and after a failed start).
    Components components = new Components(vertx)
        .add("redis connections", Future::succeededFuture, store::close)
        .deploy("catalog", catalog)
        .deploy("view freshness", freshness)
        .deploy("api keys", apiKeys)
        .deploy("near cache", rows)
        .add("rate limits", limits::start, limits::close)
        // JWKS keys: the first fetch is bounded by its timeout and never fails the start.
        .add("token keys", verifier::start, () -> {
          verifier.close();
          return Future.succeededFuture();
        })
        .add("event ingest", ingest::start, ingest::close)
        // One PING a second on a connection of its own: readiness never queues behind reads.
        .deploy("readiness", readiness)
        .add("admin", admin::start, admin::close)
        // Before the servers, so it stops after them: the last flush has every request's counts.
        .deploy("usage", usage)
        .deploy("http servers", () -> {
          HttpServerVerticle server = new HttpServerVerticle(host, port, services,
              config.http().shutdownGraceMs(), config.http().tls(), config.auth().maxTokenBytes())
              .withTimeouts(config.http().idleTimeoutMs(), config.http().headTimeoutMs());
          servers.add(server);
          return server;
        }, new DeploymentOptions().setInstances(config.http().instances()))
        // After the servers, so it stops first: open sockets get 1001 rather than holding the
        // servers' graceful shutdown for its whole grace period.
        .deploy("push", push)
        .deploy("graphql", graphql);
    if (config.management().enabled()) {
      HttpServerVerticle managementServer = HttpServerVerticle.management(
          config.management().host(), config.management().port(), managementServices,
          config.http().shutdownGraceMs());
      management.add(managementServer);
      components.deploy("management listener", managementServer);
    }
    // Last, once every listener is up (so stopped first); readiness waits for it to finish.
    components.deploy("warm-up", warmup);
    return components.start().map(v -> {
      int bound = servers.get(0).actualPort();
      int managementBound = management.isEmpty() ? -1 : management.get(0).actualPort();
      LOG.info("gateway ready on {}://{}:{} (redis {}, {} views); management {}",
          config.http().scheme(), host, bound, config.redis().redactedUrl(),
          catalog.views().size(), managementBound < 0 ? "off (management.enabled: false)"
              : "on http://" + config.management().host() + ":" + managementBound
                  + " (/metrics, /health/ready details, /admin/v1)");
      if (!catalog.loaded()) {
        LOG.warn("redis at {} did not answer at startup; /health/ready and view requests answer"
            + " 503 until it does. Start redis-server or fix redis.url (or {}).",
            config.redis().redactedUrl(), ConfigLoader.ENV_REDIS_URL);
      }
      return new Gateway(components, catalog, rows, limits, breaker, ingest, push, graphql, bound,
          managementBound, warmup);
    });
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, Clock.systemUTC());
  }

  /**
   * The warm-up before readiness ({@link Warmup#off()} when {@code http.warmup.enabled} is
   * false); it runs on after {@link #start} completed, and readiness waits for it.
   */
  public Warmup warmup() {
    return warmup;
  }

  /** The HTTP port actually bound. */
  public int port() {
    return port;
  }

  /**
   * The management listener's port actually bound ({@code /metrics}, health details, admin
   * API), or -1 when {@code management.enabled} is false.
   */
  public int managementPort() {
    return managementPort;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** The near cache (a pass-through when {@code cache.enabled} is false). */
  public NearCache nearCache() {
    return rows;
  }

  /** The breaker around the store's Redis calls. */
  public Breaker breaker() {
    return breaker;
  }

  /** Push (WebSocket, SSE); {@link Push#disabled()} when {@code push.enabled} is false. */
  public Push push() {
    return push;
  }

  /** GraphQL; {@link GraphQLApi#disabled()} when {@code graphql.enabled} is false. */
  public GraphQLApi graphql() {
    return graphql;
  }

  /** The shared rate limits; {@link RateLimits#disabled()} when {@code limits.enabled} is false. */
  public RateLimits rateLimits() {
    return limits;
  }

  /** Event ingest; {@link EventIngest#disabled()} when {@code ingest.enabled} is false. */
  public EventIngest ingest() {
    return ingest;
  }

  /**
   * Stops everything in the reverse order of the start: push, the servers (gracefully: no new
   * connections, requests in flight get up to {@code http.shutdownGraceMs}), ingest, the key
   * refresh, the rate-limit sync, the near cache and catalog, then the store connections.
   */
  public Future<Void> close() {
    return components.stop();
  }
}
