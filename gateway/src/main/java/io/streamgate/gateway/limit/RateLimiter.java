package io.streamgate.gateway.limit;

/**
 * Decides whether a principal may make one more request under its plan (the Spring Cloud
 * Gateway shape: who is asking is resolved before, this only says yes or no plus headers).
 *
 * <p>Implementations are thread-safe and never block or do I/O in {@link #isAllowed}: it is
 * called on every event loop for every request.
 */
public interface RateLimiter {

  /**
   * Counts one request of {@code principalKey} and decides on it.
   *
   * @param principalKey who is asking (the token's subject)
   * @param plan         the token's {@code plan} claim, or null; missing and unknown plans get the
   *                     configured fallback plan
   */
  default Decision isAllowed(String principalKey, String plan) {
    return isAllowed(principalKey, plan, 1);
  }

  /**
   * Counts {@code cost} requests of {@code principalKey} at once, all or none (a GraphQL query
   * costs one per row it reads): refused if fewer than {@code cost} remain.
   *
   * @param cost at least 1
   */
  Decision isAllowed(String principalKey, String plan, int cost);

  /**
   * Requests per minute the plan a token names allows (missing and unknown plans: the fallback
   * plan's), at least 1 (0 only for {@link #unlimited()}); for budgets of other kinds tied to
   * the plan (push messages).
   */
  long perMinute(String plan);

  /**
   * For the gateway's warm-up (a rehearsal of the request chain before readiness): a limiter
   * that decides with this one's code on counts of its own, which nothing syncs or reads, and
   * never refuses, so the warm-up compiles the limiter's path without spending anyone's budget.
   */
  default RateLimiter rehearsal() {
    return unlimited();
  }

  /** False for {@link #unlimited()}: no stage counts requests, no header is sent. */
  default boolean enabled() {
    return true;
  }

  /**
   * The limiter when rate limits are off ({@code limits.enabled: false}): admits everything,
   * budgets nothing ({@link #perMinute} 0 means unlimited).
   */
  static RateLimiter unlimited() {
    return Unlimited.INSTANCE;
  }

  /** {@link #unlimited()}. */
  enum Unlimited implements RateLimiter {
    INSTANCE;

    @Override
    public Decision isAllowed(String principalKey, String plan, int cost) {
      return new Decision(true, plan, Long.MAX_VALUE, Long.MAX_VALUE, 1, 0);
    }

    @Override
    public long perMinute(String plan) {
      return 0;
    }

    @Override
    public boolean enabled() {
      return false;
    }
  }
}
