package io.streamgate.gateway.http;

import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.CorsConfig;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.gateway.ingest.EventIngest;
import io.streamgate.gateway.limit.RateLimiter;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.push.Dashboard;
import io.streamgate.gateway.push.Push;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import io.vertx.ext.web.Router;

/**
 * Builds the gateway's router: the one place where the request chain is written down.
 *
 * <pre>
 *   metrics → request id → access log → CORS (if on) → [health, /metrics, /openapi.json: no token]
 *   GatewayMetrics RequestId  AccessLog   Cors           HealthHandler, OpenApiHandler
 *           [/, /dashboard.js: no token] [/v1/ws, …/events: ?access_token= → Authorization]
 *           → JWT → rate limit → route → …
 *             BearerAuth RateLimitHandler ViewsHandler, IndexHandler, ingest EventsHandler,
 *                                                 Push (WebSocket, SSE)
 *   (POST /v1/events/{stream} holds its body unread from before the JWT stage until its checks
 *   pass: EventIngest.holdBody)
 *   any failure → ProblemHandler (RFC 9457)
 * </pre>
 *
 * Below the route: near cache → breaker (bulkhead, timeout) → Redis ({@code NearCache} over
 * {@code GuardedViewStore}). Routers are cheap; each HTTP server instance builds its own.
 */
public final class GatewayRouter {

  /**
   * What the routes need. All thread-safe, shared by every server instance.
   *
   * @param store   the breaker-guarded store (catalog, health, indexes)
   * @param rows    row reads through the near cache (which reads through {@code store})
   * @param limiter null when rate limits are off ({@code limits.enabled: false})
   * @param cors    cross-origin reads ({@code http.cors}); no CORS stage when off
   * @param ingest  event ingest; null when {@code ingest.enabled} is false (the route says so)
   * @param push    WebSocket/SSE push; null when {@code push.enabled} is false (its routes
   *                answer 404)
   */
  public record Services(TokenVerifier verifier, Catalog catalog, ViewStore store,
      NearCache rows, RateLimiter limiter, GatewayMetrics metrics, boolean accessLog,
      CorsConfig cors, EventIngest ingest, Push push) {
    public Services {
      cors = cors == null ? CorsConfig.off() : cors;
    }

    /** No event ingest, no push. */
    public Services(TokenVerifier verifier, Catalog catalog, ViewStore store, NearCache rows,
        RateLimiter limiter, GatewayMetrics metrics, boolean accessLog, CorsConfig cors) {
      this(verifier, catalog, store, rows, limiter, metrics, accessLog, cors, null, null);
    }

    /** CORS off. */
    public Services(TokenVerifier verifier, Catalog catalog, ViewStore store, NearCache rows,
        RateLimiter limiter, GatewayMetrics metrics, boolean accessLog) {
      this(verifier, catalog, store, rows, limiter, metrics, accessLog, CorsConfig.off());
    }
  }

  static final String HEALTH_LIVE = "/health/live";
  static final String HEALTH_READY = "/health/ready";
  static final String METRICS = "/metrics";
  static final String OPENAPI = "/openapi.json";
  static final String VIEWS = "/v1/views";
  static final String VIEW = "/v1/views/{view}";
  static final String TOP = "/v1/views/{view}/top";
  static final String ROW = "/v1/views/{view}/{key}";
  static final String EVENTS = "/v1/events/{stream}";
  static final String ROW_EVENTS = "/v1/views/{view}/{key}/events";
  static final String WS = "/v1/ws";

  private GatewayRouter() {}

  /** The vertx-web path of a documented template: {@code {name}} becomes {@code :name}. */
  private static String path(String template) {
    return template.replaceAll("\\{([a-z]+)}", ":$1");
  }

