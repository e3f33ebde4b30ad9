package io.streamgate.gateway.config;

/**
 * One rate-limit plan: at most {@code requests} requests per principal in any interval of
 * {@code periodSeconds} (a sliding window), and its {@code quota} per day and month
 * ({@link QuotaConfig#NONE} for none). Immutable.
 */
public record PlanConfig(long requests, int periodSeconds, QuotaConfig quota) {
  public static final long MAX_REQUESTS = 1_000_000_000L;
  public static final int MAX_PERIOD_SECONDS = 86_400;

  public PlanConfig {
    quota = quota == null ? QuotaConfig.NONE : quota;
    if (requests < 1 || requests > MAX_REQUESTS) {
      throw new ConfigException("requests", "must be 1-" + MAX_REQUESTS + ", but was " + requests);
    }
    if (periodSeconds < 1 || periodSeconds > MAX_PERIOD_SECONDS) {
      throw new ConfigException(
          "periodSeconds", "must be 1-" + MAX_PERIOD_SECONDS + ", but was " + periodSeconds);
    }
  }

  /** A plan without quotas. */
  public PlanConfig(long requests, int periodSeconds) {
    this(requests, periodSeconds, QuotaConfig.NONE);
  }
}
