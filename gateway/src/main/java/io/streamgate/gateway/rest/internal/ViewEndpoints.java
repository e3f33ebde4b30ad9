package io.streamgate.gateway.rest.internal;

import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.rest.Rest;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.ext.web.RoutingContext;

/**
 * {@link Rest} over {@link ViewsHandler} (rows), {@link IndexHandler} (key indexes) and
 * {@link FilterHandler} (value indexes).
 */
public final class ViewEndpoints implements Rest {
  private final ViewsHandler views;
  private final IndexHandler index;
  private final FilterHandler filter;

  public ViewEndpoints(Catalog catalog, ViewStore store, NearCache rows,
      ViewFreshness freshness) {
    ViewRequests requests = new ViewRequests(catalog, freshness);
    this.views = new ViewsHandler(catalog, requests, rows, freshness);
    this.index = new IndexHandler(requests, store, rows);
    this.filter = new FilterHandler(requests, store);
  }

  @Override
  public void views(RoutingContext ctx) {
    views.list(ctx);
  }

  @Override
  public void row(RoutingContext ctx) {
    views.row(ctx);
  }

  @Override
  public void view(RoutingContext ctx) {
    if (ctx.queryParams().contains("keys")) {
      if (ctx.queryParams().contains("limit") || ctx.queryParams().contains("cursor")
          || FilterHandler.isFilter(ctx)) {
        throw new HttpProblem(ProblemType.BAD_REQUEST, "use either keys (multi-get) or"
            + " limit/cursor (paging, with or without column filters), not both");
      }
      views.many(ctx);
    } else if (FilterHandler.isFilter(ctx)) {
      filter.filter(ctx);
    } else {
      ViewsHandler.requireNoTenant(ctx, "paging");
      index.page(ctx);
    }
  }

  @Override
  public void top(RoutingContext ctx) {
    ViewsHandler.requireNoTenant(ctx, "top-N");
    index.top(ctx);
  }
}
