package io.streamgate.gateway.http;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning logged at most once per interval, with a count of the ones held back, so an outage
 * that fails every request does not flood the log. Thread-safe.
 */
public final class ThrottledWarning {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public ThrottledWarning(Logger log, long intervalMillis) {
    this.log = log;
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  public void warn(String message) {
    long now = System.nanoTime();
    long next = nextAllowed.get();
    if ((next == Long.MIN_VALUE || now - next >= 0) && nextAllowed.compareAndSet(next, now + intervalNanos)) {
      long held = suppressed.getAndSet(0);
      log.warn(held == 0 ? message : message + " (" + held + " similar warnings suppressed)");
    } else {
      suppressed.incrementAndGet();
    }
  }
}
