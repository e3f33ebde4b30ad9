package io.streamgate.gateway.rest;

import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.http.ETags;
import io.streamgate.gateway.rest.internal.ViewEndpoints;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.ext.web.RoutingContext;

/**
 * The REST view endpoints of API v1: the view list, point reads, multi-gets, pages over a view's
 * keys, filters on its declared indexes and the top-N of a ranked view, read through the near
 * cache (filters: from the store, each row re-checked). Every check that decides
 * whether the caller may read is {@link io.streamgate.gateway.auth.Access}'s; its refusals become
 * problems ({@link io.streamgate.gateway.http.HttpProblem#refused}). The handlers run behind the
 * bearer-token stage, on the request's event loop, and never block it. Thread-safe.
 *
 * <p>Reads go to the view version that serves the view's name (the catalog entry's
 * {@code version}), or to {@code ?version=N} while N is readable; every view response says
 * which in {@value #VIEW_VERSION_HEADER}, and how fresh that version is in
 * {@value ViewFreshness#WATERMARK_HEADER} and {@value ViewFreshness#LAG_HEADER}. Every read
 * takes {@code ?fields=} (the value's columns to return) and {@code ?max_staleness=} (503
 * {@code stale-view} when the version lags more).
 */
public interface Rest {
  /** Most keys one multi-get may ask for (one pipelined batch). */
  int MAX_KEYS = 100;
  /** On every view response: the view version that answered (issue 15). */
  String VIEW_VERSION_HEADER = ETags.VIEW_VERSION_HEADER;
  /** Query parameter reading a view version other than the serving one, while it is readable. */
  String VERSION_PARAM = "version";

  /** {@code GET /v1/views}: the views the caller may read. */
  void views(RoutingContext ctx);

  /** {@code GET /v1/views/{view}/{key}}: one row, with ETag and 304. */
  void row(RoutingContext ctx);

  /**
   * {@code GET /v1/views/{view}}: a multi-get ({@code ?keys=}), a filter on indexed columns
   * ({@code ?column=value&limit=&cursor=}) or a page ({@code ?limit=&cursor=}).
   */
  void view(RoutingContext ctx);

  /** {@code GET /v1/views/{view}/top?n=}: the n highest-ranked rows. */
  void top(RoutingContext ctx);

  /**
   * @param store the breaker-guarded store (key indexes)
   * @param rows  row reads through the near cache
   * @param freshness each view version's watermark and lag (headers, {@code max_staleness})
   */
  static Rest create(Catalog catalog, ViewStore store, NearCache rows,
      ViewFreshness freshness) {
    return new ViewEndpoints(catalog, store, rows, freshness);
  }
}