  public static Router create(Vertx vertx, Services services) {
    Router router = Router.router(vertx);
    ProblemHandler problems = new ProblemHandler();

    router.route().handler(services.metrics().requestTimer());
    router.route().handler(new RequestIdHandler());
    if (services.accessLog()) {
      router.route().handler(new AccessLogHandler());
    }
    if (services.cors().enabled()) {
      // Before auth: browsers send preflights without a token; this stage answers them.
      router.route().handler(Cors.handler(services.cors()));
    }
    // Route templates for the metrics, named before auth so refused requests carry them too.
    // "top" before "{key}", like the handlers below.
    for (String template : List.of(HEALTH_LIVE, HEALTH_READY, METRICS, OPENAPI, VIEWS, VIEW, TOP,
        ROW, ROW_EVENTS, WS, Dashboard.PAGE, Dashboard.SCRIPT)) {
      router.get(path(template)).handler(GatewayMetrics.route(template));
    }
    router.post(path(EVENTS)).handler(GatewayMetrics.route(EVENTS))
        // Before the token check: the body must not flow (and be lost) while it is verified.
        .handler(EventIngest.holdBody(services.ingest() == null
            ? IngestConfig.DEFAULT_MAX_BODY_BYTES : services.ingest().config().maxBodyBytes()));

    HealthHandler health = new HealthHandler(services.store(), services.catalog());
    router.get(HEALTH_LIVE).handler(health::live);
    router.get(HEALTH_READY).handler(health::ready);
    router.get(METRICS).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, GatewayMetrics.CONTENT_TYPE)
        .end(services.metrics().scrape()));
    router.get(OPENAPI).handler(new OpenApiHandler());
    // The live dashboard's static files; the page brings its token in the URL fragment.
    router.get(Dashboard.PAGE).handler(Dashboard.page());
    router.get(Dashboard.SCRIPT).handler(Dashboard.script());
    // Browsers cannot set headers on a WebSocket or EventSource: ?access_token= instead.
    router.get(WS).handler(Push.accessTokenParam());
    router.get(path(ROW_EVENTS)).handler(Push.accessTokenParam());

    router.route("/v1/*").handler(new BearerAuthHandler(services.verifier()));
    if (services.limiter() != null) {
      router.route("/v1/*").handler(new RateLimitHandler(services.limiter(), services.metrics()));
    }

    ViewsHandler views = new ViewsHandler(services.catalog(), services.rows());
    IndexHandler index = new IndexHandler(services.catalog(), services.store(), services.rows());
    router.get(VIEWS).handler(views::list);
    router.get(path(VIEW)).handler(ctx -> {
      if (ctx.queryParams().contains("keys")) {
        if (ctx.queryParams().contains("limit") || ctx.queryParams().contains("cursor")) {
          throw new HttpProblem(ProblemType.BAD_REQUEST,
              "use either keys (multi-get) or limit/cursor (paging), not both");
        }
        views.many(ctx);
      } else {
        ViewsHandler.requireNoTenant(ctx, "paging");
        index.page(ctx);
      }
    });
    // Before /:key, so "top" is the endpoint; a row with key "top" is read with ?keys=top.
    router.get(path(TOP)).handler(ctx -> {
      ViewsHandler.requireNoTenant(ctx, "top-N");
      index.top(ctx);
    });
    router.get(path(ROW)).handler(views::row);
    router.post(path(EVENTS)).handler(services.ingest() == null ? EventIngest.disabled()
        : services.ingest().handler());
    Push push = services.push();
    router.get(WS).handler(ctx -> pushOrNotFound(push).webSocket(ctx));
    router.get(path(ROW_EVENTS)).handler(ctx -> pushOrNotFound(push).events(ctx));

    router.route().failureHandler(problems);
    // Misses that never reach a failure handler (no route matched).
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);
    router.errorHandler(500, problems);
    return router;
  }

  private static Push pushOrNotFound(Push push) {
    if (push == null) {
      throw new HttpProblem(ProblemType.NOT_FOUND, "push is turned off on this gateway"
          + " (push.enabled: false)");
    }
    return push;
  }
}
