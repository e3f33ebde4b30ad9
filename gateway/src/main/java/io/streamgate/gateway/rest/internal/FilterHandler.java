package io.streamgate.gateway.rest.internal;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Indexes;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.UsageHandler;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/views/{view}?{column}={value}&limit=&cursor=}: rows whose indexed columns have
 * the given values, paged in key order like {@link IndexHandler#page}. Every query parameter
 * that is not one of {@link #NOT_FILTERS} is a condition; conditions intersect. A column that is
 * not indexed is a 400 naming the indexed ones ({@link Indexes#where}). A tenant-bound caller
 * reads only its tenant's keys (the same rule as for its point reads, {@link
 * Principal#canReadKey}), found by key range, so other tenants' rows are never read. The store
 * re-checks every row against the filter ({@link ViewStore#filter}). Stateless; runs on the
 * request's event loop.
 */
final class FilterHandler {
  /**
   * Query parameters of a view read that are not filter conditions. Columns of these names
   * cannot be filtered on by REST.
   */
  static final Set<String> NOT_FILTERS = Set.of("keys", "limit", "cursor", "version", "fields",
      "max_staleness", "access_token");

  private final ViewRequests requests;
  private final ViewStore store;

  FilterHandler(ViewRequests requests, ViewStore store) {
    this.requests = requests;
    this.store = store;
  }

  /** Whether the request has a filter condition, so it is a filter rather than a page. */
  static boolean isFilter(RoutingContext ctx) {
    for (String name : ctx.queryParams().names()) {
      if (!NOT_FILTERS.contains(name)) {
        return true;
      }
    }
    return false;
  }

  void filter(RoutingContext ctx) {
    CatalogEntry entry = requests.readable(ctx, null);
    Map<String, String> where = where(ctx, entry);
    int limit = ViewRequests.intParam(ctx, "limit", IndexHandler.DEFAULT_LIMIT,
        IndexHandler.MAX_LIMIT);
    Principal principal = BearerAuthHandler.principal(ctx);
    String prefix = principal.tenantBound()
        ? principal.tenant() + Principal.TENANT_SEPARATOR : null;
    String after = IndexHandler.cursor(ctx);
    if (after != null && prefix != null && !after.startsWith(prefix)) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "query parameter 'cursor' is not a cursor"
          + " this API issued to a token of tenant '" + principal.tenant() + "'");
    }
    ViewRead read = requests.read(ctx, entry);
    String view = entry.name();
    store.filter(view, read.version(), where, after, prefix, limit).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      UsageHandler.rows(ctx, ar.result().rows().size());
      StringBuilder out = ViewRequests.bodyStart(view, ar.result().rows().size());
      out.append(",\"where\":").append(Json.write(where));
      out.append(",\"rows\":");
      ViewRequests.appendRows(out, read.rows(ar.result().rows()));
      out.append(",\"next\":");
      String next = ar.result().next();
      if (next == null) {
        out.append("null");
      } else {
        Json.appendString(out, IndexHandler.encodeCursor(next));
      }
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      ViewRequests.send(ctx, out.append('}').toString());
    });
  }

  /** The request's conditions as indexed texts; 400 if one is repeated, unindexed or ill-typed. */
  private static Map<String, String> where(RoutingContext ctx, CatalogEntry entry) {
    Map<String, String> given = new LinkedHashMap<>();
    for (String name : ctx.queryParams().names()) {
      if (NOT_FILTERS.contains(name)) {
        continue;
      }
      List<String> values = ctx.queryParam(name);
      if (values.size() > 1) {
        throw new HttpProblem(ProblemType.BAD_REQUEST, "filter column '" + name + "' is given "
            + values.size() + " times; give each column once (conditions on several columns"
            + " intersect)");
      }
      given.put(name, values.get(0));
    }
    try {
      return Indexes.where(entry, given);
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, e.getMessage(), Map.of(),
          Map.of("indexes", entry.indexes()));
    }
  }
}
