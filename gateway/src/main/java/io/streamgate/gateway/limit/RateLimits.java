package io.streamgate.gateway.limit;

import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.RedisConfig;
import io.streamgate.gateway.limit.internal.RedisLimitSync;
import io.streamgate.gateway.limit.internal.SharedRateLimiter;
import io.streamgate.gateway.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;

/**
 * Rate limits shared by every gateway through Redis, with no Redis round trip on the request
 * path: {@link #limiter()} decides in memory, a background sync reconciles with Redis every
 * {@code limits.syncIntervalMs}. Own Redis connection, so a saturated read pool cannot starve
 * it. Thread-safe.
 */
public final class RateLimits {
  private final Vertx vertx;
  private final RateLimiter limiter;
  /** Null when disabled. */
  private final SharedRateLimiter shared;
  private final RedisLimitSync sync;
  private final Clock clock;
  private String deployment;

  private RateLimits(Vertx vertx, SharedRateLimiter limiter, RedisLimitSync sync, Clock clock) {
    this.vertx = vertx;
    this.limiter = limiter == null ? RateLimiter.unlimited() : limiter;
    this.shared = limiter;
    this.sync = sync;
    this.clock = clock;
  }

  /** Creates the limiter; nothing connects until {@link #start()}. */
  public static RateLimits create(Vertx vertx, LimitsConfig limits, RedisConfig redis,
      Clock clock) {
    long interval = limits.syncIntervalMs();
    SharedRateLimiter limiter = new SharedRateLimiter(limits, clock,
        RedisLimitSync.staleAfterMillis(interval, redis.timeoutMs()));
    Redis client = RedisStore.client(vertx, redis, 1);
    RedisLimitSync sync = new RedisLimitSync(limiter, client, redis.keyspace(), interval,
        redis.timeoutMs(), redis.redactedUrl());
    return new RateLimits(vertx, limiter, sync, clock);
  }

  /** Rate limits off ({@code limits.enabled: false}): nothing counted, nothing synced. */
  public static RateLimits disabled() {
    return new RateLimits(null, null, null, null);
  }

  /** The limiter; {@link RateLimiter#unlimited()} when disabled. */
  public RateLimiter limiter() {
    return limiter;
  }

  /** Gateways currently sharing the limits, as last read from Redis (1 until then). */
  public int instances() {
    return shared == null ? 1 : shared.instances();
  }

  /** True while the counts are shared through Redis; false means each gateway limits alone. */
  public boolean shared() {
    return shared != null && shared.shared(clock.millis());
  }

  /** Starts syncing; completes at once (Redis may be down, limits then stay local). */
  public Future<Void> start() {
    if (sync == null) {
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(sync).onSuccess(id -> deployment = id).mapEmpty();
  }

  public Future<Void> close() {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }
}
