package io.streamgate.gateway.http;

import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Builds the gateway's router: the one place where the request chain is written down.
 *
 * <pre>
 *   request id  →  access log  →  [health: no token]  →  JWT  →  route  →  store
 *   RequestId      AccessLog        HealthHandler        BearerAuth  ViewsHandler  ViewStore
 *   any failure                                                    →  ProblemHandler (RFC 9457)
 * </pre>
 *
 * Later stages slot in here: rate limit after JWT (it keys on the principal), breaker and near
 * cache around the store. Routers are cheap; each HTTP server instance builds its own.
 */
public final class GatewayRouter {

  /** What the routes need. All thread-safe, shared by every server instance. */
  public record Services(TokenVerifier verifier, Catalog catalog, ViewStore store,
      boolean accessLog) {}

  private GatewayRouter() {}

  public static Router create(Vertx vertx, Services services) {
    Router router = Router.router(vertx);
    ProblemHandler problems = new ProblemHandler();

    router.route().handler(new RequestIdHandler());
    if (services.accessLog()) {
      router.route().handler(new AccessLogHandler());
    }

    HealthHandler health = new HealthHandler(services.store(), services.catalog());
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);

    router.route("/v1/*").handler(new BearerAuthHandler(services.verifier()));

    ViewsHandler views = new ViewsHandler(services.catalog(), services.store());
    router.get("/v1/views").handler(views::list);
    router.get("/v1/views/:view").handler(views::many);
    router.get("/v1/views/:view/:key").handler(views::row);

    router.route().failureHandler(problems);
    // Misses that never reach a failure handler (no route matched).
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);
    router.errorHandler(500, problems);
    return router;
  }
}
