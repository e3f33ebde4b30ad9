package io.streamgate.gateway.store;

import io.streamgate.contract.Change;
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
 *
 * <p>Every read names a view and one of its versions; the rows and indexes read are that
 * version's table ({@link io.streamgate.contract.Names#table}), the rows returned name the view.
 * Which version serves a view is the catalog's to say, not the store's.
 */
public interface ViewStore {

  /**
   * One row ({@link io.streamgate.contract.Row}), its tombstone if it was deleted and the
   * delete is still remembered ({@link io.streamgate.contract.Tombstone}), or null if the view
   * version has no row under that key. One round trip.
   */
  Future<Change> get(String view, long version, String key);

  /** Several rows of one view version in one pipelined round trip; order of {@code keys} is kept. */
  Future<RowBatch> getAll(String view, long version, List<String> keys);

  /**
   * Up to {@code count} keys of the view's paging index in key order (Redis lexicographic order,
   * by bytes), starting after {@code afterKey} (exclusive), or from the first key if it is null.
   * One round trip.
   */
  Future<List<String>> keysAfter(String view, long version, String afterKey, int count);

  /**
   * Rows of a view version whose value has every indexed text of {@code where} (column → text,
   * {@link io.streamgate.contract.Indexes#text}; each column one of the entry's {@code indexes}),
   * in key order after {@code afterKey} (exclusive; null from the first), at most {@code limit}.
   * With {@code keyPrefix} (a tenant's {@code <tenant>:}), only keys starting with it, and
   * {@code afterKey} must start with it too. The value indexes are intersected in Redis
   * ({@link io.streamgate.contract.Scripts#FILTER_KEYS}); each row read is then re-checked
   * against {@code where} and dropped if it no longer matches (the index may lag the row on a
   * Redis Cluster), as are keys whose row is gone. Two round trips.
   */
  Future<FilterPage> filter(String view, long version, Map<String, String> where,
      String afterKey, String keyPrefix, int limit);

  /** The keys of the {@code n} highest-ranked rows of a ranked view version, highest first. */
  Future<List<String>> topKeys(String view, long version, int n);

  /** Every catalog entry, view name → entry JSON, unparsed (the catalog decides what is valid). */
  Future<Map<String, String>> catalogEntries();

  /** Succeeds if the store answers a PING within the timeout. */
  Future<Void> ping();
}
