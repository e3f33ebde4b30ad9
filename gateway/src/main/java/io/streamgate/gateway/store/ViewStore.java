package io.streamgate.gateway.store;

import io.streamgate.contract.Row;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Reads what the processor wrote: view rows and catalog entries, laid out as the contract's
 * {@link io.streamgate.contract.Keyspace} says.
 *
 * <p>Thread-safe. Methods may be called from any event loop; they never block and every returned
 * future completes within the configured timeout, failing with
 * {@link StoreUnavailableException} when the store does not answer in time or cannot be reached.
 * Callers validate view names and keys ({@link io.streamgate.contract.Names}) first.
 */
public interface ViewStore {

  /** One row, or null if the view has no row under that key. One round trip. */
  Future<Row> get(String view, String key);

  /** Several rows of one view in one pipelined round trip; order of {@code keys} is kept. */
  Future<RowBatch> getAll(String view, List<String> keys);

  /**
   * Up to {@code count} keys of the view's paging index in key order (Redis lexicographic order,
   * by bytes), starting after {@code afterKey} (exclusive), or from the first key if it is null.
   * One round trip.
   */
  Future<List<String>> keysAfter(String view, String afterKey, int count);

  /** The keys of the {@code n} highest-ranked rows of a ranked view, highest first. */
  Future<List<String>> topKeys(String view, int n);

  /** Every catalog entry, view name → entry JSON, unparsed (the catalog decides what is valid). */
  Future<Map<String, String>> catalogEntries();

  /** Succeeds if the store answers a PING within the timeout. */
  Future<Void> ping();
}
