package io.streamgate.gateway.config;

/**
 * The circuit breaker and bulkhead around every Redis call of the store. Each call is also cut
 * off after {@code redis.timeoutMs}; a timeout counts as a failure.
 *
 * @param failureRateThreshold     percentage of failed calls (of the last
 *                                 {@code slidingWindowSize}) that opens the breaker
 * @param minimumNumberOfCalls     calls needed in the window before the rate is judged
 * @param slidingWindowSize        calls the failure rate is computed over
 * @param waitDurationInOpenMs     how long an open breaker refuses calls before letting trial
 *                                 calls through (half-open); also the 503's Retry-After
 * @param permittedCallsInHalfOpen trial calls that decide between closing and reopening
 * @param maxConcurrentCalls       bulkhead: Redis calls in flight at once; more fail at once with
 *                                 503 instead of queueing
 */
public record BreakerConfig(int failureRateThreshold, int minimumNumberOfCalls,
    int slidingWindowSize, int waitDurationInOpenMs, int permittedCallsInHalfOpen,
    int maxConcurrentCalls) {
  public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;
  public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 10;
  public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;
  public static final int DEFAULT_WAIT_DURATION_IN_OPEN_MS = 2_000;
  public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN = 3;
  /** Pipelining makes hundreds of calls in flight normal; beyond this Redis is not keeping up. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 512;

  public BreakerConfig {
    if (failureRateThreshold < 1 || failureRateThreshold > 100) {
      throw new ConfigException("failureRateThreshold",
          "must be 1-100 (percent), but was " + failureRateThreshold);
    }
    if (slidingWindowSize < 1 || slidingWindowSize > 10_000) {
      throw new ConfigException("slidingWindowSize",
          "must be 1-10000, but was " + slidingWindowSize);
    }
    if (minimumNumberOfCalls < 1 || minimumNumberOfCalls > slidingWindowSize) {
      throw new ConfigException("minimumNumberOfCalls", "must be 1-slidingWindowSize ("
          + slidingWindowSize + "), but was " + minimumNumberOfCalls);
    }
    if (waitDurationInOpenMs < 1 || waitDurationInOpenMs > 600_000) {
      throw new ConfigException("waitDurationInOpenMs",
          "must be 1-600000, but was " + waitDurationInOpenMs);
    }
    if (permittedCallsInHalfOpen < 1 || permittedCallsInHalfOpen > 1_000) {
      throw new ConfigException("permittedCallsInHalfOpen",
          "must be 1-1000, but was " + permittedCallsInHalfOpen);
    }
    if (maxConcurrentCalls < 1 || maxConcurrentCalls > 1_000_000) {
      throw new ConfigException("maxConcurrentCalls",
          "must be 1-1000000, but was " + maxConcurrentCalls);
    }
  }

  public static BreakerConfig defaults() {
    return new BreakerConfig(DEFAULT_FAILURE_RATE_THRESHOLD, DEFAULT_MINIMUM_NUMBER_OF_CALLS,
        DEFAULT_SLIDING_WINDOW_SIZE, DEFAULT_WAIT_DURATION_IN_OPEN_MS,
        DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN, DEFAULT_MAX_CONCURRENT_CALLS);
  }

  public BreakerConfig withWaitDurationInOpenMs(int newWaitMs) {
    return new BreakerConfig(failureRateThreshold, minimumNumberOfCalls, slidingWindowSize,
        newWaitMs, permittedCallsInHalfOpen, maxConcurrentCalls);
  }
}
