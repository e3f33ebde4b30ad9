package io.streamgate.gateway.http;

import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.usage.Counter;
import io.streamgate.gateway.usage.QuotaRefusal;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The usage stage, right after the credential stage (so only authenticated requests are metered)
 * and before the rate limit (so its 429s are metered too): refuses a principal whose quota is
 * spent with 429 {@code quota-exceeded} and {@code Retry-After} at the period's end, and, once
 * the response's headers are written, counts the request by outcome, plus the rows or events
 * the route reported ({@link #rows}, {@link #events}). The resource is the view or stream of a
 * successful request; a refused one counts under {@value Usage#NO_RESOURCE}, so names a client
 * made up never become usage keys. No I/O; runs on the request's event loop.
 */
public final class UsageHandler implements Handler<RoutingContext> {
  private static final String ROWS = "streamgate.usage.rows";
  private static final String EVENTS = "streamgate.usage.events";

  private final Usage usage;
  /** Meters the warm-up's requests: the same code, counted in nobody's usage or quota. */
  private final Usage rehearsal;
  private final GatewayMetrics metrics;

  public UsageHandler(Usage usage, GatewayMetrics metrics) {
    this.usage = usage;
    this.rehearsal = usage.rehearsal();
    this.metrics = metrics;
  }

  /** A route's answer carries {@code n} rows. */
  public static void rows(RoutingContext ctx, long n) {
    ctx.put(ROWS, n);
  }

  /** A route accepted {@code n} events. */
  public static void events(RoutingContext ctx, long n) {
    ctx.put(EVENTS, n);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Usage metered = WarmupMark.is(ctx) ? rehearsal : usage;
    Principal principal = BearerAuthHandler.principal(ctx);
    ctx.addHeadersEndHandler(v -> count(ctx, metered, principal));
    QuotaRefusal spent = metered.quota(principal);
    if (spent != null) {
      metrics.quotaRejected(spent.plan(), spent.period());
      ctx.fail(new HttpProblem(ProblemType.QUOTA_EXCEEDED, spent.message(),
          Map.of(HttpHeaders.RETRY_AFTER.toString(), Long.toString(spent.retryAfterSeconds()))));
      return;
    }
    ctx.next();
  }

  private static void count(RoutingContext ctx, Usage usage, Principal principal) {
    Counter outcome = Counter.forStatus(ctx.response().getStatusCode());
    String resource = Usage.NO_RESOURCE;
    if (outcome == Counter.REQUESTS_OK) {
      RequestPath path = RequestPath.of(ctx);
      resource = path.view() != null ? path.view()
          : path.stream() != null ? path.stream() : Usage.NO_RESOURCE;
    }
    usage.count(principal, resource, outcome, 1);
    Long rows = ctx.get(ROWS);
    if (rows != null) {
      usage.count(principal, resource, Counter.ROWS, rows);
    }
    Long events = ctx.get(EVENTS);
    if (events != null) {
      usage.count(principal, resource, Counter.EVENTS, events);
    }
  }
}
