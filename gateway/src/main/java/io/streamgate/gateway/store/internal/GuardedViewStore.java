package io.streamgate.gateway.store.internal;

import io.streamgate.contract.Change;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.breaker.CallRejectedException;
import io.streamgate.gateway.store.FilterPage;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Every call of the wrapped store through the {@link Breaker} (bulkhead, breaker, timeout).
 * Whatever keeps a call from answering surfaces as {@link StoreUnavailableException}, with the
 * breaker's Retry-After when it refused the call. Thread-safe.
 */
public final class GuardedViewStore implements ViewStore {
  private final ViewStore redis;
  private final Breaker breaker;
  private final String address;

  public GuardedViewStore(ViewStore redis, Breaker breaker, String address) {
    this.redis = redis;
    this.breaker = breaker;
    this.address = address;
  }

  @Override
  public Future<Change> get(String view, long version, String key) {
    return guarded(() -> redis.get(view, version, key));
  }

  @Override
  public Future<RowBatch> getAll(String view, long version, List<String> keys) {
    return guarded(() -> redis.getAll(view, version, keys));
  }

  @Override
  public Future<List<String>> keysAfter(String view, long version, String afterKey, int count) {
    return guarded(() -> redis.keysAfter(view, version, afterKey, count));
  }

  @Override
  public Future<FilterPage> filter(String view, long version, Map<String, String> where,
      String afterKey, String keyPrefix, int limit) {
    return guarded(() -> redis.filter(view, version, where, afterKey, keyPrefix, limit));
  }

  @Override
  public Future<List<String>> topKeys(String view, long version, int n) {
    return guarded(() -> redis.topKeys(view, version, n));
  }

  @Override
  public Future<Map<String, String>> catalogEntries() {
    return guarded(redis::catalogEntries);
  }

  @Override
  public Future<Void> ping() {
    return guarded(redis::ping);
  }

  /** Any call through the breaker, failing as {@link StoreUnavailableException} like reads. */
  public <T> Future<T> guarded(java.util.function.Supplier<Future<T>> call) {
    return breaker.execute(call).recover(failure -> {
      if (failure instanceof CallRejectedException rejected) {
        return Future.failedFuture(new StoreUnavailableException("redis at " + address
            + " not asked: " + rejected.getMessage(), rejected, rejected.retryAfterSeconds()));
      }
      if (failure instanceof TimeoutException) {
        return Future.failedFuture(new StoreUnavailableException(
            "redis at " + address + ": " + failure.getMessage(), failure));
      }
      return Future.failedFuture(failure);
    });
  }
}
