package io.streamgate.gateway.server;

import static io.streamgate.gateway.http.RequestPath.only;

import io.streamgate.gateway.admin.Admin;
import io.streamgate.gateway.admin.ViewsPage;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.CorsConfig;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.graphql.GraphQLApi;
import io.streamgate.gateway.http.AccessLogHandler;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.Cors;
import io.streamgate.gateway.http.Endpoint;
import io.streamgate.gateway.http.MethodCheck;
import io.streamgate.gateway.http.ProblemHandler;
import io.streamgate.gateway.http.RateLimitHandler;
import io.streamgate.gateway.http.RequestIdHandler;
import io.streamgate.gateway.http.RequestPath;
import io.streamgate.gateway.http.UsageHandler;
import io.streamgate.gateway.http.WarmupMark;
import io.streamgate.gateway.ingest.EventIngest;
import io.streamgate.gateway.limit.RateLimiter;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.push.Dashboard;
import io.streamgate.gateway.push.Push;
import io.streamgate.gateway.rest.Rest;
import io.streamgate.gateway.store.ViewStore;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Builds the gateway's router: the one place where the request chain is written down.
 *
 * <pre>
 *   warm-up mark → metrics → request id → access log → method → endpoint → CORS (if on)
 *   WarmupMark     GatewayMetrics RequestId AccessLog MethodCheck RequestPath Cors
 *     → [/v1/ws, …/events, GET /v1/graphql: ?access_token=, ?api_key= → headers]
 *     → JWT or API key → usage
 *       BearerAuth   UsageHandler
 *     → rate limit → /v1 route → …      (usage: meters the request, refuses a spent quota)
 *       RateLimitHandler ViewsHandler,
 *                               IndexHandler, ingest EventsHandler, Push (WebSocket, SSE),
 *                               GraphQLApi (/v1/graphql: queries, graphql-transport-ws)
 *     → [/admin/*: Admin stage (audit, body held) → JWT → rate limit → admin routes]
 *     → [health, /openapi.json, /asyncapi.json, /, /dashboard.js, /views, /views.js: no token;
 *        /metrics: management port only]
 *   (POST /v1/events/{stream} holds its body unread from before the JWT stage until its checks
 *   pass: EventIngest.holdBody)
 *   any failure → ProblemHandler (RFC 9457)
 *   routes match exact paths or prefixes; RequestPath found the Endpoint once (no regexes)
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
   * @param limiter {@link RateLimiter#unlimited()} (or null) when rate limits are off: no stage
   * @param cors    cross-origin reads ({@code http.cors}); no CORS stage when off
   * @param ingest  event ingest ({@link EventIngest#disabled()} when off: the route says so)
   * @param push    WebSocket/SSE push ({@link Push#disabled()} when off: its routes answer 404)
   * @param readiness whether Redis answers, from a timer (health); null only in tests of shape
   * @param admin   the admin API under /admin/v1 ({@link Admin#disabled()}: its routes answer 404)
   * @param freshness each view's watermark and lag ({@link ViewFreshness#unknown()} if null)
   * @param usage   metering and quotas of /v1 requests ({@link Usage#disabled()} when null)
   * @param graphql GraphQL at /v1/graphql ({@link GraphQLApi#disabled()}: it answers 404)
   */
  public record Services(TokenVerifier verifier, Catalog catalog, ViewStore store,
      NearCache rows, RateLimiter limiter, GatewayMetrics metrics, boolean accessLog,
      CorsConfig cors, EventIngest ingest, Push push, Readiness readiness, Admin admin,
      ViewFreshness freshness, Usage usage, GraphQLApi graphql) {
    public Services {
      freshness = freshness == null ? ViewFreshness.unknown() : freshness;
      usage = usage == null ? Usage.disabled() : usage;
      limiter = limiter == null ? RateLimiter.unlimited() : limiter;
      cors = cors == null ? CorsConfig.off() : cors;
      ingest = ingest == null ? EventIngest.disabled() : ingest;
      push = push == null ? Push.disabled() : push;
      admin = admin == null ? Admin.disabled() : admin;
      graphql = graphql == null ? GraphQLApi.disabled() : graphql;
    }

    /** No GraphQL. */
    public Services(TokenVerifier verifier, Catalog catalog, ViewStore store, NearCache rows,
        RateLimiter limiter, GatewayMetrics metrics, boolean accessLog, CorsConfig cors,
        EventIngest ingest, Push push, Readiness readiness, Admin admin,
        ViewFreshness freshness, Usage usage) {
      this(verifier, catalog, store, rows, limiter, metrics, accessLog, cors, ingest, push,
          readiness, admin, freshness, usage, null);
    }

    /** No freshness, no usage metering, no GraphQL. */
    public Services(TokenVerifier verifier, Catalog catalog, ViewStore store, NearCache rows,
        RateLimiter limiter, GatewayMetrics metrics, boolean accessLog, CorsConfig cors,
        EventIngest ingest, Push push, Readiness readiness, Admin admin) {
      this(verifier, catalog, store, rows, limiter, metrics, accessLog, cors, ingest, push,
          readiness, admin, null, null, null);
    }

    /** No readiness, no admin API. */
    public Services(TokenVerifier verifier, Catalog catalog, ViewStore store, NearCache rows,
        RateLimiter limiter, GatewayMetrics metrics, boolean accessLog, CorsConfig cors,
        EventIngest ingest, Push push) {
      this(verifier, catalog, store, rows, limiter, metrics, accessLog, cors, ingest, push, null,
          null, null, null, null);
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

  private static final String VIEWS_PREFIX = "/v1/views/*";
  private static final String EVENTS_PREFIX = "/v1/events/*";
  private static final String ADMIN_PREFIX = "/admin/*";

  private GatewayRouter() {}

  /**
   * What some endpoints need before the credential check, picked by the endpoint {@link
   * RequestPath} found (one stage, where a route each made every request walk past them):
   * <ul>
   *   <li>bodies held unread (ingest, GraphQL POST): they must not flow, and be lost, while the
   *       token is verified;
   *   <li>the guard of WebSockets and event streams (push, GraphQL subscriptions): browsers
   *       cannot set headers there, so the token comes as {@code ?access_token=}, and failed
   *       token checks per client address are limited ({@code Push.authGuard()}). A filter
   *       asked for as an event stream is push too (EventSource sends that Accept).
   * </ul>
   */
  private static Handler<RoutingContext> beforeCredentials(Services services) {
    Handler<RoutingContext> eventsBody =
        EventIngest.holdBody(services.ingest().config().maxBodyBytes());
    Handler<RoutingContext> graphqlBody = EventIngest.holdBody(GraphQLApi.MAX_BODY_BYTES);
    Handler<RoutingContext> guard = services.push().authGuard();
    return ctx -> {
      Endpoint endpoint = RequestPath.of(ctx).endpoint();
      if (endpoint == null || ctx.request().method() != endpoint.method()) {
        ctx.next();
        return;
      }
      switch (endpoint) {
        case EVENTS -> eventsBody.handle(ctx);
        case GRAPHQL -> graphqlBody.handle(ctx);
        case WS, GRAPHQL_GET, ROW_EVENTS -> guard.handle(ctx);
        case VIEW -> {
          if (Push.wantsEventStream(ctx)) {
            guard.handle(ctx);
          } else {
            ctx.next();
          }
        }
        default -> ctx.next();
      }
    };
  }

  public static Router create(Vertx vertx, Services services) {
    Router router = Router.router(vertx);
    ProblemHandler problems = new ProblemHandler();

    // The stages every request passes are handlers of one route: moving on to another route
    // costs vert.x-web a match, and each stage was a route of its own once.
    Route every = router.route()
        // Before the timer: the gateway's own warm-up requests run every stage but count nowhere.
        .handler(WarmupMark.stage())
        .handler(services.metrics().requestTimer(WarmupMark::is))
        .handler(new RequestIdHandler());
    if (services.accessLog()) {
      every.handler(new AccessLogHandler());
    }
    // Made-up methods end here (501), before they reach a route, a token check or a label.
    every.handler(new MethodCheck());
    // Which endpoint, once per request: names the route (so refused requests carry it too) and
    // decodes the path parameters. The routes below match exact paths or prefixes only.
    every.handler(RequestPath.classify());
    if (services.cors().enabled()) {
      // Before auth: browsers send preflights without a token; this stage answers them. It
      // starts a route: vert.x-web refuses a CORS handler after others within one.
      every = router.route().handler(Cors.handler(services.cors()));
    }
    every.handler(beforeCredentials(services));

    Route v1 = router.route("/v1/*")
        .handler(new BearerAuthHandler(services.verifier()))
        .handler(new UsageHandler(services.usage(), services.metrics()));
    if (services.limiter().enabled()) {
      v1.handler(new RateLimitHandler(services.limiter(), services.metrics()));
    }

    Rest rest = Rest.create(services.catalog(), services.store(), services.rows(),
        services.freshness());
    Push push = services.push();
    router.get(Endpoint.VIEWS.template()).handler(rest::views);
    router.get(VIEWS_PREFIX)
        .handler(only(Endpoint.ROW, rest::row)) // the hot one first: point reads
        .handler(only(Endpoint.VIEW, ctx -> {
          if (Push.wantsEventStream(ctx)) {
            push.filteredEvents(ctx);
          } else {
            rest.view(ctx);
          }
        }))
        // "top" is the endpoint (RequestPath); a row with key "top" is read with ?keys=top.
        .handler(only(Endpoint.TOP, rest::top))
        .handler(only(Endpoint.ROW_EVENTS, push::events));
    router.post(EVENTS_PREFIX).handler(only(Endpoint.EVENTS, services.ingest().handler()));
    router.get(Endpoint.WS.template()).handler(push::webSocket);
    GraphQLApi graphql = services.graphql();
    router.post(Endpoint.GRAPHQL.template())
        .handler(BodyHandler.create(false).setBodyLimit(GraphQLApi.MAX_BODY_BYTES))
        .handler(graphql::handle);
    router.get(Endpoint.GRAPHQL.template()).handler(graphql::handle);

    // The admin API: the same chain as /v1 after its own stage (audit line, body held).
    router.route(ADMIN_PREFIX).handler(services.admin().stage());
    router.route(ADMIN_PREFIX).handler(new BearerAuthHandler(services.verifier()));
    if (services.limiter().enabled()) {
      router.route(ADMIN_PREFIX).handler(
          new RateLimitHandler(services.limiter(), services.metrics()));
    }
    router.route(ADMIN_PREFIX).handler(services.admin().handler());

    // Endpoints without a token, after the /v1 ones: a read need not walk past them. /metrics
    // is on the management listener only (ManagementRouter): here it is a 404.
    HealthHandler health = new HealthHandler(services.readiness(), services.catalog());
    router.get(Endpoint.HEALTH_LIVE.template()).handler(health::live);
    router.get(Endpoint.HEALTH_READY.template()).handler(health::ready);
    router.get(Endpoint.OPENAPI.template()).handler(new OpenApiHandler(services.catalog()));
    router.get(Endpoint.ASYNCAPI.template()).handler(new AsyncApiHandler(services.catalog()));
    // The live dashboard's static files; the page brings its token in the URL fragment.
    router.get(Endpoint.DASHBOARD.template()).handler(Dashboard.page());
    router.get(Endpoint.DASHBOARD_SCRIPT.template()).handler(Dashboard.script());
    // The view authoring page, the same way (its token needs scope admin).
    router.get(Endpoint.VIEWS_PAGE.template()).handler(ViewsPage.page());
    router.get(Endpoint.VIEWS_PAGE_SCRIPT.template()).handler(ViewsPage.script());

    router.route().failureHandler(problems);
    // Misses that never reach a failure handler (no route matched, or a path whose
    // percent-encoding vert.x-web cannot decode when it matches failure handlers: 400).
    router.errorHandler(400, problems.undecodable());
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);
    router.errorHandler(500, problems);
    return router;
  }
}
