package io.streamgate.loadtest.pacing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Paces a loop at a fixed rate by schedule: event {@code i} is due at {@code start + i / rate},
 * so time spent sending never accumulates as drift the way {@code sleep(1/rate)} would.
 *
 * <p>If the loop falls more than {@link #MAX_BACKLOG_NANOS} behind (a broker stall, a GC pause),
 * the schedule restarts from now instead of bursting to catch up: the offered rate stays
 * bounded. Not thread-safe; one thread paces.
 */
public final class RatePacer {
  /** How far behind schedule the loop may be before the backlog is dropped. */
  public static final long MAX_BACKLOG_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final double nanosPerEvent;
  private final LongSupplier nanoClock;
  private long start;
  private long index;

  /** Paces at {@code ratePerSecond} using {@link System#nanoTime()}. */
  public RatePacer(double ratePerSecond) {
    this(ratePerSecond, System::nanoTime);
  }

  public RatePacer(double ratePerSecond, LongSupplier nanoClock) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number of events per second, but was "
          + ratePerSecond);
    }
    this.nanosPerEvent = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
  }

  /**
   * How long to wait before the next event is due (0 if it already is), and takes that slot.
   * Pure with respect to time: callers that test pacing call this instead of {@link #awaitNext}.
   */
  public long reserveNext() {
    long now = nanoClock.getAsLong();
    long due = start + Math.round(index * nanosPerEvent);
    if (now - due > MAX_BACKLOG_NANOS) {
      start = now;
      index = 0;
      due = now;
    }
    index++;
    return Math.max(0, due - now);
  }

  /** Blocks the calling thread until the next event is due. */
  public void awaitNext() throws InterruptedException {
    long wait = reserveNext();
    long deadline = nanoClock.getAsLong() + wait;
    while (wait > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      wait = deadline - nanoClock.getAsLong();
    }
  }
}
