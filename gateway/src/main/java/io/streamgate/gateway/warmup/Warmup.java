package io.streamgate.gateway.warmup;

import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.config.HttpConfig;
import io.streamgate.gateway.warmup.internal.LoopbackWarmup;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The warm-up before readiness ({@code http.warmup}). Deployed after the HTTP listeners, it
 * loads the gateway with point reads over loopback HTTP through the whole public chain (JWT,
 * usage, rate limit, route, near cache, breaker, Redis, problem answers, access log, metrics) for
 * a bounded time, so the JIT has compiled the read path before the first client arrives; the
 * readiness probe answers 503 until it has finished. Its requests carry the
 * {@link io.streamgate.gateway.http.WarmupMark}: no access log line, no {@code http} metric, no
 * usage, no rate-limit budget. They list up to {@code http.warmup.rows} rows (an equal share of
 * each view), page by page (the near cache keeps them: a new gateway's empty cache sent clients' first reads
 * to Redis), then read those rows (their data goes nowhere), so the near cache's hit path and the
 * 200 answer get compiled, and one read in eight is of a key that does not exist (near-cache
 * miss, Redis, 404). Their calls to Redis and the near cache's counters are real and count.
 *
 * <p>Its token is one it signs itself with the first HS256 key; with only public keys or JWKS it
 * has none and warms the chain up to the 401. It never fails the start: when Redis does not
 * answer (its own PING, or most reads fail) it ends within a second or two, and readiness then
 * follows Redis alone.
 *
 * <p>Deploying it returns at once; the load runs on its own context and never blocks an event
 * loop. {@link #finished()} and {@link #details()} are safe from any thread.
 */
public interface Warmup extends Deployable {

  /** True once the warm-up has ended (at once when it is off). */
  boolean finished();

  /**
   * {@code {"state": "off"|"pending"|"running"|"finished", "ms", "requests", "lastSecondRate",
   * "reason"}} (only {@code state} when off) for the management listener's readiness details.
   */
  Map<String, Object> details();

  /**
   * @param port the public listener's bound port, asked when the warm-up is deployed
   * @param ping one PING to Redis, failing when it does not answer in time; asked once a second
   */
  static Warmup loopback(HttpConfig http, IntSupplier port, TokenVerifier verifier,
      Catalog catalog, NearCache rows, Supplier<Future<Void>> ping) {
    return new LoopbackWarmup(http, port, verifier, catalog, rows, ping);
  }

  /** No warm-up ({@code http.warmup.enabled: false}): finished from the start. */
  static Warmup off() {
    return new Warmup() {
      @Override
      public boolean finished() {
        return true;
      }

      @Override
      public Map<String, Object> details() {
        return Map.of("state", "off");
      }

      @Override
      public Future<?> deploy(io.vertx.core.Context context) {
        return Future.succeededFuture();
      }

      @Override
      public Future<?> undeploy(io.vertx.core.Context context) {
        return Future.succeededFuture();
      }
    };
  }
}
