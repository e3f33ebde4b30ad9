package io.streamgate.gateway.breaker;

import io.streamgate.gateway.breaker.internal.Resilience4jBreaker;
import io.streamgate.gateway.config.BreakerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Guards calls to a dependency that may fail or hang, composed as
 * {@code Bulkhead(CircuitBreaker(Timeout(call)))}:
 * <ol>
 *   <li>circuit breaker: while open, calls fail at once with {@link CallRejectedException};
 *   <li>bulkhead: at most a fixed number of calls in flight, more fail at once (no queueing);
 *   <li>timeout: a call not done in time fails with {@link java.util.concurrent.TimeoutException}
 *       (a Vert.x timer; the underlying request is not cancelled, its late answer is dropped).
 * </ol>
 * Outcomes feed the breaker: failures the predicate selects and timeouts count against it,
 * anything else (e.g. a malformed row, which retrying would not fix) counts as neither.
 *
 * <p>Thread-safe and non-blocking: {@link #execute} may be called from any event loop; permits
 * are only ever tried, never waited for.
 */
public interface Breaker {

  /** The breaker's state, for health and metrics. */
  enum State { CLOSED, OPEN, HALF_OPEN, DISABLED }

  /** How one call ended. */
  enum Outcome { SUCCESS, FAILURE, TIMEOUT, REJECTED }

  /**
   * Told about every call (metrics). Called on the thread that completes the call; must be cheap
   * and thread-safe.
   */
  interface Observer {
    Observer NONE = (outcome, nanos) -> { };

    /** @param nanos the call's duration; 0 for a call that was rejected and never made */
    void onCall(Outcome outcome, long nanos);
  }

  /**
   * Runs {@code call} if the breaker and bulkhead permit it.
   *
   * @return the call's outcome; or a failed future with {@link CallRejectedException} if the call
   *     was not made, or {@link java.util.concurrent.TimeoutException} if it did not finish in time
   */
  <T> Future<T> execute(Supplier<Future<T>> call);

  State state();

  /**
   * A resilience4j breaker and semaphore bulkhead named {@code name}.
   *
   * @param recordAsFailure which call failures count against the breaker (timeouts always do)
   */
  static Breaker create(Vertx vertx, String name, BreakerConfig config, long timeoutMillis,
      Clock clock, Predicate<Throwable> recordAsFailure, Observer observer) {
    return new Resilience4jBreaker(vertx, name, config, timeoutMillis, clock, recordAsFailure,
        observer);
  }
}
