package io.streamgate.gateway.store.internal;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;

/** A test's stand-in for a Redis client: it answers send and batch, and has no connections. */
abstract class RedisFake implements Redis {
  @Override
  public Future<RedisConnection> connect() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
