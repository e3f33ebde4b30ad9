package io.streamgate.gateway.catalog;

import io.streamgate.contract.CatalogEntry;
import java.util.List;
import java.util.Optional;

/**
 * The views the gateway serves, as the processor registered them in Redis. Reads see an
 * immutable snapshot that the implementation swaps when the catalog changes.
 *
 * <p>Thread-safe and non-blocking: call from any event loop.
 */
public interface Catalog {

  /** The view's entry, if registered. */
  Optional<CatalogEntry> find(String view);

  /** Every registered view, ordered by name. */
  List<CatalogEntry> views();

  /**
   * False until the catalog has been read from Redis once. Until then "not in the catalog" means
   * "not known yet", not "does not exist".
   */
  boolean loaded();
}
