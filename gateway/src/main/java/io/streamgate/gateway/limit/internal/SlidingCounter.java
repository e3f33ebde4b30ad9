package io.streamgate.gateway.limit.internal;

import io.streamgate.gateway.limit.Decision;
import io.streamgate.gateway.limit.Plan;
import java.util.Map;

/**
 * One principal's count over the sliding window of one period length, as this gateway instance
 * sees it. The period is cut into {@link #SLOTS} slots aligned to the epoch; the count is the sum
 * of the current slot and the {@code SLOTS} before it, so it covers at least the last full period
 * (at most one slot more). A request is admitted only while that sum is below the limit, so no
 * interval of one period length ever admits more than the limit, window boundaries included
 * (there are none); a steady client gets the limit per period plus one slot. Each slot holds the
 * global count last read from Redis (every gateway's synced admits) plus this instance's admits
 * not yet synced (unsent, and sent with the reply still out).
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
final class SlidingCounter {
  /** Slots per period: a 60 s period has 2 s slots. */
  static final int SLOTS = 30;

  final String principal;
  final long periodMillis;
  final long slotMillis;
  /** Slots counted: the current one and the {@code span - 1} before it. */
  private final int span;

  // Guarded by this. Index of a slot s in the arrays: floorMod(s, span).
  private final long[] global;
  private final long[] unsynced;
  private final long[] inFlight;
  /** The newest slot seen; older slots in the arrays are within the window. */
  private long newest = Long.MIN_VALUE;
  /** The limit of the plan last applied (the share is computed from it). */
  private long limit;
  /** How many admits beyond the global count this instance may make until the next sync. */
  private long allowance;
  private long lastUsedMillis;

  SlidingCounter(String principal, long periodMillis) {
    this.principal = principal;
    this.periodMillis = periodMillis;
    this.slotMillis = Math.max(1, (periodMillis + SLOTS - 1) / SLOTS);
    this.span = (int) ((periodMillis + slotMillis - 1) / slotMillis) + 1;
    this.global = new long[span];
    this.unsynced = new long[span];
    this.inFlight = new long[span];
  }

  /**
   * Counts {@code cost} requests if the plan's limit allows them all.
   *
   * @param instances         gateways sharing the limit, as last read from Redis (at least 1)
   * @param shared            false while Redis is unreachable: enforce the whole limit locally
   * @param shareRetrySeconds Retry-After when only this instance's share (not the limit) is used
   */
  synchronized Decision tryAcquire(Plan plan, int cost, long nowMillis, int instances,
      boolean shared, long shareRetrySeconds) {
    if (cost < 1) {
      throw new IllegalArgumentException("cost must be >= 1, but was " + cost);
    }
    if (newest == Long.MIN_VALUE || limit != plan.requests()) {
      allowance = share(plan.requests() - sum(global), instances);
    }
    limit = plan.requests();
    advance(nowMillis);
    lastUsedMillis = nowMillis;
    long used = sum(global) + sum(unsynced) + sum(inFlight);
    long local = sum(unsynced) + sum(inFlight);
    long remaining = limit - used;
    boolean withinShare = !shared || local + cost <= allowance;
    if (remaining >= cost && withinShare) {
      unsynced[index(newest)] += cost;
      return new Decision(true, plan.name(), limit, remaining - cost,
          secondsUntilFreed(nowMillis, 1), 0);
    }
    long untilBelow = secondsUntilFreed(nowMillis, cost - remaining);
    // Enough left in the limit: only this instance's share refused, which the next sync may grow.
    long retryAfter = remaining >= cost ? Math.min(shareRetrySeconds, untilBelow) : untilBelow;
    return new Decision(false, plan.name(), limit, Math.max(0, remaining),
        secondsUntilFreed(nowMillis, 1), retryAfter);
  }

  /**
   * Takes what was admitted since the last sync, to be added to Redis, or null if this counter
   * has nothing to sync: it has been idle (no admits to send) since {@code activeSinceMillis},
   * so refreshing its global count can wait until it is used again.
   */
  synchronized SyncItem snapshot(long nowMillis, long activeSinceMillis) {
    advance(nowMillis);
    long pending = sum(unsynced);
    if (pending == 0 && lastUsedMillis < activeSinceMillis) {
      return null;
    }
    int n = 0;
    for (long u : unsynced) {
      n += u > 0 ? 1 : 0;
    }
    long[] slots = new long[n];
    long[] deltas = new long[n];
    int i = 0;
    for (long s = oldest(); s <= newest; s++) {
      int at = index(s);
      if (unsynced[at] > 0) {
        slots[i] = s;
        deltas[i++] = unsynced[at];
        inFlight[at] += unsynced[at];
        unsynced[at] = 0;
      }
    }
    return new SyncItem(this, oldest(), slots, deltas);
  }

  /**
   * Redis answered: {@code globalSlots} (slot → count of every gateway, from
   * {@code item.oldestSlot()} on) now include {@code item}'s deltas.
   */
  synchronized void applySync(SyncItem item, Map<Long, Long> globalSlots, int instances) {
    settle(item);
    for (Map.Entry<Long, Long> slot : globalSlots.entrySet()) {
      long s = slot.getKey();
      if (s >= oldest() && s <= newest) {
        global[index(s)] = Math.max(global[index(s)], slot.getValue());
      }
    }
    allowance = share(limit - sum(global), instances);
  }

  /** The sync failed: keep the deltas for the next one (counting twice errs on the safe side). */
  synchronized void failSync(SyncItem item) {
    for (int i = 0; i < item.slots().length; i++) {
      long s = item.slots()[i];
      if (s >= oldest() && s <= newest) {
        inFlight[index(s)] -= item.deltas()[i];
        unsynced[index(s)] += item.deltas()[i];
      }
    }
  }

  /** True if the counter has counted nothing for a whole window and waits for no reply. */
  synchronized boolean expired(long nowMillis) {
    advance(nowMillis);
    return sum(global) + sum(unsynced) + sum(inFlight) == 0;
  }

  /** The slot {@code nowMillis} falls in. */
  long slotOf(long nowMillis) {
    return Math.floorDiv(nowMillis, slotMillis);
  }

  /** Epoch millis after which no slot up to {@code slot} is counted any more. */
  long countedUntil(long slot) {
    return (slot + span) * slotMillis;
  }

  private void settle(SyncItem item) {
    for (int i = 0; i < item.slots().length; i++) {
      long s = item.slots()[i];
      if (s >= oldest() && s <= newest) {
        inFlight[index(s)] -= item.deltas()[i];
      }
    }
  }

  private void advance(long nowMillis) {
    long current = slotOf(nowMillis);
    if (newest == Long.MIN_VALUE || current - newest >= span) {
      clear(0, span);
      newest = current;
      return;
    }
    // A clock going back keeps the newest slot: nothing is forgotten early.
    for (long s = newest + 1; s <= current; s++) {
      clear(index(s), index(s) + 1);
    }
    newest = Math.max(newest, current);
  }

  private void clear(int from, int to) {
    for (int i = from; i < to; i++) {
      global[i] = 0;
      unsynced[i] = 0;
      inFlight[i] = 0;
    }
  }

  private long oldest() {
    return newest - span + 1;
  }

  private int index(long slot) {
    return (int) Math.floorMod(slot, (long) span);
  }

  /**
   * Seconds (at least 1) until {@code count} counted requests have left the window, oldest
   * slots first; a period if there are not that many.
   */
  private long secondsUntilFreed(long nowMillis, long count) {
    long freed = 0;
    for (long s = oldest(); s <= newest; s++) {
      int at = index(s);
      freed += global[at] + unsynced[at] + inFlight[at];
      if (freed >= count) {
        return ceilSeconds(countedUntil(s) - nowMillis);
      }
    }
    return ceilSeconds(periodMillis);
  }

  static long share(long left, int instances) {
    if (left <= 0) {
      return 0;
    }
    int n = Math.max(1, instances);
    return (left + n - 1) / n;
  }

  private static long sum(long[] values) {
    long sum = 0;
    for (long v : values) {
      sum += v;
    }
    return sum;
  }

  private static long ceilSeconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  /**
   * What one sync sends for one counter: the admits per slot to add, and the oldest slot still
   * counted (Redis forgets older ones and answers the counts from it on).
   */
  record SyncItem(SlidingCounter counter, long oldestSlot, long[] slots, long[] deltas) {
    long delta() {
      long sum = 0;
      for (long d : deltas) {
        sum += d;
      }
      return sum;
    }
  }
}
