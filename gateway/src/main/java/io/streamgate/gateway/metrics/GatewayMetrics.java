package io.streamgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.config.PlanConfig;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The gateway's meters, exposed in the Prometheus text format by {@link #scrape()}:
 * <ul>
 *   <li>{@value #HTTP} (timer, histogram): per route template, method and status;
 *   <li>{@value #RATE_LIMITED} (counter): 429s per plan;
 *   <li>{@value #BREAKER_STATE} (gauge): 1 for the breaker's current state, 0 for the others;
 *   <li>{@value #REDIS} (timer, histogram): every Redis call of the store, per outcome
 *       (success, failure, timeout, rejected: not made because the breaker or bulkhead refused);
 *   <li>{@value #CACHE_HITS}, {@value #CACHE_MISSES}, {@value #CACHE_STALE},
 *       {@value #CACHE_REVALIDATIONS} (counters),
 *       {@value #CACHE_HIT_RATIO} (hits / (hits + misses) since start) and
 *       {@value #CACHE_SIZE} (gauges);
 *   <li>event ingest: {@value #INGEST_EVENTS} (counter, per stream and outcome: accepted,
 *       invalid, failed), {@value #INGEST_BYTES} (counter: JSON bytes of accepted events, per
 *       stream), {@value #INGEST_ACK} (timer, histogram: hand-off to Kafka until the last
 *       acknowledgement of a request, per outcome) and {@value #INGEST_IN_FLIGHT} (gauge).
 * </ul>
 * Thread-safe: recorded from every event loop.
 */
public final class GatewayMetrics {
  public static final String HTTP = "http.server.requests";
  public static final String RATE_LIMITED = "streamgate.ratelimit.rejected";
  public static final String QUOTA_REJECTED = "streamgate.quota.rejected";
  public static final String USAGE_OVERFLOW = "streamgate.usage.overflow";
  public static final String BREAKER_STATE = "streamgate.breaker.state";
  public static final String REDIS = "streamgate.redis.calls";
  public static final String CACHE_HITS = "streamgate.cache.hits";
  public static final String CACHE_MISSES = "streamgate.cache.misses";
  public static final String CACHE_STALE = "streamgate.cache.stale";
  public static final String CACHE_REVALIDATIONS = "streamgate.cache.revalidations";
  public static final String CACHE_HIT_RATIO = "streamgate.cache.hit.ratio";
  public static final String CACHE_SIZE = "streamgate.cache.size";
  public static final String INGEST_EVENTS = "streamgate.ingest.events";
  public static final String CHANGES_MALFORMED = "streamgate.changes.malformed";
  public static final String INGEST_BYTES = "streamgate.ingest.bytes";
  public static final String INGEST_ACK = "streamgate.ingest.ack";
  public static final String INGEST_IN_FLIGHT = "streamgate.ingest.inflight.bytes";
  /** The Prometheus text exposition format {@link #scrape()} produces. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** Route label of requests that matched no route. */
  public static final String UNMATCHED = "unmatched";
  /**
   * The methods the gateway serves (others answer 501); every other method is labelled
   * {@value #OTHER_METHOD}, so made-up methods cannot create meters.
   */
  public static final Set<HttpMethod> SERVED_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.PATCH);
  /** Method label of requests whose method is not in {@link #SERVED_METHODS}. */
  public static final String OTHER_METHOD = "OTHER";
  /**
   * Backstop: most distinct values of each {@value #HTTP} label (method, route, status); a meter
   * with one more value is not registered. The labels are bounded by construction (served
   * methods, documented templates, status codes); this holds if a bug ever unbounds one.
   */
  public static final int MAX_HTTP_TAG_VALUES = 100;
  private static final String ROUTE_KEY = "streamgate.route";

  private final PrometheusMeterRegistry registry = bounded(
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  private final Map<HttpTimerKey, Timer> httpTimers = new ConcurrentHashMap<>();
  /** {@link #requestTimer(Predicate)}'s unseen requests: never scraped. */
  private final PrometheusMeterRegistry unscraped = bounded(
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  private final Map<HttpTimerKey, Timer> unscrapedTimers = new ConcurrentHashMap<>();
  private final Map<Breaker.Outcome, Timer> redisTimers = new ConcurrentHashMap<>();
  private final Map<String, Counter> ingestCounters = new ConcurrentHashMap<>();
  private final Map<String, Timer> ingestTimers = new ConcurrentHashMap<>();

  /**
   * The first stage: times every request and records it when the response has ended. Requests
   * for which {@code unseen} answers true then (the gateway's own warm-up) are recorded in a
   * registry nobody scrapes: the same code runs for them, and they never show in {@value #HTTP}.
   */
  public Handler<RoutingContext> requestTimer(Predicate<RoutingContext> unseen) {
    return ctx -> {
      long start = System.nanoTime();
      ctx.addEndHandler(done -> {
        String route = ctx.get(ROUTE_KEY);
        boolean seen = !unseen.test(ctx);
        httpTimer(seen ? registry : unscraped, seen ? httpTimers : unscrapedTimers,
            route == null ? UNMATCHED : route, methodLabel(ctx.request().method()),
            ctx.response().getStatusCode()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      });
      ctx.next();
    };
  }

  /** The method's name if the gateway serves it, else {@value #OTHER_METHOD}. */
  public static String methodLabel(HttpMethod method) {
    return SERVED_METHODS.contains(method) ? method.name() : OTHER_METHOD;
  }

  private static PrometheusMeterRegistry bounded(PrometheusMeterRegistry registry) {
    for (String tag : new String[] {"method", "route", "status"}) {
      registry.config().meterFilter(
          MeterFilter.maximumAllowableTags(HTTP, tag, MAX_HTTP_TAG_VALUES, MeterFilter.deny()));
    }
    return registry;
  }

  /** Names the route of a request for the {@value #HTTP} timer, unless it already has one. */
  public static void nameRoute(RoutingContext ctx, String template) {
    if (ctx.get(ROUTE_KEY) == null) {
      ctx.put(ROUTE_KEY, template);
    }
  }

  /** The route template named by {@link #nameRoute}, or null if no route matched. */
  public static String routeOf(RoutingContext ctx) {
    return ctx.get(ROUTE_KEY);
  }

  public void rateLimited(String plan) {
    Counter.builder(RATE_LIMITED).tag("plan", plan)
        .description("requests refused with 429").register(registry).increment();
  }

  /** Feeds {@value #REDIS}; pass it to the breaker. */
  public Breaker.Observer redisCalls() {
    return (outcome, nanos) -> redisTimers.computeIfAbsent(outcome, o -> Timer.builder(REDIS)
        .tag("outcome", o.name().toLowerCase(Locale.ROOT))
        .description("Redis calls of the store, through the breaker")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  public void bindBreaker(String name, Breaker breaker) {
    for (Breaker.State state : Breaker.State.values()) {
      Gauge.builder(BREAKER_STATE, breaker, b -> b.state() == state ? 1 : 0)
          .tag("name", name).tag("state", state.name().toLowerCase(Locale.ROOT))
          .description("1 for the breaker's current state").register(registry);
    }
  }

  public void bindChangeFeed(ChangeFeed changes) {
    FunctionCounter.builder(CHANGES_MALFORMED, changes, ChangeFeed::malformed)
        .description("change messages ignored because they were not contract rows")
        .register(registry);
  }

  public void bindCache(NearCache cache) {
    FunctionCounter.builder(CACHE_HITS, cache, NearCache::hits)
        .description("reads answered from the near cache").register(registry);
    FunctionCounter.builder(CACHE_MISSES, cache, NearCache::misses)
        .description("reads that asked Redis").register(registry);
    FunctionCounter.builder(CACHE_STALE, cache, NearCache::staleAnswers)
        .description("reads answered stale while Redis could not be asked").register(registry);
    FunctionCounter.builder(CACHE_REVALIDATIONS, cache, NearCache::revalidations)
        .description("due rows asked for again in the background (their read was a hit)")
        .register(registry);
    Gauge.builder(CACHE_HIT_RATIO, cache, c -> {
      double total = c.hits() + c.misses();
      return total == 0 ? 0 : c.hits() / total;
    }).description("hits / (hits + misses) since start").register(registry);
    Gauge.builder(CACHE_SIZE, cache, NearCache::size)
        .description("rows held").register(registry);
  }

  /**
   * Counts events of one ingest request by outcome: {@code accepted} (202), {@code invalid}
   * (400 for the schema), {@code failed} (503: Kafka did not acknowledge in time or refused).
   * {@code stream} is a registered stream, so the label stays bounded.
   */
  public void ingestEvents(String stream, String outcome, long events, long bytes) {
    ingestCounters.computeIfAbsent(stream + ' ' + outcome, k -> Counter.builder(INGEST_EVENTS)
        .tag("stream", stream).tag("outcome", outcome)
        .description("events posted, by stream and outcome").register(registry))
        .increment(events);
    if ("accepted".equals(outcome)) {
      ingestCounters.computeIfAbsent(stream + " bytes", k -> Counter.builder(INGEST_BYTES)
          .tag("stream", stream).baseUnit("bytes")
          .description("JSON bytes of accepted events").register(registry)).increment(bytes);
    }
  }

  /** How long Kafka took to acknowledge every event of one request (outcome success/failure). */
  public void ingestAck(String outcome, long nanos) {
    ingestTimers.computeIfAbsent(outcome, o -> Timer.builder(INGEST_ACK).tag("outcome", o)
        .description("hand-off to Kafka until the last acknowledgement of a request")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Body bytes of ingest requests waiting for Kafka. */
  public void bindIngestInFlight(java.util.function.Supplier<Number> bytes) {
    Gauge.builder(INGEST_IN_FLIGHT, bytes).baseUnit("bytes")
        .description("body bytes of ingest requests waiting for Kafka").register(registry);
  }

  /** A request refused because its principal's quota of {@code period} (day, month) is spent. */
  public void quotaRejected(String plan, String period) {
    quotaCounter(plan, period).increment();
  }

  private Counter quotaCounter(String plan, String period) {
    return Counter.builder(QUOTA_REJECTED).tag("plan", plan).tag("period", period)
        .description("requests refused with 429 quota-exceeded").register(registry);
  }

  /**
   * Usage's meters: quota rejections of every plan with a quota, at 0 from the start (so alerts
   * and dashboards find them before the first one), and the counts that went beyond usage's
   * in-memory bound.
   */
  public void bindUsage(Usage usage, Map<String, PlanConfig> plans) {
    plans.forEach((name, plan) -> {
      if (plan.quota().perDay().any()) {
        quotaCounter(name, "day");
      }
      if (plan.quota().perMonth().any()) {
        quotaCounter(name, "month");
      }
    });
    FunctionCounter.builder(USAGE_OVERFLOW, usage, Usage::overflowed)
        .description("usage counts kept under principal (other): the in-memory bound was hit")
        .register(registry);
  }

  /** The registry behind {@link #scrape()}, for meters defined next to their feature (push). */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format. CPU only; proportional to the meter count. */
  public String scrape() {
    return registry.scrape();
  }

  /** One timer per label set; a record, not a concatenated string, to look up per request. */
  private record HttpTimerKey(String route, String method, int status) {
    // By hand: the generated ones go through method handles, which showed in profiles.
    @Override
    public boolean equals(Object o) {
      return o instanceof HttpTimerKey other && status == other.status
          && route.equals(other.route) && method.equals(other.method);
    }

    @Override
    public int hashCode() {
      return (31 * route.hashCode() + method.hashCode()) * 31 + status;
    }
  }

  private static Timer httpTimer(MeterRegistry registry, Map<HttpTimerKey, Timer> httpTimers,
      String route, String method, int status) {
    return httpTimers.computeIfAbsent(new HttpTimerKey(route, method, status),
        k -> Timer.builder(HTTP)
            .tag("route", route).tag("method", method).tag("status", Integer.toString(status))
            .description("HTTP requests by route template, method and status")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry));
  }
}
