package io.streamgate.gateway.breaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.ManualClock;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.breaker.CallRejectedException;
import io.streamgate.gateway.config.BreakerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** State transitions and the bulkhead on a manual clock; timeouts on real Vert.x timers. */
class Resilience4jBreakerTest {
  /** Opens at 50 % of 4 calls; waits 2 s; 2 trial calls; 2 calls in flight at most. */
  private static final BreakerConfig CONFIG = new BreakerConfig(50, 4, 4, 2_000, 2, 2);

  private final Vertx vertx = Vertx.vertx();
  private final ManualClock clock = new ManualClock(1_000_000);
  private final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private Breaker breaker(long timeoutMillis) {
    return new Resilience4jBreaker(vertx, "test", CONFIG, timeoutMillis, clock,
        failure -> failure instanceof IOException);
  }

  private Future<String> run(Breaker breaker, Future<String> outcome) {
    return breaker.execute(() -> {
      calls.incrementAndGet();
      return outcome;
    });
  }

  private static Future<String> ok() {
    return Future.succeededFuture("ok");
  }

  private static Future<String> down() {
    return Future.failedFuture(new IOException("connection refused"));
  }

  private static Throwable failure(Future<?> future) {
    return assertThrows(Throwable.class, future::await);
  }

  @Test
  void opensAfterTheFailureRateThresholdAndThenFailsFastWithRetryAfter() {
    Breaker breaker = breaker(1_000);
    run(breaker, ok());
    run(breaker, ok());
    run(breaker, down());
    assertEquals(Breaker.State.CLOSED, breaker.state(), "3 calls are below the minimum of 4");
    run(breaker, down());
    assertEquals(Breaker.State.OPEN, breaker.state(), "2 of 4 failed: 50 %");

    int before = calls.get();
    Throwable rejected = failure(run(breaker, ok()));
    assertInstanceOf(CallRejectedException.class, rejected);
    assertEquals(2, ((CallRejectedException) rejected).retryAfterSeconds());
    assertEquals(before, calls.get(), "an open breaker does not make the call");
  }

  @Test
  void afterTheWaitTrialCallsCloseItAgain() {
    Breaker breaker = opened();
    clock.advance(1_999);
    assertInstanceOf(CallRejectedException.class, failure(run(breaker, ok())));
    clock.advance(2);
    assertEquals("ok", run(breaker, ok()).await());
    assertEquals(Breaker.State.HALF_OPEN, breaker.state());
    assertEquals("ok", run(breaker, ok()).await());
    assertEquals(Breaker.State.CLOSED, breaker.state());
  }

  @Test
  void aFailingTrialCallOpensItAgain() {
    Breaker breaker = opened();
    clock.advance(2_001);
    run(breaker, down());
    run(breaker, ok());
    assertEquals(Breaker.State.OPEN, breaker.state(), "1 of 2 trial calls failed: 50 %");
    assertInstanceOf(CallRejectedException.class, failure(run(breaker, ok())));
  }

  @Test
  void failuresOutsideThePredicateDoNotCount() {
    Breaker breaker = breaker(1_000);
    for (int i = 0; i < 10; i++) {
      Throwable bug = failure(run(breaker, Future.failedFuture(new IllegalStateException("bad row"))));
      assertInstanceOf(IllegalStateException.class, bug, "passed through unchanged");
    }
    assertEquals(Breaker.State.CLOSED, breaker.state());
  }

  @Test
  void theBulkheadRefusesCallsBeyondItsLimitAtOnce() {
    Breaker breaker = breaker(60_000);
    Promise<String> first = Promise.promise();
    Promise<String> second = Promise.promise();
    Future<String> a = run(breaker, first.future());
    run(breaker, second.future());
    Throwable full = failure(run(breaker, ok()));
    assertInstanceOf(CallRejectedException.class, full);
    assertTrue(full.getMessage().contains("bulkhead"), full.getMessage());
    assertEquals(2, calls.get(), "the third call was never made");

    first.complete("done");
    assertEquals("done", a.await());
    assertEquals("ok", run(breaker, ok()).await(), "a finished call frees its permit");
    assertEquals(Breaker.State.CLOSED, breaker.state(), "bulkhead refusals are not failures");
  }

  @Test
  void aCallThatDoesNotAnswerTimesOutOnAVertxTimerAndCountsAsAFailure() {
    Breaker breaker = breaker(50);
    Promise<String> hung = Promise.promise();
    long start = System.nanoTime();
    Throwable timeout = failure(run(breaker, hung.future()));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(TimeoutException.class, timeout);
    assertTrue(elapsedMs >= 45 && elapsedMs < 2_000, "timed out after " + elapsedMs + " ms");
    hung.complete("late"); // dropped; must not complete anything twice
    for (int i = 0; i < 3; i++) {
      failure(run(breaker, Promise.<String>promise().future()));
    }
    assertEquals(Breaker.State.OPEN, breaker.state(), "4 timeouts of 4 calls");
  }

  @Test
  void aCallThatThrowsInsteadOfFailingItsFutureStillReleasesItsPermits() {
    Breaker breaker = breaker(1_000);
    for (int i = 0; i < 5; i++) {
      Throwable thrown = failure(breaker.execute(() -> {
        throw new IllegalArgumentException("bug");
      }));
      assertInstanceOf(IllegalArgumentException.class, thrown);
    }
    assertEquals("ok", run(breaker, ok()).await(), "bulkhead permits were returned");
  }

  private Breaker opened() {
    Breaker breaker = breaker(1_000);
    for (int i = 0; i < 4; i++) {
      run(breaker, down());
    }
    assertEquals(Breaker.State.OPEN, breaker.state());
    return breaker;
  }
}
