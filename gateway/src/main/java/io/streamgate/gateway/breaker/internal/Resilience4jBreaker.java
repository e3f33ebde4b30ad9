package io.streamgate.gateway.breaker.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.breaker.Breaker.Outcome;
import io.streamgate.gateway.breaker.CallRejectedException;
import io.streamgate.gateway.config.BreakerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Breaker} over resilience4j's non-blocking primitives only: {@code tryAcquirePermission}
 * on the breaker and on a semaphore bulkhead with no wait, then {@code onSuccess}/{@code onError}
 * with the call's duration. Open → half-open happens lazily on the next permission attempt, so
 * no resilience4j scheduler thread exists. Thread-safe.
 */
public final class Resilience4jBreaker implements Breaker {
  private static final Logger LOG = LoggerFactory.getLogger(Resilience4jBreaker.class);

  private final Vertx vertx;
  private final String name;
  private final CircuitBreaker breaker;
  private final Bulkhead bulkhead;
  private final long timeoutMillis;
  private final long openRetryAfterSeconds;
  private final Breaker.Observer observer;

  public Resilience4jBreaker(Vertx vertx, String name, BreakerConfig config, long timeoutMillis,
      Clock clock, Predicate<Throwable> recordAsFailure) {
    this(vertx, name, config, timeoutMillis, clock, recordAsFailure, Breaker.Observer.NONE);
  }

  public Resilience4jBreaker(Vertx vertx, String name, BreakerConfig config, long timeoutMillis,
      Clock clock, Predicate<Throwable> recordAsFailure, Breaker.Observer observer) {
    this.vertx = vertx;
    this.observer = observer;
    this.name = name;
    this.timeoutMillis = timeoutMillis;
    this.openRetryAfterSeconds = Math.max(1, (config.waitDurationInOpenMs() + 999) / 1000);
    this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
        .clock(clock)
        .failureRateThreshold(config.failureRateThreshold())
        .minimumNumberOfCalls(config.minimumNumberOfCalls())
        .slidingWindow(config.slidingWindowSize(), config.minimumNumberOfCalls(),
            CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .waitDurationInOpenState(Duration.ofMillis(config.waitDurationInOpenMs()))
        .permittedNumberOfCallsInHalfOpenState(config.permittedCallsInHalfOpen())
        .recordException(t -> t instanceof TimeoutException || recordAsFailure.test(t))
        .build());
    this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
        .maxConcurrentCalls(config.maxConcurrentCalls())
        .maxWaitDuration(Duration.ZERO)
        .build());
    breaker.getEventPublisher().onStateTransition(event -> logTransition(
        event.getStateTransition().getFromState(), event.getStateTransition().getToState()));
  }

  @Override
  public <T> Future<T> execute(Supplier<Future<T>> call) {
    if (!breaker.tryAcquirePermission()) {
      observer.onCall(Outcome.REJECTED, 0);
      return Future.failedFuture(new CallRejectedException(
          name + " circuit breaker is " + breaker.getState(), openRetryAfterSeconds));
    }
    if (!bulkhead.tryAcquirePermission()) {
      breaker.releasePermission();
      observer.onCall(Outcome.REJECTED, 0);
      return Future.failedFuture(new CallRejectedException(name + " bulkhead is full ("
          + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " calls in flight)", 1));
    }
    long start = System.nanoTime();
    Promise<T> outcome = Promise.promise();
    long timer = vertx.setTimer(timeoutMillis, id -> outcome.tryFail(new TimeoutException(
        name + " did not answer within " + timeoutMillis + " ms")));
    try {
      call.get().onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (ar.succeeded()) {
          outcome.tryComplete(ar.result());
        } else {
          outcome.tryFail(ar.cause());
        }
      });
    } catch (RuntimeException e) {
      vertx.cancelTimer(timer);
      outcome.tryFail(e);
    }
    // Exactly one outcome per permit: the call's, or the timeout's (a late answer is dropped).
    return outcome.future().andThen(ar -> {
      bulkhead.onComplete();
      long elapsed = System.nanoTime() - start;
      if (ar.succeeded()) {
        breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        observer.onCall(Outcome.SUCCESS, elapsed);
      } else {
        breaker.onError(elapsed, TimeUnit.NANOSECONDS, ar.cause());
        observer.onCall(ar.cause() instanceof TimeoutException ? Outcome.TIMEOUT
            : Outcome.FAILURE, elapsed);
      }
    });
  }

  @Override
  public State state() {
    return switch (breaker.getState()) {
      case CLOSED -> State.CLOSED;
      case OPEN, FORCED_OPEN -> State.OPEN;
      case HALF_OPEN -> State.HALF_OPEN;
      default -> State.DISABLED;
    };
  }

  private void logTransition(CircuitBreaker.State from, CircuitBreaker.State to) {
    if (to == CircuitBreaker.State.OPEN) {
      LOG.warn("{} circuit breaker opened (was {}): failing calls fast for {} ms, then trying"
          + " again. Check that Redis is running and reachable.", name, from,
          breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
    } else if (to == CircuitBreaker.State.CLOSED) {
      LOG.info("{} circuit breaker closed: calls flow again", name);
    } else {
      LOG.info("{} circuit breaker {} (was {})", name, to, from);
    }
  }
}
