package io.streamgate.gateway.store;

import io.streamgate.gateway.config.RedisConfig;
import io.streamgate.gateway.store.internal.RedisChannelSubscription;
import io.streamgate.gateway.store.internal.RedisViewStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * The Redis-backed store: a bounded connection pool for reads plus dedicated connections for
 * subscriptions. Creating it connects nothing, so the gateway starts while Redis is down and
 * serves 503 until it is back. Thread-safe.
 */
public final class RedisStore implements Subscriptions {
  private final Vertx vertx;
  private final RedisConfig config;
  private final Redis pool;
  private final RedisViewStore views;

  private RedisStore(Vertx vertx, RedisConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.pool = Redis.createClient(vertx, options(config)
        .setMaxPoolSize(config.poolSize())
        .setMaxPoolWaiting(config.poolWaiting()));
    this.views = new RedisViewStore(pool, config.keyspace(), config.timeoutMs(), config.redactedUrl());
  }

  public static RedisStore create(Vertx vertx, RedisConfig config) {
    return new RedisStore(vertx, config);
  }

  public ViewStore views() {
    return views;
  }

  @Override
  public ChannelSubscription subscribe(
      String channel, Handler<String> onMessage, Handler<Void> onSubscribed) {
    // A subscribed connection cannot run other commands, so it gets a client of its own.
    Redis client = Redis.createClient(vertx, options(config).setMaxPoolSize(1));
    return RedisChannelSubscription.start(vertx, client, channel, config.timeoutMs(),
        config.redactedUrl(), onMessage, onSubscribed);
  }

  public Future<Void> close() {
    return pool.close();
  }

  private static RedisOptions options(RedisConfig config) {
    RedisOptions options = new RedisOptions().setConnectionString(config.url());
    // Without this a connect to an unreachable host waits for the OS (minutes).
    options.getNetClientOptions().setConnectTimeout(config.timeoutMs());
    return options;
  }
}
