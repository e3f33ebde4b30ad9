package io.streamgate.gateway.admin.internal;

import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.Map;

/**
 * Reads the processor's view and source definitions, view status and the catalog straight from
 * Redis (through the store's breaker), for the admin list, describe and sources. Nothing is
 * cached: admin reads are rare and must show what is there now. Thread-safe.
 */
public final class Definitions {
  private final RedisStore store;
  private final Keyspace keyspace;

  public Definitions(RedisStore store, Keyspace keyspace) {
    this.store = store;
    this.keyspace = keyspace;
  }

  /** {@code {"views":[…]}}; three HGETALLs in parallel. */
  Future<Map<String, Object>> list() {
    Future<Map<String, String>> definitions = store.hashEntries(keyspace.viewDefinitions());
    Future<Map<String, String>> statuses = store.hashEntries(keyspace.viewStatus());
    Future<Map<String, String>> catalog = store.hashEntries(keyspace.catalog());
    return Future.all(definitions, statuses, catalog).map(all -> ViewListing.list(
        definitions.result(), statuses.result(), catalog.result()));
  }

  /** The view's description, or null if Redis knows nothing of it. */
  Future<Map<String, Object>> describe(String view) {
    Future<String> definition = field(keyspace.viewDefinitions(), view);
    Future<String> status = field(keyspace.viewStatus(), view);
    Future<String> entry = field(keyspace.catalog(), view);
    return Future.all(definition, status, entry).map(all -> ViewListing.describe(view,
        definition.result(), status.result(), entry.result()));
  }

  /**
   * {@code {"sources":[{"name","definition"}…]}} by name: the published sources
   * ({@code Keyspace.sourceDefinitions()}) in the pipeline file's format, as the processor wrote
   * them (the page shows their schema's columns next to the SQL).
   */
  Future<Map<String, Object>> sources() {
    return store.hashEntries(keyspace.sourceDefinitions()).map(ViewListing::sources);
  }


  private Future<String> field(String key, String field) {
    return store.send(Request.cmd(Command.HGET).arg(key).arg(field))
        .map(r -> r == null ? null : r.toString());
  }
}
