package io.streamgate.gateway.http;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Names;
import io.streamgate.contract.Row;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The read endpoints of API v1. Each request is checked in the same order: view name (400),
 * scope (403, before existence, so scopes do not reveal which views exist), catalog (404),
 * key (400), then one store call. Row JSON goes out exactly as the contract builds it; the value
 * is never re-encoded. Stateless; runs on the request's event loop.
 */
public final class ViewsHandler {
  /** Most keys one multi-get may ask for (one pipelined batch). */
  public static final int MAX_KEYS = 100;
  static final String JSON = "application/json";

  private final Catalog catalog;
  private final ViewStore store;

  public ViewsHandler(Catalog catalog, ViewStore store) {
    this.catalog = catalog;
    this.store = store;
  }

  /** {@code GET /v1/views}: the views the caller may read. */
  public void list(RoutingContext ctx) {
    Principal principal = BearerAuthHandler.principal(ctx);
    if (!principal.canReadSomeView()) {
      throw new HttpProblem(ProblemType.FORBIDDEN, "the token has no view scope ("
          + Principal.READ_ALL_VIEWS + " or views:<view>:read)");
    }
    requireCatalog();
    List<Object> views = new ArrayList<>();
    for (CatalogEntry entry : catalog.views()) {
      if (principal.canRead(entry.name())) {
        views.add(describe(entry));
      }
    }
    send(ctx, Json.write(Map.of("views", views)));
  }

  /** {@code GET /v1/views/{view}/{key}}: one row, with ETag and 304. */
  public void row(RoutingContext ctx) {
    String view = readableView(ctx);
    String key = ctx.pathParam("key");
    requireKey(key);
    store.get(view, key).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Row row = ar.result();
      if (row == null) {
        ctx.fail(new HttpProblem(ProblemType.NOT_FOUND,
            "view '" + view + "' has no row with key '" + key + "'"));
        return;
      }
      String etag = "\"" + row.version() + "\"";
      HttpServerResponse response = ctx.response()
          .putHeader(HttpHeaders.ETAG, etag)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      if (ETags.matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
        response.setStatusCode(304).end();
      } else {
        send(ctx, row.toJson());
      }
    });
  }

  /** {@code GET /v1/views/{view}?keys=a,b,c}: found rows plus the keys that have none. */
  public void many(RoutingContext ctx) {
    String view = readableView(ctx);
    List<String> keys = keys(ctx);
    store.getAll(view, keys).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      send(ctx, manyBody(view, ar.result()));
    });
  }

  private String readableView(RoutingContext ctx) {
    String view = ctx.pathParam("view");
    String problem = Names.viewNameProblem(view);
    if (problem != null) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, problem);
    }
    if (!BearerAuthHandler.principal(ctx).canRead(view)) {
      throw new HttpProblem(ProblemType.FORBIDDEN, "reading view '" + view + "' needs scope "
          + Principal.READ_ALL_VIEWS + " or " + Principal.readScope(view));
    }
    requireCatalog();
    if (catalog.find(view).isEmpty()) {
      throw new HttpProblem(ProblemType.NOT_FOUND, "no view named '" + view + "'; see GET /v1/views");
    }
    return view;
  }

  private void requireCatalog() {
    if (!catalog.loaded()) {
      throw new HttpProblem(ProblemType.STORE_UNAVAILABLE,
          "the view catalog has not been read from the store yet; retry shortly",
          Map.of(HttpHeaders.RETRY_AFTER.toString(), ProblemHandler.RETRY_AFTER_SECONDS));
    }
  }

  private static List<String> keys(RoutingContext ctx) {
    List<String> params = ctx.queryParam("keys");
    if (params.isEmpty()) {
      throw new HttpProblem(ProblemType.BAD_REQUEST,
          "query parameter 'keys' is required, e.g. ?keys=a,b,c (paging is not available yet)");
    }
    Set<String> keys = new LinkedHashSet<>();
    for (String param : params) {
      for (String key : param.split(",", -1)) {
        requireKey(key);
        keys.add(key);
      }
    }
    if (keys.size() > MAX_KEYS) {
      throw new HttpProblem(ProblemType.BAD_REQUEST,
          "at most " + MAX_KEYS + " keys per request, but got " + keys.size());
    }
    return List.copyOf(keys);
  }

  private static void requireKey(String key) {
    String problem = Names.keyProblem(key);
    if (problem != null) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, problem);
    }
  }

  private static String manyBody(String view, RowBatch batch) {
    StringBuilder out = new StringBuilder(64 + batch.found().size() * 128);
    out.append("{\"view\":");
    Json.appendString(out, view);
    out.append(",\"rows\":[");
    for (int i = 0; i < batch.found().size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(batch.found().get(i).toJson());
    }
    out.append("],\"missing\":").append(Json.write(batch.missing()));
    return out.append('}').toString();
  }

  private static Map<String, Object> describe(CatalogEntry entry) {
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
    return out;
  }

  private static void send(RoutingContext ctx, String json) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(json);
  }
}
