package io.streamgate.gateway.store;

import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.config.BreakerConfig;
import io.streamgate.gateway.config.RedisConfig;
import io.streamgate.gateway.store.internal.GatedClusterClient;
import io.streamgate.gateway.store.internal.GuardedViewStore;
import io.streamgate.gateway.store.internal.RedisChannelSubscription;
import io.streamgate.gateway.store.internal.RedisViewStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The Redis-backed store: a bounded connection pool for reads plus dedicated connections for
 * subscriptions. Creating it connects nothing, so the gateway starts while Redis is down and
 * serves 503 until it is back. Thread-safe.
 */
public final class RedisStore implements Subscriptions {
  private final Vertx vertx;
  private final RedisConfig config;
  private final Redis pool;
  private final ViewStore views;
  private final GuardedViewStore guarded;
  // Readiness only: its own connection, so a full pool or an open breaker never hides whether
  // Redis answers, and a flood of readiness checks never takes the reads' permits.
  private final Redis probe;

  private RedisStore(Vertx vertx, RedisConfig config, Breaker breaker) {
    this.vertx = vertx;
    this.config = config;
    this.pool = client(vertx, config, config.poolSize(), config.poolWaiting());
    this.guarded = new GuardedViewStore(
        new RedisViewStore(pool, config.keyspace(), config.redactedUrl(), config.cluster()), breaker,
        config.redactedUrl());
    this.views = guarded;
    this.probe = client(vertx, config, 1);
  }

  /**
   * @param breaker guards every read call of {@link #views()} (subscriptions reconnect on their
   *                own and are not guarded)
   */
  public static RedisStore create(Vertx vertx, RedisConfig config, Breaker breaker) {
    return new RedisStore(vertx, config, breaker);
  }

  /**
   * The breaker for the store's calls: Redis failures and timeouts count against it; anything
   * else (a row hash that is not a contract row) does not.
   */
  public static Breaker breaker(Vertx vertx, RedisConfig redis, BreakerConfig config,
      Clock clock, Breaker.Observer observer) {
    return Breaker.create(vertx, "redis", config, redis.timeoutMs(), clock,
        failure -> failure instanceof StoreUnavailableException, observer);
  }

  /** Reads, each guarded by the breaker. */
  public ViewStore views() {
    return views;
  }

  /**
   * Any other command on the read pool, through the breaker like reads: the admin API's control
   * stream, replies and view definitions (rare calls). Failures surface as
   * {@link StoreUnavailableException}; an error reply of Redis fails the future as well.
   */
  public Future<Response> send(Request request) {
    return guarded.guarded(() -> pool.send(request).recover(failure -> Future.failedFuture(
        new StoreUnavailableException("redis at " + config.redactedUrl() + " failed: "
            + failure.getMessage(), failure))));
  }

  /** Every field of hash {@code key} with its value, like {@link #send} (empty when absent). */
  public Future<Map<String, String>> hashEntries(String key) {
    return send(Request.cmd(Command.HGETALL).arg(key)).map(r -> {
      Map<String, String> out = new HashMap<>();
      if (r != null) {
        for (String field : r.getKeys()) {
          Response value = r.get(field);
          if (value != null) {
            out.put(field, value.toString());
          }
        }
      }
      return out;
    });
  }

