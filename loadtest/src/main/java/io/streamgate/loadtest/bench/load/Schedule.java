package io.streamgate.loadtest.bench.load;

/**
 * The open model's arrival schedule: slot {@code i} is due at {@code start + i / rate}, whatever
 * happened to earlier slots. A request's latency is measured from its slot's time, not from when
 * it was actually sent, so a stalled server (or a stalled client) cannot hide its stall by
 * delaying the requests that would have seen it: the coordinated-omission correction.
 *
 * <p>Pure and immutable; thread-safe.
 */
public record Schedule(long startNanos, double ratePerSecond) {
  public Schedule {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number of requests per second, but was "
          + ratePerSecond);
    }
  }

  /** The intended send time of slot {@code i} (0-based), on the {@link System#nanoTime()} clock. */
  public long intendedNanos(long slot) {
    return startNanos + (long) (slot * (1e9 / ratePerSecond));
  }

  /** How many slots are due at {@code nowNanos}: slots {@code 0 .. n-1} have intended times at or before it. */
  public long dueBy(long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    long n = (long) Math.floor((nowNanos - startNanos) * ratePerSecond / 1e9) + 1;
    // Floating point may land one slot off at exact boundaries; settle on the definition.
    while (n > 0 && intendedNanos(n - 1) > nowNanos) {
      n--;
    }
    while (intendedNanos(n) <= nowNanos) {
      n++;
    }
    return n;
  }

  /** Latency corrected for coordinated omission: completion minus the slot's intended time. */
  public static long correctedLatencyNanos(long intendedNanos, long completedNanos) {
    return Math.max(0, completedNanos - intendedNanos);
  }
}
