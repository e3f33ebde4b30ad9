package io.streamgate.gateway.rest.internal;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.control.Freshness;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.cache.RowJson;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.ETags;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.RequestPath;
import io.streamgate.gateway.http.UsageHandler;
import io.streamgate.gateway.rest.Rest;
import io.streamgate.gateway.store.RowBatch;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The row endpoints of API v1: the view list, point reads and multi-gets, through the near cache.
 * Checks run in {@link ViewRequests}' order, then one read. Row JSON goes out exactly as the
 * contract builds it; the value is never re-encoded. Stateless; runs on the request's event loop.
 */
final class ViewsHandler {
  private static final int MAX_KEYS = Rest.MAX_KEYS;

  private final Catalog catalog;
  private final ViewRequests requests;
  private final NearCache rows;
  private final ViewFreshness freshness;

  ViewsHandler(Catalog catalog, ViewRequests requests, NearCache rows,
      ViewFreshness freshness) {
    this.catalog = catalog;
    this.requests = requests;
    this.rows = rows;
    this.freshness = freshness;
  }

  /** {@code GET /v1/views}: the views the caller may read. */
  public void list(RoutingContext ctx) {
    Principal principal = BearerAuthHandler.principal(ctx);
    Access.Refusal refusal = Access.listViews(principal, catalog);
    if (refusal != null) {
      throw HttpProblem.refused(refusal);
    }
    List<Object> views = new ArrayList<>();
    for (CatalogEntry entry : catalog.views()) {
      if (principal.canRead(entry.name())) {
        views.add(describe(entry, freshness.of(entry.name(), entry.version())));
      }
    }
    ViewRequests.send(ctx, Json.write(Map.of("views", views)));
  }

  /**
   * {@code GET /v1/views/{view}/{key}}: one row, with ETag and 304; a deleted row whose
   * tombstone is kept is a 404 {@code row-deleted} naming the delete's version.
   */
  public void row(RoutingContext ctx) {
    String key = RequestPath.of(ctx).key();
    CatalogEntry entry = requests.readable(ctx, List.of(key));
    String view = entry.name();
    ViewRead read = requests.read(ctx, entry);
    long version = read.version();
    rows.get(view, version, key).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      RowJson served = ar.result().value();
      if (served == null) {
        ctx.fail(new HttpProblem(ProblemType.NOT_FOUND,
            "view '" + view + "' has no row with key '" + key + "'"));
        return;
      }
      ViewRequests.markStale(ctx, ar.result());
      if (served.row() == null) {
        ctx.fail(deleted(view, served.tombstone()));
        return;
      }
      Row projected = read.projection().all() ? null : read.projection().apply(served.row());
      String etag = projected == null ? ViewRequests.etag(version, served.row().version())
          : Projection.etag(version, projected.valueJson());
      HttpServerResponse response = ctx.response()
          .putHeader(HttpHeaders.ETAG, etag)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      if (ETags.matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
        response.setStatusCode(304).end();
        return;
      }
      UsageHandler.rows(ctx, 1);
      if (projected == null) {
        ViewRequests.send(ctx, served.json());
      } else {
        ViewRequests.send(ctx, projected.toJson());
      }
    });
  }

  private static HttpProblem deleted(String view, Tombstone tombstone) {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("key", tombstone.key());
    members.put("version", tombstone.version());
    members.put("deletedAt", tombstone.deletedAt());
    return new HttpProblem(ProblemType.ROW_DELETED, "view '" + view + "' has no row with key '"
        + tombstone.key() + "': it was deleted at version " + tombstone.version(), Map.of(),
        members);
  }

  /**
   * {@code GET /v1/views/{view}?keys=a,b,c}: found rows plus the keys that have none; those
   * deleted recently are also listed, with their delete, under {@code deleted}.
   */
  public void many(RoutingContext ctx) {
    List<String> keys = keys(ctx);
    CatalogEntry entry = requests.readable(ctx, keys);
    String view = entry.name();
    if (keys.size() > MAX_KEYS) {
      throw new HttpProblem(ProblemType.BAD_REQUEST,
          "at most " + MAX_KEYS + " keys per request, but got " + keys.size());
    }
    ViewRead read = requests.read(ctx, entry);
    rows.getAll(view, read.version(), keys).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ViewRequests.markStale(ctx, ar.result());
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      UsageHandler.rows(ctx, ar.result().value().found().size());
      ViewRequests.send(ctx, manyBody(view, read, ar.result().value()));
    });
  }

  /**
   * Paging and top-N span every tenant's keys, so a tenant-bound token gets 403 there; it reads
   * its rows by point read or multi-get.
   */
  public static void requireNoTenant(RoutingContext ctx, String endpoint) {
    Principal principal = BearerAuthHandler.principal(ctx);
    if (principal.tenantBound()) {
      throw new HttpProblem(ProblemType.FORBIDDEN, endpoint + " is not available to a token"
          + " limited to tenant '" + principal.tenant() + "'; read its keys with"
          + " GET /v1/views/{view}/{key} or ?keys=");
    }
  }

  /** The {@code ?keys=} list, duplicates removed; {@link Access#read} checks each key. */
  private static List<String> keys(RoutingContext ctx) {
    Set<String> keys = new LinkedHashSet<>();
    for (String param : ctx.queryParam("keys")) {
      keys.addAll(Arrays.asList(param.split(",", -1)));
    }
    return List.copyOf(keys);
  }

  private static String manyBody(String view, ViewRead read, RowBatch batch) {
    StringBuilder out = ViewRequests.bodyStart(view, batch.found().size());
    out.append(",\"rows\":");
    ViewRequests.appendRows(out, read.rows(batch.found()));
    out.append(",\"missing\":").append(Json.write(batch.missing()));
    List<Object> deleted = new ArrayList<>(batch.deleted().size());
    for (Tombstone tombstone : batch.deleted()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("key", tombstone.key());
      d.put("version", tombstone.version());
      d.put("deletedAt", tombstone.deletedAt());
      deleted.add(d);
    }
    out.append(",\"deleted\":").append(Json.write(deleted));
    return out.append('}').toString();
  }

  /** The catalog entry, and how fresh its serving version is (null members when unknown). */
  private static Map<String, Object> describe(CatalogEntry entry, Freshness freshness) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", entry.name());
    out.put("description", entry.description());
    out.put("key", entry.keyColumn());
    out.put("kind", entry.kind().wireName());
    List<Object> columns = new ArrayList<>();
    for (CatalogEntry.Column column : entry.columns()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", column.name());
      c.put("type", column.type());
      columns.add(c);
    }
    out.put("columns", columns);
    out.put("rank", entry.rankColumn());
    out.put("ttlSeconds", entry.ttlSeconds());
    out.put("version", entry.version());
    out.put("otherVersions", entry.otherVersions());
    out.put("indexes", entry.indexes());
    out.put("watermark", ViewFreshness.rfc3339(freshness));
    out.put("lagMs", freshness.known() ? freshness.lagMs() : null);
    return out;
  }
}
