package io.streamgate.gateway.push;

import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.limit.RateLimiter;
import io.streamgate.gateway.limit.SocketsPerPrincipal;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.push.internal.PushHub;
import io.streamgate.gateway.store.ChangeFeed;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Live push of row changes: WebSocket {@code GET /v1/ws} and SSE
 * {@code GET /v1/views/{view}/{key}/events}, protocol in {@code docs/push.md}.
 *
 * <p>One instance per gateway process, deployed as a verticle: it follows the process's one
 * {@link ChangeFeed} and hands each change straight to the event loops that have
 * subscribers for its row; each loop writes to its own sockets. Its handlers run behind the
 * bearer-token stage, on the request's event loop, and never block it. Thread-safe.
 */
public interface Push extends Deployable {
  /** The token expired (and was not refreshed in-band). */
  short CLOSE_TOKEN_EXPIRED = 4001;
  /** More messages waited for the client than {@code push.maxPending}. */
  short CLOSE_SLOW_CONSUMER = 4002;
  /** The client answered no ping (nor sent anything) for 3 heartbeat intervals. */
  short CLOSE_NO_PONG = 4003;
  /** The gateway is shutting down. */
  short CLOSE_GOING_AWAY = 1001;
  /** A message (all its fragments) above {@code PushConfig.MAX_MESSAGE_BYTES}. */
  short CLOSE_TOO_BIG = 1009;
  /** The client kept sending over its message budget ({@code push.messageBudget}). */
  short CLOSE_RATE_LIMITED = 4429;
  /** The key that signed the connection's token left its issuer's JWKS. */
  short CLOSE_KEY_REVOKED = 4401;
  /** Query parameter that may carry the token where a client cannot set headers. */
  String ACCESS_TOKEN_PARAM = "access_token";

  /** {@code GET /v1/ws}: upgrades to a WebSocket session. */
  void webSocket(RoutingContext ctx);

  /** {@code GET /v1/views/{view}/{key}/events}: an SSE stream of one row. */
  void events(RoutingContext ctx);

  /**
   * A stage before the bearer-token stage, for the push routes only: browsers cannot set
   * headers on a WebSocket or an EventSource, so {@code ?access_token=} stands in for
   * {@code Authorization: Bearer} when that header is absent. (The access log records the path
   * without the query string, so the token is not logged.)
   */
  static Handler<RoutingContext> accessTokenParam() {
    return ctx -> {
      String token = ctx.request().getParam(ACCESS_TOKEN_PARAM);
      if (token != null && !token.isBlank()
          && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
        ctx.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token.trim());
      }
      ctx.next();
    };
  }

  /**
   * The stage before the bearer-token stage on the push routes: {@link #accessTokenParam()}, and
   * a client address with more than {@code push.maxAuthFailuresPerAddress} failed token checks
   * in 10 s is answered 429 (with {@code Retry-After}) without its token being checked.
   */
  default Handler<RoutingContext> authGuard() {
    return accessTokenParam();
  }

  /**
   * Push turned off ({@code push.enabled: false}): nothing to deploy, and its routes answer 404.
   */
  static Push disabled() {
    return new Push() {
      @Override
      public void webSocket(RoutingContext ctx) {
        throw off();
      }

      @Override
      public void events(RoutingContext ctx) {
        throw off();
      }

      @Override
      public Future<?> deploy(Context context) {
        return Future.succeededFuture();
      }

      private HttpProblem off() {
        return new HttpProblem(ProblemType.NOT_FOUND, "push is turned off on this gateway"
            + " (push.enabled: false)");
      }
    };
  }

  /**
   * @param changes       the process's change feed
   * @param leewaySeconds the token leeway: a socket closes at {@code exp} plus this
   * @param limiter       the rate limiter, whose plans set each socket's message budget when
   *                      {@code push.messageBudget} is 0; {@link RateLimiter#unlimited()} when
   *                      limits are off (no budget)
   * @param sockets       open connections per token subject, shared with the other features
   *                      that hold sockets ({@code push.maxSocketsPerPrincipal})
   */
  static Push create(PushConfig config, Catalog catalog, NearCache rows, ChangeFeed changes,
      TokenVerifier verifier, int leewaySeconds, GatewayMetrics metrics, RateLimiter limiter,
      SocketsPerPrincipal sockets) {
    return new PushHub(config, catalog, rows, changes, verifier, leewaySeconds, metrics, limiter,
        sockets);
  }
}
