package io.streamgate.gateway.http;

import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Stage before any routing: a method outside {@link GatewayMetrics#SERVED_METHODS} answers 501
 * {@code not-implemented} (RFC 9110 §15.6.2: the server does not recognize the method). A served
 * method on a path that does not take it is the router's 405. Without a token: it costs nothing
 * and says nothing about the API. Stateless; runs on the request's event loop.
 */
public final class MethodCheck implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    if (GatewayMetrics.SERVED_METHODS.contains(ctx.request().method())) {
      ctx.next();
      return;
    }
    String method = ctx.request().method().name();
    String shown = method.length() <= 20 ? method : method.substring(0, 20) + "…";
    ctx.fail(new HttpProblem(ProblemType.NOT_IMPLEMENTED, "the method " + shown
        + " is not implemented; the gateway serves GET, HEAD, POST, PUT, DELETE, OPTIONS and"
        + " PATCH (see /openapi.json for which path takes which)"));
  }
}
