package io.streamgate.loadtest.bench.load;

/**
 * The open model's arrival schedule: slot {@code i} is due at {@code start + i / rate}, whatever
 * happened to earlier slots. A request's latency is measured from its slot's time, not from when
 * it was actually sent, so a stalled server (or a stalled client) cannot hide its stall by
 * delaying the requests that would have seen it: the coordinated-omission correction.
 *
 * <p>With a ramp, the arrival rate first climbs linearly from 0 to {@code ratePerSecond} over
 * {@code rampNanos} (a load balancer's slow start for a new instance), then stays there: a cold
 * server meets its load gradually instead of at full rate while its JIT and caches are cold.
 *
 * <p>Pure and immutable; thread-safe.
 */
public record Schedule(long startNanos, double ratePerSecond, long rampNanos) {
  public Schedule {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number of requests per second, but was "
          + ratePerSecond);
    }
    if (rampNanos < 0) {
      throw new IllegalArgumentException("ramp must be >= 0, but was " + rampNanos + " ns");
    }
  }

  /** A constant rate from the start. */
  public Schedule(long startNanos, double ratePerSecond) {
    this(startNanos, ratePerSecond, 0);
  }

  /** The intended send time of slot {@code i} (0-based), on the {@link System#nanoTime()} clock. */
  public long intendedNanos(long slot) {
    double rampSlots = rampSlots();
    if (slot < rampSlots) {
      // Arrivals by time t in the ramp: rate * t^2 / (2 * ramp); solved for t.
      return startNanos + (long) Math.sqrt(2.0 * rampNanos * slot * 1e9 / ratePerSecond);
    }
    return startNanos + rampNanos + (long) ((slot - rampSlots) * (1e9 / ratePerSecond));
  }

  /** How many slots are due at {@code nowNanos}: slots {@code 0 .. n-1} have intended times at or before it. */
  public long dueBy(long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    long elapsed = nowNanos - startNanos;
    double arrivals = elapsed < rampNanos
        ? ratePerSecond * ((double) elapsed * elapsed) / (2.0 * rampNanos * 1e9)
        : rampSlots() + (elapsed - rampNanos) * ratePerSecond / 1e9;
    long n = (long) Math.floor(arrivals) + 1;
    // Floating point may land one slot off at exact boundaries; settle on the definition.
    while (n > 0 && intendedNanos(n - 1) > nowNanos) {
      n--;
    }
    while (intendedNanos(n) <= nowNanos) {
      n++;
    }
    return n;
  }

  /** Slots that fall within the ramp: half of what the full rate would send in that time. */
  private double rampSlots() {
    return ratePerSecond * rampNanos / 2e9;
  }

  /** Latency corrected for coordinated omission: completion minus the slot's intended time. */
  public static long correctedLatencyNanos(long intendedNanos, long completedNanos) {
    return Math.max(0, completedNanos - intendedNanos);
  }
}
