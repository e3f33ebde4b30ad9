package io.streamgate.gateway.server;

import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemHandler;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.ThrottledWarning;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health for orchestrators, no token needed. Live: the process answers. Ready: the store answers
 * a PING within the timeout, so a load balancer stops sending traffic a gateway could only
 * answer with 503. Stateless; runs on the request's event loop.
 */
final class HealthHandler {
  private static final String JSON = "application/json";
  private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);
  private static final ThrottledWarning NOT_READY = new ThrottledWarning(LOG, 10_000);

  private final ViewStore store;
  private final Catalog catalog;

  HealthHandler(ViewStore store, Catalog catalog) {
    this.store = store;
    this.catalog = catalog;
  }

  public void live(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end("{\"status\":\"UP\"}");
  }

  public void ready(RoutingContext ctx) {
    store.ping().onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .end("{\"status\":\"UP\",\"views\":" + catalog.views().size() + "}");
      } else {
        NOT_READY.warn("not ready: " + ar.cause().getMessage()
            + ". Start Redis or fix redis.url; readiness returns once it answers.");
        String retryAfter = ar.cause() instanceof StoreUnavailableException unavailable
            ? Long.toString(unavailable.retryAfterSeconds()) : ProblemHandler.RETRY_AFTER_SECONDS;
        ctx.fail(new HttpProblem(ProblemType.NOT_READY, "the view store is not answering",
            Map.of(HttpHeaders.RETRY_AFTER.toString(), retryAfter)));
      }
    });
  }
}
