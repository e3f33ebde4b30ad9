package io.streamgate.gateway.graphql.internal;

import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.http.RateLimitHandler;
import io.streamgate.gateway.limit.Decision;
import io.streamgate.gateway.limit.RateLimiter;

/**
 * Who runs one GraphQL operation, and its rate-limit account: the operation costs one request
 * per row it reads, the first of which the HTTP request (or the WebSocket handshake) already
 * paid at the rate-limit stage. Lives in the operation's {@code GraphQLContext}; touched on the
 * request's event loop only.
 */
final class Caller {
  private final Principal principal;
  private final RateLimiter limiter;
  private int prepaid;

  /** @param prepaid rows already paid for (1 for an HTTP request, 0 for a subscription) */
  Caller(Principal principal, RateLimiter limiter, int prepaid) {
    this.principal = principal;
    this.limiter = limiter;
    this.prepaid = prepaid;
  }

  static Caller of(DataFetchingEnvironment env) {
    return of(env.getGraphQlContext());
  }

  static Caller of(GraphQLContext context) {
    Caller caller = context.get(Caller.class);
    if (caller == null) {
      throw new IllegalStateException("no Caller in the GraphQL context");
    }
    return caller;
  }

  Principal principal() {
    return principal;
  }

  /**
   * Charges {@code rows} rows read; null if the plan allowed them, else the refusal's message.
   */
  String charge(int rows) {
    int paid = Math.min(prepaid, rows);
    prepaid -= paid;
    int cost = rows - paid;
    if (cost <= 0 || !limiter.enabled()) {
      return null;
    }
    Decision decision = limiter.isAllowed(RateLimitHandler.principalKey(principal),
        principal.plan(), cost);
    if (decision.allowed()) {
      return null;
    }
    return "rate limit of plan '" + decision.plan() + "' reached: " + decision.limit()
        + " requests (rows) per window, this field read " + rows + "; retry in "
        + decision.retryAfterSeconds() + " s";
  }
}
