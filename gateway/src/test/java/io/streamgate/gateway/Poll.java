package io.streamgate.gateway;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a condition until a deadline instead of sleeping a guessed time. */
public final class Poll {
  private static final long INTERVAL_MS = 25;

  private Poll() {}

  /** Returns the first value {@code probe} yields that {@code done} accepts, or fails. */
  public static <T> T until(Duration timeout, Supplier<T> probe,
      Predicate<T> done, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (true) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + " not reached within " + timeout.toMillis()
            + " ms; last observed: " + last);
      }
      try {
        Thread.sleep(INTERVAL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
