package io.streamgate.gateway.config;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Per-principal rate limits. A token's {@code plan} claim picks the plan; tokens without one (or
 * naming a plan not configured here) get {@code fallbackPlan}.
 *
 * @param enabled        false turns the rate-limit stage off (no headers, no 429)
 * @param defaultPlan    deprecated name of {@code fallbackPlan}, used when that is not set; null
 *                       if not configured
 * @param syncIntervalMs how often each gateway reconciles its local counts with the shared
 *                       counters in Redis; the overshoot across instances grows with it
 * @param plans          plan name → limit
 * @param fallbackPlan   the plan for tokens without a known {@code plan} claim; must be in plans;
 *                       null picks {@code defaultPlan} if set, else the most restrictive plan
 *                       ({@link #mostRestrictive})
 */
public record LimitsConfig(boolean enabled, String defaultPlan, int syncIntervalMs,
    Map<String, PlanConfig> plans, String fallbackPlan) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_PLAN = "default";
  public static final int DEFAULT_SYNC_INTERVAL_MS = 100;
  public static final int MIN_SYNC_INTERVAL_MS = 10;
  public static final int MAX_SYNC_INTERVAL_MS = 10_000;
  /** Generous: the demo and the benchmark must never be throttled by it. */
  public static final PlanConfig DEFAULT_PLAN_LIMIT = new PlanConfig(6_000_000, 60);
  public static final String TRIAL_PLAN = "trial";
  public static final PlanConfig TRIAL_PLAN_LIMIT = new PlanConfig(20, 60);
  /** Plan names appear in Redis keys and logs. */
  public static final Pattern PLAN_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  public LimitsConfig {
    if (plans == null || plans.isEmpty()) {
      throw new ConfigException("plans", "must define at least one plan");
    }
    for (String name : plans.keySet()) {
      if (!PLAN_NAME.matcher(name).matches()) {
        throw new ConfigException("plans",
            "plan name must match " + PLAN_NAME.pattern() + ", but was '" + name + "'");
      }
    }
    plans = Map.copyOf(new TreeMap<>(plans));
    if (defaultPlan != null && !plans.containsKey(defaultPlan)) {
      throw new ConfigException("defaultPlan", "names plan '" + defaultPlan
          + "', which is not one of limits.plans " + new TreeMap<>(plans).keySet());
    }
    if (fallbackPlan == null) {
      fallbackPlan = defaultPlan != null ? defaultPlan : mostRestrictive(plans);
    } else if (!plans.containsKey(fallbackPlan)) {
      throw new ConfigException("fallbackPlan", "names plan '" + fallbackPlan
          + "', which is not one of limits.plans " + new TreeMap<>(plans).keySet());
    }
    if (syncIntervalMs < MIN_SYNC_INTERVAL_MS || syncIntervalMs > MAX_SYNC_INTERVAL_MS) {
      throw new ConfigException("syncIntervalMs", "must be " + MIN_SYNC_INTERVAL_MS + "-"
          + MAX_SYNC_INTERVAL_MS + ", but was " + syncIntervalMs);
    }
  }

  /** Limits without {@code fallbackPlan} (taken from {@code defaultPlan}, if set). */
  public LimitsConfig(boolean enabled, String defaultPlan, int syncIntervalMs,
      Map<String, PlanConfig> plans) {
    this(enabled, defaultPlan, syncIntervalMs, plans, null);
  }

  /** The built-in plans; tokens without a known plan get the most restrictive ({@code trial}). */
  public static LimitsConfig defaults() {
    return new LimitsConfig(DEFAULT_ENABLED, null, DEFAULT_SYNC_INTERVAL_MS, defaultPlans(), null);
  }

  /**
   * The plan allowing the fewest requests per second (then the fewest requests, then the first
   * name): what a token gets when its plan is unknown, unless configured otherwise.
   */
  public static String mostRestrictive(Map<String, PlanConfig> plans) {
    String best = null;
    for (String name : new TreeMap<>(plans).keySet()) {
      PlanConfig p = plans.get(name);
      PlanConfig b = best == null ? null : plans.get(best);
      if (b == null || p.requests() * b.periodSeconds() < b.requests() * p.periodSeconds()
          || p.requests() * b.periodSeconds() == b.requests() * p.periodSeconds()
              && p.requests() < b.requests()) {
        best = name;
      }
    }
    return best;
  }

  public static Map<String, PlanConfig> defaultPlans() {
    return Map.of(DEFAULT_PLAN, DEFAULT_PLAN_LIMIT, TRIAL_PLAN, TRIAL_PLAN_LIMIT);
  }

  /** New plans; {@code newFallbackPlan} for tokens without a known plan (null: see above). */
  public LimitsConfig withPlans(String newFallbackPlan, Map<String, PlanConfig> newPlans) {
    return new LimitsConfig(enabled, null, syncIntervalMs, newPlans, newFallbackPlan);
  }

  public LimitsConfig withSyncIntervalMs(int newSyncIntervalMs) {
    return new LimitsConfig(enabled, defaultPlan, newSyncIntervalMs, plans, fallbackPlan);
  }

  public LimitsConfig withFallbackPlan(String newFallbackPlan) {
    return new LimitsConfig(enabled, defaultPlan, syncIntervalMs, plans, newFallbackPlan);
  }
}
