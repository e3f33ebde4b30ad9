package io.streamgate.gateway.limit.internal;

import io.streamgate.gateway.limit.Decision;
import io.streamgate.gateway.limit.Plan;

/**
 * One principal's count under one plan in the current fixed window, as this gateway instance
 * sees it: the global count last read from Redis plus what it admitted since.
 *
 * <p><b>Local share.</b> Between two reconciliations an instance may admit at most its share of
 * the budget left at the last one: {@code ceil((limit - global) / instances)}. Every instance
 * does the same with the global count it read, so what all of them admit between their syncs
 * adds up to the budget left, plus at most one request per instance for rounding, plus whatever
 * the others synced after this instance last read the count (traffic of one sync interval).
 * That is the overshoot bound; see the package README section "Rate limits".
 *
 * <p><b>Local mode.</b> While Redis cannot be reached ({@code shared == false}) the instance
 * enforces the whole limit on its own: with N instances up to N times the limit gets through,
 * but the limit still holds per instance.
 *
 * <p>Thread-safe: request threads call {@link #tryAcquire}, the sync context calls
 * {@link #snapshot}, {@link #applySync} and {@link #failSync}; all are short and synchronized.
 */
final class WindowCounter {
  final Plan plan;
  final String principal;

  // Guarded by this.
  private long window = Long.MIN_VALUE;
  /** The global count for {@code window} as last read from Redis (includes our synced admits). */
  private long global;
  /** Admitted here and not yet sent to Redis. */
  private long unsynced;
  /** Admitted here, sent to Redis, reply not yet applied. */
  private long inFlight;
  /** How many admits beyond {@code global} this instance may make until the next sync. */
  private long allowance;
  private long lastUsedMillis;

  WindowCounter(Plan plan, String principal) {
    this.plan = plan;
    this.principal = principal;
  }

  /**
   * Counts one request if the limit allows it.
   *
   * @param instances         gateways sharing the limit, as last read from Redis (at least 1)
   * @param shared            false while Redis is unreachable: enforce the whole limit locally
   * @param shareRetrySeconds Retry-After when only this instance's share (not the limit) is used
   */
  synchronized Decision tryAcquire(long nowMillis, int instances, boolean shared,
      long shareRetrySeconds) {
    roll(nowMillis, instances);
    lastUsedMillis = nowMillis;
    long local = unsynced + inFlight;
    long remaining = plan.requests() - global - local;
    long resetSeconds = ceilSeconds(windowEnd() - nowMillis);
    boolean withinShare = !shared || local < allowance;
    if (remaining > 0 && withinShare) {
      unsynced++;
      return new Decision(true, plan.name(), plan.requests(), remaining - 1, resetSeconds, 0);
    }
    long retryAfter = remaining > 0 ? Math.min(shareRetrySeconds, resetSeconds) : resetSeconds;
    return new Decision(false, plan.name(), plan.requests(), Math.max(0, remaining),
        resetSeconds, retryAfter);
  }

  /**
   * Takes what was admitted since the last sync, to be added to Redis, or null if this counter
   * has nothing to sync: its window is over, or it has been idle (no admits to send) since
   * {@code activeSinceMillis}, so refreshing its global count can wait until it is used again.
   */
  synchronized SyncItem snapshot(long nowMillis, long activeSinceMillis) {
    if (window != windowOf(nowMillis)) {
      return null;
    }
    if (unsynced == 0 && lastUsedMillis < activeSinceMillis) {
      return null;
    }
    long delta = unsynced;
    inFlight += delta;
    unsynced = 0;
    return new SyncItem(this, window, delta);
  }

  /** Redis answered: the global count for the window now includes {@code item.delta()}. */
  synchronized void applySync(SyncItem item, long globalCount, int instances) {
    if (item.window() != window) {
      return; // rolled meanwhile; the old window's count no longer matters
    }
    inFlight -= item.delta();
    global = Math.max(global, globalCount);
    allowance = share(plan.requests() - global, instances);
  }

  /** The sync failed: keep the delta for the next one (counting twice errs on the safe side). */
  synchronized void failSync(SyncItem item) {
    if (item.window() != window) {
      return;
    }
    inFlight -= item.delta();
    unsynced += item.delta();
  }

  /** True if the counter's window is over and nothing is pending, so it can be dropped. */
  synchronized boolean expired(long nowMillis) {
    return window < windowOf(nowMillis) && inFlight == 0;
  }

  long windowOf(long nowMillis) {
    return Math.floorDiv(nowMillis, plan.periodMillis());
  }

  /** Epoch millis at which window number {@code windowIndex} ends. */
  long windowEnd(long windowIndex) {
    return (windowIndex + 1) * plan.periodMillis();
  }

  private long windowEnd() {
    return windowEnd(window);
  }

  private void roll(long nowMillis, int instances) {
    long current = windowOf(nowMillis);
    if (current != window) {
      window = current;
      global = 0;
      unsynced = 0;
      inFlight = 0;
      allowance = share(plan.requests(), instances);
    }
  }

  static long share(long left, int instances) {
    if (left <= 0) {
      return 0;
    }
    int n = Math.max(1, instances);
    return (left + n - 1) / n;
  }

  private static long ceilSeconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  /** What one sync sends for one counter: its window and the admits to add. */
  record SyncItem(WindowCounter counter, long window, long delta) {}
}
