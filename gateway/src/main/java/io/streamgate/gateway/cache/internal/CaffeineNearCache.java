package io.streamgate.gateway.cache.internal;

import io.streamgate.contract.Change;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.cache.Read;
import io.streamgate.gateway.cache.RowJson;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.CacheConfig;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The near cache: a {@link RowCache} in front of the (breaker-guarded) store, kept coherent by
 * the process's {@link ChangeFeed}. Deployed once as a verticle, so its feed listener runs on one
 * context; reads come from every event loop. Thread-safe.
 */
public final class CaffeineNearCache extends VerticleBase
    implements NearCache, ChangeFeed.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(CaffeineNearCache.class);

  private final RowCache cache;
  private final ViewStore store;
  private final ChangeFeed changes;
  private final Clock clock;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder staleAnswers = new LongAdder();
  private final LongAdder revalidations = new LongAdder();
  private ChangeFeed.Registration registration;

  public CaffeineNearCache(CacheConfig config, ViewStore store, ChangeFeed changes,
      Catalog catalog, Clock clock) {
    this.cache = new RowCache(config.maxEntries(), config.revalidateAfterMs(),
        view -> catalog.find(view).map(e -> e.ttlSeconds() * 1000).orElse(0L));
    this.store = store;
    this.changes = changes;
    this.clock = clock;
  }

  /** Subscribes; completes at once (the cache attaches once the subscription is confirmed). */
  @Override
  public Future<?> start() {
    registration = changes.listen(context, this);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return registration.close();
  }

  @Override
  public void onSubscribed() {
    cache.attach();
    LOG.info("near cache attached to the change feed (empty, refilled by reads)");
  }

  @Override
  public void onLost() {
    cache.detach();
    LOG.warn("near cache detached: change messages are not arriving, so reads go to Redis"
        + " and cached rows are only served, marked stale, if Redis does not answer");
  }

  @Override
  public void onChange(Change change, long viewVersion) {
    cache.onMessage(change, viewVersion, clock.millis());
  }

  /** A hit is served with the JSON encoded when the row was cached. */
  @Override
  public Future<Read<RowJson>> get(String view, long version, String key) {
    long start = clock.millis();
    RowCache.Entry hit = fromMemory(view, version, key, start);
    if (hit != null) {
      hits.increment();
      return Future.succeededFuture(Read.fresh(hit.served()));
    }
    misses.increment();
    long generation = cache.generation();
    return store.get(view, version, key).transform(ar -> {
      long now = clock.millis();
      if (ar.succeeded()) {
        Change found = cache.afterRead(view, version, key, ar.result(), start, generation, now);
        return Future.succeededFuture(Read.fresh(found == null ? null : RowJson.of(found)));
      }
      RowCache.Entry stale = ar.cause() instanceof StoreUnavailableException
          ? cache.stale(view, version, key, now) : null;
      if (stale == null) {
        return Future.failedFuture(ar.cause());
      }
      staleAnswers.increment();
      return Future.succeededFuture(Read.stale(stale.served(), ageSeconds(stale, now)));
    });
  }

  @Override
  public Future<Read<RowBatch>> getAll(String view, long version, List<String> keys) {
    long start = clock.millis();
    Map<String, Change> found = new HashMap<>();
    List<String> toFetch = new ArrayList<>();
    for (String key : keys) {
      RowCache.Entry hit = fromMemory(view, version, key, start);
      if (hit != null) {
        found.put(key, hit.change());
      } else {
        toFetch.add(key);
      }
    }
    hits.add(found.size());
    misses.add(toFetch.size());
    if (toFetch.isEmpty()) {
      return Future.succeededFuture(Read.fresh(inOrder(keys, found)));
    }
    long generation = cache.generation();
    return store.getAll(view, version, toFetch).transform(ar -> {
      long now = clock.millis();
      if (ar.succeeded()) {
        Map<String, Change> fetched = new HashMap<>();
        ar.result().found().forEach(row -> fetched.put(row.key(), row));
        ar.result().deleted().forEach(tombstone -> fetched.put(tombstone.key(), tombstone));
        for (String key : toFetch) {
          Change change = cache.afterRead(view, version, key, fetched.get(key), start,
              generation, now);
          if (change != null) {
            found.put(key, change);
          }
        }
        return Future.succeededFuture(Read.fresh(inOrder(keys, found)));
      }
      return staleBatch(view, version, keys, toFetch, found, ar.cause(), now);
    });
  }

  /**
   * The entry to answer from memory, or null to ask Redis. The first read to find the row due
   * asks Redis in the background; this read and others meanwhile are answered at once.
   */
  private RowCache.Entry fromMemory(String view, long version, String key, long now) {
    RowCache.Entry entry = cache.answer(view, version, key, now);
    if (entry != null && entry.due(now) && cache.claimRevalidation(view, version, key, entry)) {
      revalidations.increment();
      long generation = cache.generation();
      // A failure changes nothing: once the grace has passed, reads ask Redis themselves.
      store.get(view, version, key).onSuccess(fromRedis ->
          cache.afterRead(view, version, key, fromRedis, now, generation, clock.millis()));
    }
    return entry;
  }

  /** Every key not answered fresh must be cached, or the batch cannot be answered at all. */
  private Future<Read<RowBatch>> staleBatch(String view, long version, List<String> keys,
      List<String> toFetch, Map<String, Change> found, Throwable failure, long now) {
    if (!(failure instanceof StoreUnavailableException)) {
      return Future.failedFuture(failure);
    }
    long age = 0;
    for (String key : toFetch) {
      RowCache.Entry stale = cache.stale(view, version, key, now);
      if (stale == null) {
        return Future.failedFuture(failure);
      }
      found.put(key, stale.change());
      age = Math.max(age, ageSeconds(stale, now));
    }
    staleAnswers.increment();
    return Future.succeededFuture(Read.stale(inOrder(keys, found), age));
  }

  @Override
  public void revalidateQuickly(boolean quickly) {
    cache.revalidateQuickly(quickly, clock.millis());
  }

  @Override
  public boolean attached() {
    return cache.attached();
  }

  @Override
  public long size() {
    return cache.size();
  }

  @Override
  public long hits() {
    return hits.sum();
  }

  @Override
  public long misses() {
    return misses.sum();
  }

  @Override
  public long staleAnswers() {
    return staleAnswers.sum();
  }

  @Override
  public long revalidations() {
    return revalidations.sum();
  }

  private static RowBatch inOrder(List<String> keys, Map<String, Change> found) {
    List<Row> rows = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<Tombstone> deleted = new ArrayList<>();
    for (String key : keys) {
      Change change = found.get(key);
      if (change instanceof Row row) {
        rows.add(row);
      } else {
        missing.add(key);
        if (change instanceof Tombstone tombstone) {
          deleted.add(tombstone);
        }
      }
    }
    return new RowBatch(rows, missing, deleted);
  }

  private static long ageSeconds(RowCache.Entry entry, long now) {
    return Math.max(0, (now - entry.confirmedAt()) / 1000);
  }
}
