package io.streamgate.gateway.server;

import io.streamgate.gateway.admin.Admin;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.http.AccessLogHandler;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.Endpoint;
import io.streamgate.gateway.http.ProblemHandler;
import io.streamgate.gateway.http.RequestIdHandler;
import io.streamgate.gateway.http.RequestPath;
import io.streamgate.gateway.ingest.EventIngest;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * The management listener's router (default {@code 127.0.0.1:9090}), for operators and
 * Prometheus, apart from the public API:
 *
 * <pre>
 *   request id → access log → endpoint
 *     → /metrics, /health/live, /health/ready (with details): no token
 *     → /admin/*: Admin stage (audit, body held) → JWT → admin routes (scope admin)
 *   any failure → ProblemHandler (RFC 9457)
 * </pre>
 *
 * No rate limit (the callers are operators on a private network) and no request metrics (a
 * scrape would count itself). Everything else answers 404.
 */
public final class ManagementRouter {

  /**
   * What the routes need. All thread-safe.
   *
   * @param ingest  event ingest, or null when it is off (the details say so)
   * @param breaker the store's breaker, whose state the details show
   */
  public record Services(TokenVerifier verifier, GatewayMetrics metrics, boolean accessLog,
      Readiness readiness, Catalog catalog, EventIngest ingest, Breaker breaker, Admin admin) {}

  private static final String ADMIN_PREFIX = "/admin/*";

  private ManagementRouter() {}

  public static Router create(Vertx vertx, Services services) {
    Router router = Router.router(vertx);
    ProblemHandler problems = new ProblemHandler();
    router.route().handler(new RequestIdHandler());
    if (services.accessLog()) {
      router.route().handler(new AccessLogHandler());
    }
    router.route().handler(RequestPath.classify());

    router.get(Endpoint.METRICS.template()).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, GatewayMetrics.CONTENT_TYPE)
        .end(services.metrics().scrape()));
    HealthHandler health = new HealthHandler(services.readiness(), services.catalog());
    router.get(Endpoint.HEALTH_LIVE.template()).handler(health::live);
    router.get(Endpoint.HEALTH_READY.template())
        .handler(ctx -> health.details(ctx, services.ingest(), services.breaker()));

    router.route(ADMIN_PREFIX).handler(services.admin().stage());
    router.route(ADMIN_PREFIX).handler(new BearerAuthHandler(services.verifier()));
    router.route(ADMIN_PREFIX).handler(services.admin().handler());

    router.route().failureHandler(problems);
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);
    router.errorHandler(500, problems);
    return router;
  }
}
