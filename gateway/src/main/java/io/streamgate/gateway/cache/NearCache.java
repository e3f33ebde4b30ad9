package io.streamgate.gateway.cache;

import io.streamgate.gateway.cache.internal.CaffeineNearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.CacheConfig;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/**
 * Row reads through an in-memory cache of hot rows, kept coherent by the views' change messages
 * (writes and deletes). Rows are cached per view version (each its own table); a delete is
 * remembered as the key's tombstone, so a read after it answers "deleted" until Redis forgets
 * the tombstone.
 *
 * <p><b>Guarantee.</b> While the change subscription is up, a read never returns a version older
 * than one this gateway has received a change message for (for a key whose entry is resident).
 * While it is down the cache is not used for answers (nor filled), except as below; once
 * subscribed again it starts empty.
 *
 * <p><b>Stale answers.</b> If the store cannot answer ({@link StoreUnavailableException}: error,
 * timeout, open breaker, full bulkhead), a row the cache still holds is returned as
 * {@link Read#stale} with its age instead of failing.
 *
 * <p>Thread-safe and non-blocking: call from any event loop.
 */
public interface NearCache extends Deployable {

  /**
   * One row of a view version with its JSON encoded as a point read sends it, or its tombstone
   * if it was deleted (value null if the version has no row under that key).
   */
  Future<Read<RowJson>> get(String view, long version, String key);

  /**
   * Several rows of one view version; keys not cached go to the store in one pipelined batch.
   * Deleted keys are in {@link RowBatch#missing()} and, with their tombstones, in
   * {@link RowBatch#deleted()}.
   */
  Future<Read<RowBatch>> getAll(String view, long version, List<String> keys);

  /** True while the change subscription is up and the cache is in use. */
  boolean attached();

  /** Rows currently held (an estimate). */
  long size();

  /** Reads answered from memory without asking Redis, since start. */
  default long hits() {
    return 0;
  }

  /** Reads that asked Redis, since start. */
  default long misses() {
    return 0;
  }

  /**
   * Rows asked for again in the background because a read found them due for revalidation
   * (that read was answered from memory and counts as a hit), since start.
   */
  default long revalidations() {
    return 0;
  }

  /**
   * While {@code quickly}, rows cached from now on are due for revalidation after a fraction of a
   * second instead of {@code cache.revalidateAfterMs}; turned off, the rows cached meanwhile come
   * due anywhere within the usual interval from then, at the steady rate. The warm-up keeps it
   * on while it runs, so the JIT compiles the path of a row that has come due, and the Redis
   * read behind it, before clients arrive: else
   * the rows it cached come due under load and the compiled read path is thrown away and
   * rebuilt then (seconds at a fraction of the throughput; with it on for only the warm-up's
   * first half, C2 still recompiled that path ~14 s after readiness).
   */
  default void revalidateQuickly(boolean quickly) {
  }

  /** Reads answered with a stale row because Redis could not be asked, since start. */
  default long staleAnswers() {
    return 0;
  }

  /**
   * The cache: deploy it (it follows {@code changes} while deployed). Thread-safe.
   *
   * @param store   the breaker-guarded store it reads through
   * @param catalog for each view's TTL
   */
  static NearCache create(CacheConfig config, ViewStore store, ChangeFeed changes,
      Catalog catalog, Clock clock) {
    return new CaffeineNearCache(config, store, changes, catalog, clock);
  }

  /**
   * No cache ({@code cache.enabled: false}): every read goes to the store, nothing is served
   * stale, and there is nothing to deploy.
   */
  static NearCache passThrough(ViewStore store) {
    return new NearCache() {
      @Override
      public Future<?> deploy(Context context) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Read<RowJson>> get(String view, long version, String key) {
        return store.get(view, version, key)
            .map(found -> Read.fresh(found == null ? null : RowJson.of(found)));
      }

      @Override
      public Future<Read<RowBatch>> getAll(String view, long version, List<String> keys) {
        return store.getAll(view, version, keys).map(Read::fresh);
      }

      @Override
      public boolean attached() {
        return false;
      }

      @Override
      public long size() {
        return 0;
      }
    };
  }
}
