package io.streamgate.gateway;

import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.cache.internal.CaffeineNearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.catalog.internal.RedisCatalog;
import io.streamgate.gateway.config.ConfigLoader;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.ingest.EventIngest;
import io.streamgate.gateway.limit.RateLimits;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.push.Push;
import io.streamgate.gateway.server.GatewayRouter;
import io.streamgate.gateway.server.HttpServerVerticle;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.RedisStore;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: store, catalog and HTTP servers wired together from a
 * {@link GatewayConfig}. {@link GatewayMain} runs one per process; tests start one per class on
 * port 0.
 *
 * <p>Startup does not wait for Redis: if it is down, the gateway still listens, readiness says
 * 503 and requests get 503 problems until Redis answers.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger();

  private final Vertx vertx;
  private final RedisStore store;
  private final RedisCatalog catalog;
  private final NearCache rows;
  private final RateLimits limits;
  private final Breaker breaker;
  private final EventIngest ingest;
  private final Push push;
  private final List<String> deployments;
  private final int port;
  private final TokenVerifier verifier;

  private Gateway(Vertx vertx, RedisStore store, RedisCatalog catalog, NearCache rows,
      RateLimits limits, Breaker breaker, EventIngest ingest, Push push, List<String> deployments,
      int port, TokenVerifier verifier) {
    this.verifier = verifier;
    this.rows = rows;
    this.ingest = ingest;
    this.push = push;
    this.vertx = vertx;
    this.store = store;
    this.catalog = catalog;
    this.limits = limits;
    this.breaker = breaker;
    this.deployments = deployments;
    this.port = port;
  }

  /**
   * Starts a gateway. Call from a non-event-loop thread (it reads key files before anything
   * runs on an event loop).
   *
   * @throws io.streamgate.gateway.config.ConfigException if key material cannot be loaded
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, Clock clock) {
    TokenVerifier verifier = TokenVerifier.jwt(vertx, config.auth(), clock);
    GatewayMetrics metrics = new GatewayMetrics();
    Breaker breaker = RedisStore.breaker(vertx, config.redis(), config.breaker(), clock,
        metrics.redisCalls());
    metrics.bindBreaker("redis", breaker);
    RedisStore store = RedisStore.create(vertx, config.redis(), breaker);
    RedisCatalog catalog = new RedisCatalog(store.views(), store, config.redis().keyspace(),
        RedisCatalog.DEFAULT_REFRESH_INTERVAL);
    // One PSUBSCRIBE to the change channels per process, shared by the near cache and push.
    Subscriptions changes = ChangeFeed.shared(store,
        config.redis().keyspace().changeChannelPattern());
    CaffeineNearCache nearCache = config.cache().enabled()
        ? new CaffeineNearCache(config.cache(), store.views(), changes, catalog,
            config.redis().keyspace(), clock)
        : null;
    NearCache rows = nearCache == null ? NearCache.passThrough(store.views()) : nearCache;
    metrics.bindCache(rows);
    RateLimits limits = config.limits().enabled()
        ? RateLimits.create(vertx, config.limits(), config.redis(), clock) : null;
    EventIngest ingest = config.ingest().enabled()
        ? EventIngest.create(vertx, config.ingest(), config.redis(), store, metrics) : null;
    Push push = config.push().enabled()
        ? Push.create(config.push(), catalog, rows, changes, config.redis().keyspace(), verifier,
            config.auth().leewaySeconds(), metrics)
        : null;
    GatewayRouter.Services services = new GatewayRouter.Services(verifier, catalog, store.views(),
        rows, limits == null ? null : limits.limiter(), metrics, config.http().accessLog(),
        config.http().cors(), ingest, push);
    List<String> deployments = new ArrayList<>();
    String host = config.http().host();
    int instances = config.http().instances();

    // Instances share one listening socket. For port 0 Vert.x shares a random port only when
    // asked with a negative port (each negative number names one shared random port).
    int port = config.http().port() == 0 ? -SHARED_RANDOM_PORTS.incrementAndGet() : config.http().port();
    List<HttpServerVerticle> servers = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(catalog)
        .compose(id -> {
          deployments.add(id);
          return nearCache == null ? Future.succeededFuture()
              : vertx.deployVerticle(nearCache).onSuccess(deployments::add);
        })
        .compose(id -> limits == null ? Future.succeededFuture() : limits.start())
        // JWKS keys: the first fetch is bounded by its timeout and never fails the start.
        .compose(v -> verifier.start())
        .compose(v -> ingest == null ? Future.succeededFuture() : ingest.start())
        .compose(v -> vertx.deployVerticle(() -> {
          HttpServerVerticle server = new HttpServerVerticle(host, port, services,
              config.http().shutdownGraceMs(), config.http().tls(), config.auth().maxTokenBytes());
          servers.add(server);
          return server;
        }, new DeploymentOptions().setInstances(instances)))
        .map(id -> {
          deployments.add(id);
          return servers.get(0).actualPort();
        })
        // After the servers, so it stops first: open sockets get 1001 rather than holding the
        // servers' graceful shutdown for its whole grace period.
        .compose(bound -> push == null ? Future.succeededFuture(bound)
            : vertx.deployVerticle(push).map(id -> {
              deployments.add(id);
              return bound;
            }))
        .map(bound -> {
          Gateway gateway = new Gateway(vertx, store, catalog, rows, limits, breaker, ingest, push,
              deployments, bound, verifier);
          LOG.info("gateway ready on {}://{}:{} (redis {}, {} views)", config.http().scheme(),
              host, bound, config.redis().redactedUrl(), catalog.views().size());
          if (!catalog.loaded()) {
            LOG.warn("redis at {} did not answer at startup; /health/ready and view requests answer"
                + " 503 until it does. Start redis-server or fix redis.url (or {}).",
                config.redis().redactedUrl(), ConfigLoader.ENV_REDIS_URL);
          }
          return gateway;
        })
        .recover(failure -> undeploy(vertx, deployments)
            .eventually(() -> {
              verifier.close();
              return Future.succeededFuture();
            })
            .eventually(() -> ingest == null ? Future.succeededFuture() : ingest.close())
            .eventually(() -> limits == null ? Future.succeededFuture() : limits.close())
            .eventually(store::close)
            .transform(ignored -> Future.failedFuture(failure)));
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, Clock.systemUTC());
  }

  /** The HTTP port actually bound. */
  public int port() {
    return port;
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

  /** Push (WebSocket, SSE), or null when {@code push.enabled} is false. */
  public Push push() {
    return push;
  }

  /** The shared rate limits, or null when {@code limits.enabled} is false. */
  public RateLimits rateLimits() {
    return limits;
  }

  /** Event ingest, or null when {@code ingest.enabled} is false. */
  public EventIngest ingest() {
    return ingest;
  }

  /**
   * Stops the servers (gracefully: no new connections, requests in flight get up to
   * {@code http.shutdownGraceMs}), then the near cache and catalog, the rate-limit sync and the
   * store connections.
   */
  public Future<Void> close() {
    return undeploy(vertx, deployments)
        .eventually(() -> {
          verifier.close();
          return Future.succeededFuture();
        })
        .eventually(() -> ingest == null ? Future.succeededFuture() : ingest.close())
        .eventually(() -> limits == null ? Future.succeededFuture() : limits.close())
        .eventually(store::close);
  }

  private static Future<Void> undeploy(Vertx vertx, List<String> deployments) {
    // One after the other, newest first: the HTTP servers drain their requests in flight while
    // the near cache and catalog those requests use are still running.
    List<String> ids = new ArrayList<>(deployments);
    deployments.clear();
    Future<Void> done = Future.succeededFuture();
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      done = done.eventually(() -> vertx.undeploy(id));
    }
    return done;
  }
}
