package io.streamgate.gateway.http;

import io.streamgate.gateway.auth.Principal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second stage: one line per finished request (method, path, status, duration, request id,
 * subject) on logger {@value #LOGGER}. Registered before auth, so refused requests are logged
 * too. Stateless; runs on the request's event loop.
 */
public final class AccessLogHandler implements Handler<RoutingContext> {
  public static final String LOGGER = "io.streamgate.gateway.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      HttpServerRequest req = ctx.request();
      Principal principal = BearerAuthHandler.principalOrNull(ctx);
      LOG.info("{} {} {} {} {}ms rid={} sub={}{}",
          req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress(),
          req.method(), req.path(), ctx.response().getStatusCode(),
          (System.nanoTime() - start) / 1_000_000,
          RequestIdHandler.of(ctx),
          principal == null || principal.subject().isEmpty() ? "-" : principal.subject(),
          // An h2c upgrade closes the HTTP/1 stream after a complete response: not a failure.
          done.succeeded() || ctx.response().ended()
              ? "" : " (connection closed before the response was complete)");
    });
    ctx.next();
  }
}
