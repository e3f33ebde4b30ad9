package io.streamgate.gateway.limit;

import io.streamgate.gateway.config.PlanConfig;

/**
 * A rate-limit plan: {@code requests} in any interval of {@code periodMillis} (a sliding
 * window). Immutable.
 */
public record Plan(String name, long requests, long periodMillis) {
  public Plan {
    if (requests < 1 || periodMillis < 1) {
      throw new IllegalArgumentException("plan " + name + " needs requests >= 1 and a period"
          + " >= 1 ms, but has " + requests + " per " + periodMillis + " ms");
    }
  }

  public static Plan of(String name, PlanConfig config) {
    return new Plan(name, config.requests(), config.periodSeconds() * 1000L);
  }
}
