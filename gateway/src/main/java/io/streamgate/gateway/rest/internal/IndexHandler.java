package io.streamgate.gateway.rest.internal;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Names;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.cache.Read;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.UsageHandler;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The index endpoints of API v1: pages over a view's key index and the top-N of a ranked view.
 * Each is two round trips: the index (one ZRANGE), then the rows in one pipelined batch through
 * the near cache. Keys whose row is gone (a TTL expired it before the index was cleaned, or a
 * delete raced the read: its tombstone is no row) are skipped. Both read the serving version's
 * table, or {@code ?version=}'s. Stateless; runs on the request's event loop.
 */
final class IndexHandler {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
  public static final int DEFAULT_TOP = 10;
  public static final int MAX_TOP = 100;

  private final ViewRequests requests;
  private final ViewStore store;
  private final NearCache rows;

  IndexHandler(ViewRequests requests, ViewStore store, NearCache rows) {
    this.requests = requests;
    this.store = store;
    this.rows = rows;
  }

  /**
   * {@code GET /v1/views/{view}?limit=&cursor=}: up to {@code limit} rows in key order after the
   * cursor, and the cursor of the next page ({@code null} on the last).
   */
  public void page(RoutingContext ctx) {
    CatalogEntry entry = requests.readable(ctx, null);
    String view = entry.name();
    int limit = ViewRequests.intParam(ctx, "limit", DEFAULT_LIMIT, MAX_LIMIT);
    String after = cursor(ctx);
    ViewRead read = requests.read(ctx, entry);
    long version = read.version();
    String[] next = {null};
    store.keysAfter(view, version, after, limit + 1).compose(keys -> {
      List<String> page = keys.size() > limit ? keys.subList(0, limit) : keys;
      if (keys.size() > limit) {
        next[0] = encodeCursor(page.get(page.size() - 1));
      }
      return rowsOf(view, version, page);
    }).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ViewRequests.markStale(ctx, ar.result());
      UsageHandler.rows(ctx, ar.result().value().found().size());
      StringBuilder out = ViewRequests.bodyStart(view, ar.result().value().found().size());
      out.append(",\"rows\":");
      ViewRequests.appendRows(out, read.rows(ar.result().value().found()));
      out.append(",\"next\":");
      if (next[0] == null) {
        out.append("null");
      } else {
        Json.appendString(out, next[0]);
      }
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      ViewRequests.send(ctx, out.append('}').toString());
    });
  }

  /** {@code GET /v1/views/{view}/top?n=}: the n highest-ranked rows, highest first. */
  public void top(RoutingContext ctx) {
    CatalogEntry entry = requests.readable(ctx, null);
    if (!entry.ranked()) {
      throw new HttpProblem(ProblemType.NOT_FOUND, "view '" + entry.name() + "' has no rank"
          + " column, so it has no top-N (see \"rank\" in GET /v1/views); a row with key 'top'"
          + " is read with ?keys=top");
    }
    int n = ViewRequests.intParam(ctx, "n", DEFAULT_TOP, MAX_TOP);
    ViewRead read = requests.read(ctx, entry);
    long version = read.version();
    String view = entry.name();
    store.topKeys(view, version, n).compose(keys -> rowsOf(view, version, keys)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ViewRequests.markStale(ctx, ar.result());
      UsageHandler.rows(ctx, ar.result().value().found().size());
      StringBuilder out = ViewRequests.bodyStart(entry.name(), ar.result().value().found().size());
      out.append(",\"rank\":");
      Json.appendString(out, entry.rankColumn());
      out.append(",\"rows\":");
      ViewRequests.appendRows(out, read.rows(ar.result().value().found()));
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      ViewRequests.send(ctx, out.append('}').toString());
    });
  }

  /** The rows of the index keys, in index order; rows that are gone are left out. */
  private Future<Read<RowBatch>> rowsOf(String view, long version, List<String> indexKeys) {
    List<String> keys = new ArrayList<>(indexKeys.size());
    for (String key : indexKeys) {
      if (Names.keyProblem(key) == null) { // the processor never indexes anything else
        keys.add(key);
      }
    }
    if (keys.isEmpty()) {
      return Future.succeededFuture(Read.fresh(new RowBatch(List.of(), List.of())));
    }
    return rows.getAll(view, version, keys);
  }

  /** The key after which the page starts, or null for the first page. */
  static String cursor(RoutingContext ctx) {
    List<String> values = ctx.queryParam("cursor");
    if (values.isEmpty()) {
      return null;
    }
    String invalid = "query parameter 'cursor' is not a cursor this API issued; take \"next\""
        + " from the previous page, or start without one";
    if (values.size() > 1) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, invalid);
    }
    try {
      String key = new String(Base64.getUrlDecoder().decode(values.get(0)), StandardCharsets.UTF_8);
      if (Names.keyProblem(key) == null) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new HttpProblem(ProblemType.BAD_REQUEST, invalid);
  }

  /** Opaque to clients: base64url of the last key of the page, no padding. */
  static String encodeCursor(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
  }
}
