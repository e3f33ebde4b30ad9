package io.streamgate.gateway.push;

import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.limit.RateLimiter;
import io.streamgate.gateway.limit.SocketsPerPrincipal;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.push.internal.PushHub;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.ViewStore;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Live push of row changes: WebSocket {@code GET /v1/ws} and SSE
 * {@code GET /v1/views/{view}/{key}/events} (one row) or {@code GET /v1/views/{view}?column=value}
 * with {@code Accept: text/event-stream} (a filter), protocol in {@code docs/push.md}.
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
  /** Query parameter that may carry an API key where a client cannot set headers. */
  String API_KEY_PARAM = "api_key";

  /** {@code GET /v1/ws}: upgrades to a WebSocket session. */
  void webSocket(RoutingContext ctx);

  /** {@code GET /v1/views/{view}/{key}/events}: an SSE stream of one row. */
  void events(RoutingContext ctx);

  /**
   * {@code GET /v1/views/{view}?column=value} with {@code Accept: text/event-stream}: an SSE
   * stream of the rows matching a filter on indexed columns (snapshot, then enter, update and
   * leave), as a WebSocket subscription with {@code where}.
   */
  void filteredEvents(RoutingContext ctx);

  /** Whether a request asks for an event stream ({@code Accept: text/event-stream}). */
  static boolean wantsEventStream(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/event-stream");
  }

  /**
   * A stage before the bearer-token stage, for the push routes only: browsers cannot set
   * headers on a WebSocket or an EventSource, so {@code ?access_token=} stands in for
   * {@code Authorization: Bearer} when that header is absent, and {@code ?api_key=} for
   * {@code X-API-Key}. (The access log records the path without the query string, so neither
   * credential is logged.)
   */
  static Handler<RoutingContext> accessTokenParam() {
    return ctx -> {
      String token = ctx.request().getParam(ACCESS_TOKEN_PARAM);
      if (token != null && !token.isBlank()
          && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
        ctx.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token.trim());
      }
      String key = ctx.request().getParam(API_KEY_PARAM);
      if (key != null && !key.isBlank() && ctx.request().getHeader(BearerAuthHandler.API_KEY) == null) {
        ctx.request().headers().set(BearerAuthHandler.API_KEY, key.trim());
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
      public void filteredEvents(RoutingContext ctx) {
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
   * @param store         the breaker-guarded store (snapshots of filtered subscriptions)
   * @param changes       the process's change feed
   * @param leewaySeconds the token leeway: a socket closes at {@code exp} plus this
   * @param limiter       the rate limiter, whose plans set each socket's message budget when
   *                      {@code push.messageBudget} is 0; {@link RateLimiter#unlimited()} when
   *                      limits are off (no budget)
   * @param freshness     each view version's watermark and lag, put on rows and deletes
   * @param usage         meters the row messages pushed, per principal and view
   * @param sockets       open connections per token subject, shared with the other features
   *                      that hold sockets ({@code push.maxSocketsPerPrincipal})
   */
  static Push create(PushConfig config, Catalog catalog, NearCache rows, ViewStore store,
      ChangeFeed changes, TokenVerifier verifier, int leewaySeconds, GatewayMetrics metrics,
      RateLimiter limiter, ViewFreshness freshness, Usage usage, SocketsPerPrincipal sockets) {
    return new PushHub(config, catalog, rows, store, changes, verifier, leewaySeconds, metrics,
        limiter, freshness, usage, sockets);
  }
}
