package io.streamgate.gateway.catalog.internal;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.Subscriptions;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog kept in step with Redis: read at start, re-read whenever a view is (re)registered
 * (a message on {@link Keyspace#catalogChannel()}), after every re-subscription, and
 * periodically as a safety net. Runs as a verticle so every refresh happens on its one context,
 * never two at once; readers on other threads see the volatile snapshot.
 */
public final class RedisCatalog extends VerticleBase implements Catalog {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCatalog.class);
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

  private final ViewStore store;
  private final Subscriptions subscriptions;
  private final Keyspace keyspace;
  private final Duration refreshInterval;

  private volatile CatalogSnapshot snapshot = CatalogSnapshot.NOT_LOADED;
  // Context-confined state below.
  private ChannelSubscription subscription;
  private long refreshTimer = -1;
  private boolean refreshing;
  private boolean refreshAgain;
  private boolean reportedFailure;
  private Set<String> reportedBadEntries = Set.of();

  public RedisCatalog(ViewStore store, Subscriptions subscriptions, Keyspace keyspace,
      Duration refreshInterval) {
    this.store = store;
    this.subscriptions = subscriptions;
    this.keyspace = keyspace;
    this.refreshInterval = refreshInterval;
  }

  @Override
  public Optional<CatalogEntry> find(String view) {
    return Optional.ofNullable(snapshot.byName().get(view));
  }

  @Override
  public List<CatalogEntry> views() {
    return snapshot.ordered();
  }

  @Override
  public boolean loaded() {
    return snapshot.loaded();
  }

  /** Completes after the first read attempt, successful or not: Redis may come up later. */
  @Override
  public Future<?> start() {
    subscription = subscriptions.subscribe(keyspace.catalogChannel(),
        name -> refresh(), ready -> refresh());
    refreshTimer = vertx.setPeriodic(refreshInterval.toMillis(), t -> refresh());
    return refresh().otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(refreshTimer);
    return subscription.close();
  }

  /**
   * Re-reads the whole catalog (it is small). Requests arriving during a read are coalesced into
   * one more read afterwards, so the last change is never missed and reads never overlap.
   */
  private Future<Void> refresh() {
    if (refreshing) {
      refreshAgain = true;
      return Future.succeededFuture();
    }
    refreshing = true;
    return store.catalogEntries()
        .onSuccess(this::apply)
        .onFailure(this::reportFailure)
        .<Void>mapEmpty()
        .onComplete(ar -> {
          refreshing = false;
          if (refreshAgain) {
            refreshAgain = false;
            refresh();
          }
        });
  }

  private void apply(Map<String, String> raw) {
    if (reportedFailure) {
      LOG.info("catalog readable again");
      reportedFailure = false;
    }
    Map<String, CatalogEntry> entries = new HashMap<>();
    Set<String> bad = new HashSet<>();
    raw.forEach((name, json) -> {
      try {
        CatalogEntry entry = CatalogEntry.fromJson(json);
        if (!entry.name().equals(name)) {
          throw new IllegalArgumentException("entry names view '" + entry.name() + "'");
        }
        entries.put(name, entry);
      } catch (RuntimeException e) {
        String signature = name + "\u0000" + json;
        bad.add(signature);
        if (!reportedBadEntries.contains(signature)) {
          LOG.warn("skipping catalog entry '{}' in {}: {}. Re-register the view (restart its"
              + " pipeline) to fix it.", name, keyspace.catalog(), e.getMessage());
        }
      }
    });
    reportedBadEntries = bad;
    CatalogSnapshot previous = snapshot;
    snapshot = CatalogSnapshot.of(entries);
    logChanges(previous, snapshot);
  }

  private void logChanges(CatalogSnapshot before, CatalogSnapshot after) {
    Set<String> added = new TreeSet<>();
    Set<String> changed = new TreeSet<>();
    after.byName().forEach((name, entry) -> {
      CatalogEntry old = before.byName().get(name);
      if (old == null) {
        added.add(name);
      } else if (!old.equals(entry)) {
        changed.add(name);
      }
    });
    Set<String> removed = new TreeSet<>(before.byName().keySet());
    removed.removeAll(after.byName().keySet());
    if (!added.isEmpty() || !changed.isEmpty() || !removed.isEmpty()) {
      LOG.info("catalog: {} views{}{}{}", after.byName().size(),
          added.isEmpty() ? "" : ", added " + added,
          changed.isEmpty() ? "" : ", changed " + changed,
          removed.isEmpty() ? "" : ", removed " + removed);
    }
  }

  private void reportFailure(Throwable failure) {
    if (!reportedFailure) {
      LOG.warn("cannot read the catalog ({}); keeping the last known views and retrying every {}"
          + " s. Check that Redis is running.", failure.getMessage(), refreshInterval.toSeconds());
      reportedFailure = true;
    }
  }
}
