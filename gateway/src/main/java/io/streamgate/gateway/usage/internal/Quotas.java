package io.streamgate.gateway.usage.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.PlanConfig;
import io.streamgate.gateway.config.QuotaConfig;
import io.streamgate.gateway.usage.Counter;
import io.streamgate.gateway.usage.QuotaRefusal;
import java.time.Duration;
import java.util.Map;

/**
 * What each principal on a plan with quotas has used this UTC day and month, as far as this
 * gateway knows: the totals of every gateway as of this gateway's last flush, plus what it
 * counted since. The same sharing as the rate limits: decided in memory, corrected every flush;
 * the overshoot is bounded by what the other gateways admit within one flush interval. A
 * principal new to this gateway counts from zero until the first flush answers its totals.
 *
 * <p>Bounded: principals leave after {@link #IDLE} without requests, at most
 * {@link #MAX_PRINCIPALS} are held (least recently used leave first; their next request starts
 * from zero again, until the flush). Thread-safe: each principal's state is synchronized.
 */
final class Quotas {
  static final Duration IDLE = Duration.ofMinutes(10);
  static final int MAX_PRINCIPALS = 100_000;
  private static final String[] NAMES = {"requests", "rows", "events"};

  private static final class State {
    String day;
    String month;
    final long[] dayKnown = new long[3];
    final long[] monthKnown = new long[3];
    /** Counted here this day and month since the flush drained them: not in the totals yet. */
    final long[] dayPending = new long[3];
    final long[] monthPending = new long[3];

    /** Forgets the counts of a period that ended. */
    void roll(String today, String thisMonth) {
      if (!today.equals(day)) {
        day = today;
        java.util.Arrays.fill(dayKnown, 0);
        java.util.Arrays.fill(dayPending, 0);
      }
      if (!thisMonth.equals(month)) {
        month = thisMonth;
        java.util.Arrays.fill(monthKnown, 0);
        java.util.Arrays.fill(monthPending, 0);
      }
    }
  }

  private final LimitsConfig plans;
  private final Cache<String, State> states = Caffeine.newBuilder()
      .maximumSize(MAX_PRINCIPALS)
      .expireAfterAccess(IDLE)
      .executor(Runnable::run)
      .build();

  Quotas(LimitsConfig plans) {
    this.plans = plans;
  }

  /** The plan a principal's {@code plan} claim gets, as the rate limits resolve it. */
  PlanConfig plan(String plan) {
    PlanConfig config = plan == null ? null : plans.plans().get(plan);
    return config != null ? config : plans.plans().get(plans.fallbackPlan());
  }

  String planName(String plan) {
    return plan != null && plans.plans().containsKey(plan) ? plan : plans.fallbackPlan();
  }

  /** True if some plan has a quota (else nothing here is ever asked). */
  boolean any() {
    return plans.plans().values().stream().anyMatch(p -> p.quota().any());
  }

  /** The first spent quota of {@code subject} on {@code plan}, or null. */
  QuotaRefusal check(String subject, String plan, long nowMs) {
    QuotaConfig quota = plan(plan).quota();
    if (!quota.any()) {
      return null;
    }
    State state = states.get(subject, s -> new State());
    String today = UtcPeriods.day(nowMs);
    String thisMonth = UtcPeriods.month(nowMs);
    synchronized (state) {
      state.roll(today, thisMonth);
      QuotaRefusal refusal = spent(planName(plan), "day", quota.perDay(), state.dayKnown,
          state.dayPending, UtcPeriods.secondsToDayEnd(nowMs));
      return refusal != null ? refusal : spent(planName(plan), "month", quota.perMonth(),
          state.monthKnown, state.monthPending, UtcPeriods.secondsToMonthEnd(nowMs));
    }
  }

  private static QuotaRefusal spent(String plan, String period, QuotaConfig.Amounts limits,
      long[] known, long[] pending, long retryAfter) {
    long[] limit = {limits.requests(), limits.rows(), limits.events()};
    for (int i = 0; i < 3; i++) {
      long used = known[i] + pending[i];
      if (limit[i] > 0 && used >= limit[i]) {
        return new QuotaRefusal(plan, period, NAMES[i], limit[i], used, retryAfter);
      }
    }
    return null;
  }

  /** Counts towards the quotas of a principal being tracked (one that was checked). */
  void counted(String subject, Counter counter, long amount) {
    int index = index(counter);
    if (index < 0) {
      return;
    }
    State state = states.getIfPresent(subject);
    if (state != null) {
      synchronized (state) {
        state.dayPending[index] += amount;
        state.monthPending[index] += amount;
      }
    }
  }

  /** True if {@code subject} is tracked: its flush should ask for its totals. */
  boolean tracked(String subject) {
    return states.getIfPresent(subject) != null;
  }

  /**
   * A flush wrote {@code flushed} (counts drained before it, by quota index) and answered every
   * gateway's totals of {@code day} and its month.
   */
  void learned(String subject, String day, Map<String, Long> dayTotals,
      Map<String, Long> monthTotals, long[] flushed) {
    State state = states.getIfPresent(subject);
    if (state == null) {
      return;
    }
    synchronized (state) {
      boolean sameMonth = day.startsWith(state.month == null ? "-" : state.month);
      boolean sameDay = day.equals(state.day);
      for (int i = 0; i < 3; i++) {
        if (sameMonth) {
          state.monthPending[i] = Math.max(0, state.monthPending[i] - flushed[i]);
          state.monthKnown[i] = monthTotals.getOrDefault(NAMES[i], 0L);
        }
        if (sameDay) {
          state.dayPending[i] = Math.max(0, state.dayPending[i] - flushed[i]);
          state.dayKnown[i] = dayTotals.getOrDefault(NAMES[i], 0L);
        }
      }
    }
  }

  /** The quota index (requests 0, rows 1, events 2) a counter counts towards, or -1. */
  static int index(Counter counter) {
    String quota = counter.quota();
    if (quota == null) {
      return -1;
    }
    return switch (quota) {
      case "requests" -> 0;
      case "rows" -> 1;
      default -> 2;
    };
  }

  static String name(int index) {
    return NAMES[index];
  }
}
