package io.streamgate.loadtest.bench.load;

import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.measure.Second;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Runs a {@link Driver} for warm-up plus duration on the calling thread: ticks the
 * {@link Measurements} once a second, prints one progress line per second, then stops the driver
 * and waits (up to {@code drain}) for units in flight. Units still unfinished count as error
 * {@code unfinished}.
 */
public final class LoadRun {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long STOP_POLL = TimeUnit.MILLISECONDS.toNanos(100);

  private final String label;
  private final Duration warmup;
  private final Duration duration;
  private final Duration drain;
  private final Measurements measurements;
  private final PrintWriter progress;
  private final BooleanSupplier stopRequested;

  /** @param stopRequested polled a few times a second; true ends the run early (e.g. Ctrl-C) */
  public LoadRun(String label, Duration warmup, Duration duration, Duration drain, Measurements measurements,
      PrintWriter progress, BooleanSupplier stopRequested) {
    this.stopRequested = stopRequested;
    this.label = label;
    this.warmup = warmup;
    this.duration = duration;
    this.drain = drain;
    this.measurements = measurements;
    this.progress = progress;
  }

  /** Blocks for warm-up + duration + at most drain. */
  public void run(Driver driver) {
    long start = System.nanoTime();
    long warmupEnd = start + warmup.toNanos();
    long end = warmupEnd + duration.toNanos();
    if (warmup.isZero()) {
      measurements.startMeasuring();
    }
    driver.start();
    long lastTick = start;
    long ticks = 0;
    while (lastTick < end) {
      ticks++;
      long nextTick = Math.min(start + ticks * SECOND, end);
      sleepUntil(nextTick);
      long now = System.nanoTime();
      if (stopRequested.getAsBoolean()) {
        measurements.tick((now - lastTick) / 1e9); // the partial second counts, with its real length
        progress.println(progressPrefix(label, (now - start) / 1e9) + "stopped early: reporting what was measured");
        progress.flush();
        break;
      }
      Second second = measurements.tick((now - lastTick) / 1e9);
      lastTick = now;
      progress.println(progressLine(label, (now - start) / 1e9, !measurements.measuring(), second,
          measurements.measuredErrors(), driver.inFlight(), measurements.p99SoFarMs()));
      if (!measurements.measuring() && now >= warmupEnd - SECOND / 100) {
        measurements.startMeasuring();
        progress.println(progressPrefix(label, (now - start) / 1e9) + "warm-up done, measuring");
      }
      progress.flush();
    }
    driver.stop();
    long drainEnd = System.nanoTime() + drain.toNanos();
    while (driver.inFlight() > 0 && System.nanoTime() < drainEnd) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    for (long i = driver.inFlight(); i > 0; i--) {
      measurements.recordError("unfinished");
    }
    // Completions during the drain are the slowest units: they belong in the totals.
    measurements.tickFinal();
  }

  private void sleepUntil(long deadline) {
    long left;
    while ((left = deadline - System.nanoTime()) > 0 && !stopRequested.getAsBoolean()) {
      LockSupport.parkNanos(Math.min(left, STOP_POLL));
    }
  }

  private static String progressPrefix(String label, double elapsed) {
    return String.format(Locale.ROOT, "[%s] %5.1fs ", label, elapsed);
  }

  /** One progress line; pure so its wording is tested. {@code errorsSoFar} counts the measured phase only. */
  public static String progressLine(String label, double elapsedSeconds, boolean warmingUp, Second second,
      long errorsSoFar, long inFlight, double p99SoFarMs) {
    StringBuilder line = new StringBuilder(progressPrefix(label, elapsedSeconds));
    line.append(String.format(Locale.ROOT, "%-9s %,9.0f/s  errors %d (this second %d)",
        warmingUp ? "warm-up" : "measuring",
        second.rate(), errorsSoFar, second.errors()));
    line.append(String.format(Locale.ROOT, "  in flight %d  p99 so far %.2f ms", inFlight, p99SoFarMs));
    return line.toString();
  }
}
