package io.streamgate.gateway.graphql;

import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.GraphQLConfig;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.graphql.internal.GraphQLHub;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.limit.RateLimiter;
import io.streamgate.gateway.limit.SocketsPerPrincipal;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * GraphQL at {@code /v1/graphql} (docs/graphql.md): queries by {@code POST} (or {@code GET}
 * with {@code ?query=}) and subscriptions over the {@code graphql-transport-ws} WebSocket
 * protocol on the same path. The schema is generated from the catalog and replaced, atomically,
 * when the catalog's views change; a subscription socket keeps the schema it started with.
 *
 * <p>Reads are REST's: the same {@link io.streamgate.gateway.auth.Access} decision, near cache
 * and rate limit (one request per row read). Subscriptions follow the process's one
 * {@link ChangeFeed} with push's semantics (snapshot, then ordered changes and deletes) and
 * bounds ({@code push.*}). One instance per gateway process, deployed as a verticle; its
 * handler runs behind the bearer-token and rate-limit stages on the request's event loop and
 * never blocks it. Thread-safe.
 */
public interface GraphQLApi extends Deployable {
  /** Most keys one {@code NAME_rows(keys:)} field may ask for (REST's multi-get limit). */
  int MAX_KEYS = 100;
  /** Rows of a page when {@code first} is not given, and at most (REST's {@code limit}). */
  int DEFAULT_PAGE = 50;
  int MAX_PAGE = 500;
  /** Most rows one {@code NAME_top(n:)} may ask for (REST's {@code n}). */
  int MAX_TOP = 100;
  /** Largest request body; a query document is small. */
  int MAX_BODY_BYTES = 65_536;
  /** The WebSocket subprotocol of subscriptions (the {@code graphql-ws} client's). */
  String SUBPROTOCOL = "graphql-transport-ws";
  /** Close code: the token expired. Push's code for the same event. */
  short CLOSE_TOKEN_EXPIRED = 4001;
  /** Close code: more than {@code push.maxPending} events waited for the client. */
  short CLOSE_SLOW_CONSUMER = 4002;
  /** Close code: the client answered no ping for 3 heartbeat intervals. */
  short CLOSE_NO_PONG = 4003;
  /**
   * Close code: an operation over the rate limit, or a socket over
   * {@code push.maxSocketsPerPrincipal} (push's code for its message budget).
   */
  short CLOSE_RATE_LIMITED = 4429;

  /** {@code GET} and {@code POST /v1/graphql}: a query, or the WebSocket upgrade. */
  void handle(RoutingContext ctx);

  /** GraphQL turned off ({@code graphql.enabled: false}): nothing to deploy; the path is a 404. */
  static GraphQLApi disabled() {
    return new GraphQLApi() {
      @Override
      public void handle(RoutingContext ctx) {
        throw new HttpProblem(ProblemType.NOT_FOUND, "GraphQL is turned off on this gateway"
            + " (graphql.enabled: false)");
      }

      @Override
      public Future<?> deploy(Context context) {
        return Future.succeededFuture();
      }
    };
  }

  /**
   * @param store   the breaker-guarded store (key indexes)
   * @param rows    row reads through the near cache
   * @param push    the subscription bounds (subscriptions, keys, pending events, heartbeat)
   * @param sockets open sockets per token subject, shared with push
   * @param leewaySeconds the token leeway: a socket closes at {@code exp} plus this
   */
  static GraphQLApi create(GraphQLConfig config, PushConfig push, Catalog catalog,
      ViewStore store, NearCache rows, ChangeFeed changes, RateLimiter limiter,
      SocketsPerPrincipal sockets, TokenVerifier verifier, int leewaySeconds) {
    return new GraphQLHub(config, push, catalog, store, rows, changes, limiter, sockets,
        verifier, leewaySeconds);
  }
}