  /**
   * One PING on a connection of its own, bounded by {@code redis.timeoutMs}, outside the
   * breaker and its bulkhead: for readiness, which asks about once a second.
   */
  public Future<Void> probe() {
    return probe.send(Request.cmd(Command.PING))
        .timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  @Override
  public ChannelSubscription subscribe(
      String channel, Handler<String> onMessage, Handler<Void> onSubscribed) {
    return subscription(channel, false, (from, payload) -> onMessage.handle(payload), onSubscribed,
        v -> { });
  }

  @Override
  public ChannelSubscription psubscribe(String pattern, BiConsumer<String, String> onMessage,
      Handler<Void> onSubscribed, Handler<Void> onLost) {
    return subscription(pattern, true, onMessage, onSubscribed, onLost);
  }

  /**
   * A subscribed connection cannot run other commands, so it gets clients of its own: one plain
   * client per server it may use. In a cluster those are the seeds, each a node that hears every
   * PUBLISH of the cluster; a plain connection to one node (not the cluster client, which sends a
   * keyless PING to any node) lets the liveness PING ask the very node the subscription is on.
   */
  private ChannelSubscription subscription(String channel, boolean pattern,
      BiConsumer<String, String> onMessage, Handler<Void> onSubscribed, Handler<Void> onLost) {
    List<Redis> servers = new ArrayList<>();
    for (String url : config.urls()) {
      servers.add(Redis.createClient(vertx, nodeOptions(config, url).setMaxPoolSize(1)));
    }
    return RedisChannelSubscription.start(vertx, servers, config.redactedUrls(), channel, pattern,
        config.timeoutMs(), onMessage, onSubscribed, onLost);
  }

  public Future<Void> close() {
    return probe.close().eventually(pool::close);
  }

  /**
   * A client for {@code config} that runs at most {@code poolSize} commands at once, like a pool
   * of that size, with the client's default wait queue (24).
   */
  public static Redis client(Vertx vertx, RedisConfig config, int poolSize) {
    return client(vertx, config, poolSize, new RedisOptions().getMaxPoolWaiting());
  }

  /**
   * A client for {@code config} that runs at most {@code poolSize} commands at once and lets
   * {@code poolWaiting} more wait. Standalone: the plain pooled client. Cluster: a
   * {@link GatedClusterClient} over a client with one connection more per node, because the
   * plain cluster client deadlocks on its own pool under concurrent commands (see there) and
   * then never answers again, even once the cluster is healthy.
   */
  public static Redis client(Vertx vertx, RedisConfig config, int poolSize, int poolWaiting) {
    if (!config.cluster()) {
      return Redis.createClient(vertx, clientOptions(config).setMaxPoolWaiting(poolWaiting)
          .setMaxPoolSize(poolSize));
    }
    List<String> seeds = config.urls();
    return new GatedClusterClient(vertx, generation -> {
      // Each replacement asks the seeds starting one further: a hung first seed is skipped.
      RedisOptions options = clientOptions(config).setMaxPoolWaiting(poolWaiting)
          .setMaxPoolSize(poolSize + 1);
      List<String> rotated = new ArrayList<>(seeds.size());
      for (int i = 0; i < seeds.size(); i++) {
        rotated.add(seeds.get((generation + i) % seeds.size()));
      }
      return Redis.createClient(vertx, options.setEndpoints(rotated));
    }, poolSize, poolWaiting, config.timeoutMs(), stuckAfterMs(config));
  }

  /** Five times the call timeout, at least 5 s: long past any caller's patience. */
  static long stuckAfterMs(RedisConfig config) {
    return Math.max(5_000L, 5L * config.timeoutMs());
  }

  /**
   * Client options for {@code config}: URL (or cluster seeds) and a connect timeout. Each caller
   * sets its pool. A cluster client routes each command by its key's slot and follows MOVED/ASK.
   * (Subscriptions use plain clients of single nodes: {@link #psubscribe}.)
   */
  public static RedisOptions clientOptions(RedisConfig config) {
    if (!config.cluster()) {
      return nodeOptions(config, config.url());
    }
    RedisOptions options = connectTimeout(new RedisOptions().setType(RedisClientType.CLUSTER), config);
    config.urls().forEach(options::addConnectionString);
    return options;
  }

  /** Options for a plain client of the one server at {@code url}. */
  private static RedisOptions nodeOptions(RedisConfig config, String url) {
    return connectTimeout(new RedisOptions().setConnectionString(url), config);
  }

  private static RedisOptions connectTimeout(RedisOptions options, RedisConfig config) {
    // Without this a connect to an unreachable host waits for the OS (minutes).
    options.getNetClientOptions().setConnectTimeout(config.timeoutMs());
    return options;
  }
}
