package io.streamgate.gateway.server;

import io.streamgate.contract.json.Json;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemHandler;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.ThrottledWarning;
import io.streamgate.gateway.ingest.EventIngest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health for orchestrators, no token needed. Live: the process answers. Ready: the warm-up has
 * finished and Redis answered the last PING of {@link Readiness} (at most one per second per
 * process, outside the reads' breaker), so a load balancer stops sending traffic a gateway could
 * only answer with 503 (or serve slowly, cold); no request makes a Redis call. The management
 * listener's ready adds details: Redis, warm-up, catalog, ingest and the breaker's state.
 * Stateless; runs on the request's event loop.
 */
final class HealthHandler {
  private static final String JSON = "application/json";
  private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);
  private static final ThrottledWarning NOT_READY = new ThrottledWarning(LOG, 10_000);

  private final Readiness readiness;
  private final Catalog catalog;

  HealthHandler(Readiness readiness, Catalog catalog) {
    this.readiness = readiness;
    this.catalog = catalog;
  }

  public void live(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end("{\"status\":\"UP\"}");
  }

  /** The public port's cheap readiness: 200 or a 503 problem, from the last PING. */
  public void ready(RoutingContext ctx) {
    if (readiness.up()) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end("{\"status\":\"UP\",\"views\":" + catalog.views().size() + "}");
      return;
    }
    if (readiness.warmingUp()) {
      // Logged once, by the warm-up, when it starts and when it ends.
      ctx.fail(new HttpProblem(ProblemType.NOT_READY, "warming up: the gateway loads itself until"
          + " its read path is compiled (http.warmup); ready within seconds",
          Map.of(HttpHeaders.RETRY_AFTER.toString(), "1")));
      return;
    }
    NOT_READY.warn("not ready: " + readiness.error()
        + ". Start Redis or fix redis.url; readiness returns once it answers.");
    ctx.fail(new HttpProblem(ProblemType.NOT_READY, "the view store is not answering",
        Map.of(HttpHeaders.RETRY_AFTER.toString(), ProblemHandler.RETRY_AFTER_SECONDS)));
  }

  /**
   * The management listener's readiness: the same 200/503 rule, always a JSON body with the
   * details: {@code status}, {@code redis} (up, checkedAt, error), {@code warmup} (state, ms,
   * requests, lastSecondRate, reason), {@code catalog} (loaded,
   * views), {@code ingest} (enabled, streamsLoaded, kafka), {@code breaker} (state).
   *
   * @param ingest null when event ingest is off
   */
  public void details(RoutingContext ctx, EventIngest ingest, Breaker breaker) {
    boolean up = readiness.up();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", up ? "UP" : "DOWN");
    out.put("redis", readiness.redis());
    out.put("warmup", readiness.warmup());
    Map<String, Object> views = new LinkedHashMap<>();
    views.put("loaded", catalog.loaded());
    views.put("views", catalog.views().size());
    out.put("catalog", views);
    Map<String, Object> events = new LinkedHashMap<>();
    events.put("enabled", ingest != null);
    events.put("streamsLoaded", ingest != null && ingest.streams().loaded());
    events.put("kafka", ingest == null ? null : ingest.config().bootstrapServers());
    out.put("ingest", events);
    out.put("breaker", Map.of("state", breaker == null ? "DISABLED" : breaker.state().name()));
    ctx.response().setStatusCode(up ? 200 : 503)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Json.write(out));
  }
}
