package io.streamgate.gateway.limit.internal;

import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.limit.Decision;
import io.streamgate.gateway.limit.Plan;
import io.streamgate.gateway.limit.RateLimiter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request-path half of the shared rate limiter: one {@link SlidingCounter} per principal
 * (per period length: plans of the same period share it, so a principal has one budget whatever
 * plan its tokens name), decided on in memory with no I/O. {@link RedisLimitSync} is the other half: it
 * periodically adds the local counts to Redis and feeds the global counts back here.
 *
 * <p>Thread-safe: {@link #isAllowed} runs on every event loop; the sync methods run on the
 * sync verticle's context.
 */
public final class SharedRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(SharedRateLimiter.class);
  /** Enough to name a few misconfigured plans without letting token contents grow a set. */
  private static final int MAX_REPORTED_PLANS = 64;
  /** A rehearsal's limit: never reached, and sums of counts stay far from overflow. */
  private static final long REHEARSAL_REQUESTS = Long.MAX_VALUE / 4;

  private final Map<String, Plan> plans;
  private final Plan fallbackPlan;
  private final Clock clock;
  private final long staleAfterMillis;
  private final long shareRetrySeconds;
  private final Map<String, SlidingCounter> counters = new ConcurrentHashMap<>();
  private final Map<String, Boolean> reportedPlans = new ConcurrentHashMap<>();
  /** Whose sync state (instances, last sync) applies: this one's, or its origin's (rehearsal). */
  private final SharedRateLimiter synced;

  private volatile int instances = 1;
  /** Clock millis of the last successful sync; MIN_VALUE until the first. */
  private volatile long lastSyncMillis = Long.MIN_VALUE;

  /**
   * @param staleAfterMillis how long after the last successful sync the shared counts are still
   *                         trusted; after that each instance limits on its own
   */
  public SharedRateLimiter(LimitsConfig config, Clock clock, long staleAfterMillis) {
    Map<String, Plan> byName = new TreeMap<>();
    config.plans().forEach((name, plan) -> byName.put(name, Plan.of(name, plan)));
    this.plans = Map.copyOf(byName);
    this.fallbackPlan = plans.get(config.fallbackPlan());
    this.clock = clock;
    this.staleAfterMillis = staleAfterMillis;
    this.shareRetrySeconds = Math.max(1, (config.syncIntervalMs() + 999) / 1000);
    this.synced = this;
  }

  /** {@link #rehearsal()}: {@code origin}'s plans without their limits, shared when it is. */
  private SharedRateLimiter(SharedRateLimiter origin) {
    Map<String, Plan> unlimited = new TreeMap<>();
    origin.plans.forEach((name, plan) ->
        unlimited.put(name, new Plan(name, REHEARSAL_REQUESTS, plan.periodMillis())));
    this.plans = Map.copyOf(unlimited);
    this.fallbackPlan = plans.get(origin.fallbackPlan.name());
    this.clock = origin.clock;
    this.staleAfterMillis = origin.staleAfterMillis;
    this.shareRetrySeconds = origin.shareRetrySeconds;
    this.synced = origin;
  }

  /** Counters of its own, never synced; plans of the same periods that never refuse. */
  @Override
  public RateLimiter rehearsal() {
    return new SharedRateLimiter(this);
  }

  @Override
  public Decision isAllowed(String principalKey, String plan, int cost) {
    Plan applied = resolve(plan);
    SlidingCounter counter = counters.computeIfAbsent(
        principalKey + '\u0000' + applied.periodMillis(),
        k -> new SlidingCounter(principalKey, applied.periodMillis()));
    long now = clock.millis();
    return counter.tryAcquire(applied, cost, now, synced.instances, synced.shared(now),
        shareRetrySeconds);
  }

  @Override
  public long perMinute(String plan) {
    Plan applied = resolve(plan);
    return Math.max(1, (long) Math.ceil(applied.requests() * 60_000.0 / applied.periodMillis()));
  }

  /** True while the last sync is recent enough to trust the shared counts. */
  public boolean shared(long nowMillis) {
    long last = lastSyncMillis;
    return last != Long.MIN_VALUE && nowMillis - last <= staleAfterMillis;
  }

  /** Gateways sharing the limits, as last read from Redis. */
  public int instances() {
    return instances;
  }

  long nowMillis() {
    return clock.millis();
  }

  /**
   * What to send to Redis: every counter used since {@code activeSinceMillis} or with admits not
   * yet sent. Drops counters that counted nothing for a whole period (a request racing with the
   * drop may go uncounted: one request, once per idle period at most).
   */
  List<SlidingCounter.SyncItem> snapshot(long nowMillis, long activeSinceMillis) {
    List<SlidingCounter.SyncItem> items = new ArrayList<>();
    counters.values().removeIf(counter -> counter.expired(nowMillis));
    for (SlidingCounter counter : counters.values()) {
      SlidingCounter.SyncItem item = counter.snapshot(nowMillis, activeSinceMillis);
      if (item != null) {
        items.add(item);
      }
    }
    return items;
  }

  /**
   * Redis answered: apply the global counts ({@code globals.get(i)}, slot → count, for
   * {@code items.get(i)}).
   */
  void applySync(List<SlidingCounter.SyncItem> items, List<Map<Long, Long>> globals,
      int activeInstances, long nowMillis) {
    instances = Math.max(1, activeInstances);
    for (int i = 0; i < items.size(); i++) {
      items.get(i).counter().applySync(items.get(i), globals.get(i), instances);
    }
    lastSyncMillis = nowMillis;
  }

  void failSync(List<SlidingCounter.SyncItem> items) {
    for (SlidingCounter.SyncItem item : items) {
      item.counter().failSync(item);
    }
  }

  private Plan resolve(String name) {
    if (name == null) {
      return fallbackPlan;
    }
    Plan plan = plans.get(name);
    if (plan != null) {
      return plan;
    }
    if (reportedPlans.size() < MAX_REPORTED_PLANS && reportedPlans.putIfAbsent(name, true) == null) {
      LOG.warn("tokens name rate-limit plan '{}', which is not configured; applying plan '{}'."
          + " Add it under limits.plans or fix the token issuer.", name, fallbackPlan.name());
    }
    return fallbackPlan;
  }
}
