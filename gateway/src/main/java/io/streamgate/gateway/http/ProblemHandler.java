package io.streamgate.gateway.http;

import io.streamgate.contract.json.Json;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.vertx.core.Handler;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into an RFC 9457 {@code application/problem+json} response: handler
 * failures ({@link HttpProblem}, store outages, bugs) and routing misses (404, 405). Never sends
 * a stack trace; a bug is logged with its request id and the client is told that id. Stateless
 * apart from log throttling; runs on the request's event loop.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  public static final String CONTENT_TYPE = "application/problem+json";
  /** Seconds a client should wait before retrying after a 503. */
  public static final String RETRY_AFTER_SECONDS = "1";
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);
  private static final ThrottledWarning STORE_WARNING = new ThrottledWarning(LOG, 10_000);

  @Override
  public void handle(RoutingContext ctx) {
    respond(ctx, toProblem(ctx));
  }

  /**
   * For the router's error handler of status 400: vert.x-web could not decode the path or query
   * while it matched routes (a malformed percent-encoding such as {@code %+A}); the context
   * then carries neither a failure nor a status to tell from.
   */
  public Handler<RoutingContext> undecodable() {
    return ctx -> respond(ctx, new HttpProblem(ProblemType.BAD_REQUEST,
        "the path or query is not valid percent-encoding"));
  }

  private static void respond(RoutingContext ctx, HttpProblem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      // Too late for a problem body; cut the response so the client sees it is incomplete.
      response.reset();
      return;
    }
    response.setStatusCode(problem.type().status());
    problem.headers().forEach(response::putHeader);
    response.putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
    response.end(body(problem, ctx.request().path(), RequestIdHandler.of(ctx)));
  }

  /**
   * Runs a handler's asynchronous continuation (a body, a store or Kafka answer) so that nothing
   * it throws, {@link Error}s included, leaves the request unanswered: vert.x-web catches what a
   * handler throws, but a callback runs outside it, where a throw only reaches the event loop's
   * log. The failure then takes the usual way (500 problem, logged once with the request id).
   */
  public static void guard(RoutingContext ctx, Runnable continuation) {
    try {
      continuation.run();
    } catch (Throwable t) { // NOPMD: an Error must be answered too (StackOverflowError)
      if (!ctx.response().ended()) {
        ctx.fail(t);
      }
    }
  }

  /**
   * For {@code HttpServer.invalidRequestHandler}: a request Vert.x could not decode never reaches
   * the router, so it is answered here, as a problem with a request id like any other: 414 for a
   * request line over the limit, 431 for headers over it, else 400. The connection is closed
   * after the answer (what follows on it cannot be trusted to start a request).
   */
  public static Handler<HttpServerRequest> invalidRequest() {
    return request -> {
      Throwable cause = request.decoderResult().cause();
      HttpProblem problem;
      if (cause instanceof TooLongHttpLineException) {
        problem = new HttpProblem(ProblemType.URI_TOO_LONG, "the request line is longer than"
            + " the gateway accepts; see 'Limits and timeouts' in docs/operations.md");
      } else if (cause instanceof TooLongHttpHeaderException) {
        problem = new HttpProblem(ProblemType.HEADERS_TOO_LARGE, "the request headers are"
            + " larger than the gateway accepts; see 'Limits and timeouts' in docs/operations.md");
      } else {
        problem = new HttpProblem(ProblemType.BAD_REQUEST, "the request could not be parsed as"
            + " HTTP");
      }
      String requestId = RequestIdHandler.generate();
      HttpServerResponse response = request.response();
      response.setStatusCode(problem.type().status())
          .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
          .putHeader(RequestIdHandler.HEADER, requestId)
          .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
          // Netty could not read the request line (or stopped reading it): no path to quote.
          .end(body(problem, "", requestId))
          .onComplete(done -> request.connection().close());
    };
  }

  private static HttpProblem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpProblem problem) {
      return problem;
    }
    if (failure instanceof StoreUnavailableException unavailable) {
      STORE_WARNING.warn("answering 503: " + failure.getMessage()
          + ". Check that Redis is running and reachable at redis.url.");
      return new HttpProblem(ProblemType.STORE_UNAVAILABLE,
          "the view store is not answering; retry in " + unavailable.retryAfterSeconds() + " s",
          Map.of(HttpHeaders.RETRY_AFTER.toString(),
              Long.toString(unavailable.retryAfterSeconds())));
    }
    if (failure == null) {
      int status = ctx.statusCode();
      return switch (status) {
        case 404 -> new HttpProblem(ProblemType.NOT_FOUND,
            "no endpoint at " + ctx.request().path() + "; see GET /v1/views");
        case 405 -> new HttpProblem(ProblemType.METHOD_NOT_ALLOWED,
            ctx.request().method() + " is not supported on " + ctx.request().path());
        default -> new HttpProblem(ProblemType.forStatus(status), "request failed");
      };
    }
    int status = ctx.statusCode();
    if (status >= 400 && status < 500) {
      // A vertx-web stage refused the request (e.g. CorsHandler: origin not allowed). Its
      // message is about the request, not internals, so the client may see it.
      return new HttpProblem(ProblemType.forStatus(status), "request refused: "
          + (failure.getMessage() == null ? "status " + status : failure.getMessage()));
    }
    LOG.error("request {} {} {} failed unexpectedly", RequestIdHandler.of(ctx),
        ctx.request().method(), ctx.request().path(), failure);
    return new HttpProblem(ProblemType.INTERNAL,
        "unexpected error; quote request id " + RequestIdHandler.of(ctx) + " when reporting it");
  }

  private static String body(HttpProblem problem, String path, String requestId) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", problem.type().uri());
    json.put("title", problem.type().title());
    json.put("status", problem.type().status());
    json.put("detail", problem.detail());
    json.put("instance", path);
    json.put("requestId", requestId);
    problem.extensions().forEach(json::putIfAbsent);
    return Json.write(json);
  }
}
