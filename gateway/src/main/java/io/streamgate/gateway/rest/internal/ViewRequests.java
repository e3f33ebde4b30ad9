package io.streamgate.gateway.rest.internal;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Row;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.cache.Read;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.ETags;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.RequestPath;
import io.streamgate.gateway.rest.Rest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The check and response pieces every view endpoint shares. Whether the caller may read is
 * {@link Access}'s answer, in its order: view name (400), scope (403, before existence, so scopes
 * do not reveal which views exist), catalog (503, 404), then keys (400) and tenant (403).
 * Stateless apart from the catalog; runs on the request's event loop.
 */
final class ViewRequests {
  static final String JSON = "application/json";

  private final Catalog catalog;

  ViewRequests(Catalog catalog) {
    this.catalog = catalog;
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
   * The view version to read: {@code ?version=N} if the view can be read at N now (400 if it is
   * no version number, 404 naming the readable versions if not readable), else the serving one.
   * Sets {@link Rest#VIEW_VERSION_HEADER}, so every answer from here on (304s and problems
   * about the row included) says which version answered.
   */
  static long version(RoutingContext ctx, CatalogEntry entry) {
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
