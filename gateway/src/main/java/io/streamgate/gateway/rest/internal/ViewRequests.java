package io.streamgate.gateway.rest.internal;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Row;
import io.streamgate.contract.control.Freshness;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.cache.Read;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.freshness.Staleness;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.ETags;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.RequestPath;
import io.streamgate.gateway.rest.Rest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The check and response pieces every view endpoint shares. Whether the caller may read is
 * {@link Access}'s answer, in its order: view name (400), scope (403, before existence, so scopes
 * do not reveal which views exist), catalog (503, 404), then keys (400) and tenant (403).
 * Then {@link #read}: view version, freshness, projection. Stateless apart from the catalog and
 * the freshness mirror; runs on the request's event loop.
 */
final class ViewRequests {
  static final String JSON = "application/json";
  /** Retry-After of a {@code stale-view} answer: at least 1 s, at most a minute. */
  static final long MAX_STALE_RETRY_SECONDS = 60;

  private final Catalog catalog;
  private final ViewFreshness freshness;

  ViewRequests(Catalog catalog, ViewFreshness freshness) {
    this.catalog = catalog;
    this.freshness = freshness;
  }

  /**
   * The catalog entry of the request's {@code :view}, once the caller may read {@code keys} of
   * it ({@code null}: the view itself).
   */
  CatalogEntry readable(RoutingContext ctx, List<String> keys) {
    String view = RequestPath.of(ctx).view();
    Access.Refusal refusal = Access.read(BearerAuthHandler.principal(ctx), catalog, view, keys);
    if (refusal != null) {
      throw HttpProblem.refused(refusal);
    }
    // A catalog refresh may drop the view between the check and here.
    return catalog.find(view).orElseThrow(() -> HttpProblem.refused(Access.unknownView(view)));
  }

  /**
   * Settles a read of {@code entry}'s rows, in this order: the view version ({@link #version}),
   * {@code ?fields=} and {@code ?max_staleness=} (400 if malformed), then the version's
   * freshness: {@link ViewFreshness#WATERMARK_HEADER} and {@link ViewFreshness#LAG_HEADER} on
   * the response (so on every answer from here on, 304s and 404s of a row included), and 503
   * {@code stale-view} if it lags more than {@code max_staleness} (or its lag is unknown).
   */
  ViewRead read(RoutingContext ctx, CatalogEntry entry) {
    long version = version(ctx, entry);
    Projection projection = Projection.of(ctx, entry);
    long maxStaleness = maxStaleness(ctx);
    Freshness now = freshness.of(entry.name(), version);
    putFreshness(ctx.response(), now);
    if (maxStaleness >= 0 && Staleness.exceeds(now, maxStaleness)) {
      throw stale(entry.name(), version, now, maxStaleness);
    }
    return new ViewRead(version, now, projection);
  }

  /** The freshness headers, each only when known. */
  static void putFreshness(HttpServerResponse response, Freshness freshness) {
    String watermark = ViewFreshness.rfc3339(freshness);
    if (watermark != null) {
      response.putHeader(ViewFreshness.WATERMARK_HEADER, watermark);
    }
    if (freshness.known()) {
      response.putHeader(ViewFreshness.LAG_HEADER, Long.toString(freshness.lagMs()));
    }
  }

  /** {@code ?max_staleness=} in ms, or -1 without one. */
  private static long maxStaleness(RoutingContext ctx) {
    List<String> values = ctx.queryParam(Staleness.PARAM);
    if (values.isEmpty()) {
      return -1;
    }
    if (values.size() > 1) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "query parameter '" + Staleness.PARAM
          + "' is given " + values.size() + " times; give it once");
    }
    try {
      return Staleness.parseMillis(values.get(0));
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "query parameter " + e.getMessage());
    }
  }

  private static HttpProblem stale(String view, long version, Freshness freshness,
      long maxStaleness) {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("view", view);
    members.put("version", version);
    members.put("lagMs", freshness.known() ? freshness.lagMs() : null);
    members.put("watermark", ViewFreshness.rfc3339(freshness));
    members.put("maxStalenessMs", maxStaleness);
    long retry = freshness.known()
        ? Math.min(MAX_STALE_RETRY_SECONDS, Math.max(1, (freshness.lagMs() - maxStaleness + 999)
            / 1000))
        : 1;
    String detail = freshness.known()
        ? "view '" + view + "' (version " + version + ") lags " + freshness.lagMs()
            + " ms behind its sources, more than max_staleness " + maxStaleness + " ms"
        : "view '" + view + "' (version " + version + ") has no known lag (the processor has"
            + " not reported it), so max_staleness " + maxStaleness + " ms cannot be met";
    return new HttpProblem(ProblemType.STALE_VIEW, detail,
        Map.of(HttpHeaders.RETRY_AFTER.toString(), Long.toString(retry)), members);
  }

  /**
   * The view version to read: {@code ?version=N} if the view can be read at N now (400 if it is
   * no version number, 404 naming the readable versions if not readable), else the serving one.
   * Sets {@link Rest#VIEW_VERSION_HEADER}, so every answer from here on (304s and problems
   * about the row included) says which version answered.
   */
  private static long version(RoutingContext ctx, CatalogEntry entry) {
    List<String> values = ctx.queryParam(Rest.VERSION_PARAM);
    long version = entry.version();
    if (!values.isEmpty()) {
      String value = values.get(0).trim();
      try {
        version = values.size() == 1 ? Long.parseLong(value) : 0;
      } catch (NumberFormatException e) {
        version = 0;
      }
      if (version < 1) {
        throw new HttpProblem(ProblemType.BAD_REQUEST, "query parameter 'version' must be given"
            + " once, as a view version (an integer >= 1), but was '" + abbreviate(value) + "'");
      }
      if (!entry.readable(version)) {
        List<Long> readable = new ArrayList<>();
        readable.add(entry.version());
        readable.addAll(entry.otherVersions());
        throw new HttpProblem(ProblemType.NOT_FOUND, "view '" + entry.name()
            + "' cannot be read at version " + version + "; readable now: " + readable
            + " (version " + entry.version() + " serves the view)", Map.of(),
            Map.of("readableVersions", readable));
      }
    }
    ctx.response().putHeader(Rest.VIEW_VERSION_HEADER, Long.toString(version));
    return version;
  }

  /**
   * The entity tag of a row of view version {@code viewVersion}: {@code "<row version>"} for
   * version 1 (as before versions existed), {@code "<view version>.<row version>"} after, so a
   * tag of one version never matches a row of another (their row versions are unrelated).
   */
  static String etag(long viewVersion, long rowVersion) {
    return viewVersion == 1 ? "\"" + rowVersion + "\""
        : "\"" + viewVersion + "." + rowVersion + "\"";
  }

  /**
   * An optional integer query parameter within {@code 1..max}.
   */
  static int intParam(RoutingContext ctx, String name, int defaultValue, int max) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return defaultValue;
    }
    if (values.size() > 1) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "query parameter '" + name
          + "' is given " + values.size() + " times; give it once");
    }
    String value = values.get(0);
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HttpProblem(ProblemType.BAD_REQUEST, "query parameter '" + name
        + "' must be an integer from 1 to " + max + ", but was '" + abbreviate(value) + "'");
  }

  /** A stale answer says so, and how old it is (RFC 9111 §5.1 {@code Age}, in seconds). */
  static void markStale(RoutingContext ctx, Read<?> read) {
    if (read.stale()) {
      ctx.response().putHeader(HttpHeaders.AGE, Long.toString(read.ageSeconds()))
          .putHeader(ETags.STALE_HEADER, "true");
    }
  }

  /** Rows as a JSON array of their contract JSON forms (values never re-encoded). */
  static void appendRows(StringBuilder out, List<Row> rows) {
    out.append('[');
    for (int i = 0; i < rows.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(rows.get(i).toJson());
    }
    out.append(']');
  }

  static StringBuilder bodyStart(String view, int rows) {
    StringBuilder out = new StringBuilder(64 + rows * 128);
    out.append("{\"view\":");
    Json.appendString(out, view);
    return out;
  }

  static void send(RoutingContext ctx, String json) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(json);
  }

  /** {@link #send(RoutingContext, String)} for JSON already encoded (a cached row's). */
  static void send(RoutingContext ctx, Buffer json) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(json);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
