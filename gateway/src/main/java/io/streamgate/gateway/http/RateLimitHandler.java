package io.streamgate.gateway.http;

import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.limit.Decision;
import io.streamgate.gateway.limit.RateLimiter;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The rate-limit stage, right after JWT (it keys on the verified subject and the token's
 * {@code plan}). Adds the {@code RateLimit-*} headers to every response it lets through and
 * ends refused requests with 429 plus {@code Retry-After}. No I/O: the limiter decides in
 * memory. Runs on the request's event loop.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  /** Key for tokens without a subject: they share one budget per plan. */
  static final String NO_SUBJECT = "-";
  // Header names pre-encoded once (they are written on every response).
  private static final CharSequence LIMIT = HttpHeaders.createOptimized(Decision.LIMIT);
  private static final CharSequence REMAINING = HttpHeaders.createOptimized(Decision.REMAINING);
  private static final CharSequence RESET = HttpHeaders.createOptimized(Decision.RESET);

  private final RateLimiter limiter;
  /** Decides on the warm-up's requests: the same code, counted in no budget, local or shared. */
  private final RateLimiter rehearsal;
  private final GatewayMetrics metrics;

  public RateLimitHandler(RateLimiter limiter, GatewayMetrics metrics) {
    this.limiter = limiter;
    this.rehearsal = limiter.rehearsal();
    this.metrics = metrics;
  }

  /** Whose budget a principal's requests count against (also for costs counted later). */
  public static String principalKey(Principal principal) {
    return principal.subject().isEmpty() ? NO_SUBJECT : principal.subject();
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = BearerAuthHandler.principal(ctx);
    Decision decision = (WarmupMark.is(ctx) ? rehearsal : limiter)
        .isAllowed(principalKey(principal), principal.plan());
    if (decision.allowed()) {
      ctx.response().headers()
          .add(LIMIT, Long.toString(decision.limit()))
          .add(REMAINING, Long.toString(decision.remaining()))
          .add(RESET, Long.toString(decision.resetSeconds()));
      ctx.next();
    } else {
      metrics.rateLimited(decision.plan());
      ctx.fail(new HttpProblem(ProblemType.TOO_MANY_REQUESTS, "rate limit of plan '"
          + decision.plan() + "' reached: " + decision.limit() + " requests per window; retry in "
          + decision.retryAfterSeconds() + " s", decision.headers()));
    }
  }
}
