package io.streamgate.gateway.catalog.internal;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.store.HashMirror;
import io.streamgate.gateway.store.Subscriptions;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The catalog kept in step with Redis by a {@link HashMirror} of {@link Keyspace#catalog()}:
 * read at start, re-read whenever a view is (re)registered (a message on
 * {@link Keyspace#catalogChannel()}), after every re-subscription, and periodically. Runs as a
 * verticle so every refresh happens on its one context; readers on other threads see the
 * volatile snapshot. Reads go through the store, so the breaker guards them.
 */
public final class RedisCatalog extends VerticleBase implements Catalog {
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

  private final Subscriptions subscriptions;
  private final Keyspace keyspace;
  private final HashMirror<CatalogEntry> mirror;
  private final List<SwitchListener> switchListeners = new CopyOnWriteArrayList<>();
  private volatile CatalogSnapshot snapshot = CatalogSnapshot.NOT_LOADED;

  public RedisCatalog(ViewStore store, Subscriptions subscriptions, Keyspace keyspace,
      Duration refreshInterval) {
    this.subscriptions = subscriptions;
    this.keyspace = keyspace;
    this.mirror = new HashMirror<>(
        new HashMirror.Description("catalog", keyspace.catalog(), "views",
            "Re-register the view (restart its pipeline) to fix it."),
        store::catalogEntries, CatalogEntry::fromJson, CatalogEntry::name,
        this::apply, refreshInterval);
  }

  /** On the mirror's context: swaps the snapshot, then tells of every view that switched. */
  private void apply(Map<String, CatalogEntry> entries) {
    CatalogSnapshot before = snapshot;
    snapshot = CatalogSnapshot.of(entries);
    entries.values().forEach(entry -> {
      CatalogEntry old = before.byName().get(entry.name());
      if (old != null && old.version() != entry.version()) {
        switchListeners.forEach(l -> l.switched(entry, old.version()));
      }
    });
  }

  @Override
  public void onSwitch(SwitchListener listener) {
    switchListeners.add(listener);
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
    return mirror.start(vertx, subscriptions, keyspace.catalogChannel());
  }

  @Override
  public Future<?> stop() {
    return mirror.stop();
  }
}
