package io.streamgate.gateway.catalog;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.catalog.internal.RedisCatalog;
import io.streamgate.gateway.store.Subscriptions;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Deployable;
import java.util.List;
import java.util.Optional;

/**
 * The views the gateway serves, as the processor registered them in Redis. Reads see an
 * immutable snapshot that the implementation swaps when the catalog changes.
 *
 * <p>Thread-safe and non-blocking: call from any event loop. Deploy it to keep it current.
 */
public interface Catalog extends Deployable {

  /** The view's entry, if registered. */
  Optional<CatalogEntry> find(String view);

  /** Every registered view, ordered by name. */
  List<CatalogEntry> views();

  /**
   * False until the catalog has been read from Redis once. Until then "not in the catalog" means
   * "not known yet", not "does not exist".
   */
  boolean loaded();

  /**
   * Told when the version serving a view's name changes (the switch of issue 15: one
   * registration of the entry with the new version). Called on the catalog's context, after
   * {@link #find} already answers with the new entry; must be quick (hand the work off).
   */
  interface SwitchListener {
    /**
     * @param entry           the view's new entry; {@code entry.version()} serves now
     * @param previousVersion the version that served before
     */
    void switched(CatalogEntry entry, long previousVersion);
  }

  /**
   * Adds {@code listener} for every later switch of any view. Not for views that appear or
   * disappear, nor the first read of the catalog. Thread-safe.
   */
  void onSwitch(SwitchListener listener);

  /**
   * The catalog in Redis: read when deployed, re-read when the processor announces a change and
   * every few seconds.
   */
  static Catalog redis(ViewStore store, Subscriptions subscriptions, Keyspace keyspace) {
    return new RedisCatalog(store, subscriptions, keyspace, RedisCatalog.DEFAULT_REFRESH_INTERVAL);
  }
}
