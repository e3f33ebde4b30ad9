package io.streamgate.loadtest.bench.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything a run measures: the main latency histogram (microseconds), errors by kind, named
 * stage histograms (e.g. the parts of end-to-end freshness), and a per-second series.
 *
 * <p>Recording methods are thread-safe and wait-free (HdrHistogram {@link Recorder}, adders), so
 * event loops call them directly. {@link #tick} is called by one thread, once a second; it
 * closes the current second and, once {@link #startMeasuring} was called, adds it to the totals.
 * Everything recorded before that (the warm-up) is dropped.
 */
public final class Measurements {
  private static final long MAX_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final Recorder recorder = new Recorder(MAX_TRACKABLE_MICROS, 3);
  private final Histogram total = new Histogram(MAX_TRACKABLE_MICROS, 3);
  private final Histogram warmup = new Histogram(MAX_TRACKABLE_MICROS, 3);
  private final Map<String, Recorder> stageRecorders = new ConcurrentHashMap<>();
  private final Map<String, Histogram> stageTotals = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errorsByKind = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final LongAdder errorsThisSecond = new LongAdder();
  private final List<Second> series = new ArrayList<>();
  private Histogram interval;
  private volatile boolean measuring;
  private volatile int phase;
  private long measuredErrors;
  private double measuredSeconds;

  /** Records one completed unit's latency. Negative values count as zero. */
  public void recordLatencyNanos(long nanos) {
    recorder.recordValue(Math.min(MAX_TRACKABLE_MICROS, Math.max(0, nanos / 1000)));
  }

  /**
   * Records a warm-up unit's latency (for the progress line) unless measuring has started. Under
   * the lock {@link #startMeasuring} takes, so it cannot land in the first measured second the
   * way a caller's own "still warming up?" check followed by {@link #recordLatencyNanos} can.
   */
  public synchronized void recordWarmUpLatencyNanos(long nanos) {
    if (!measuring) {
      recordLatencyNanos(nanos);
    }
  }

  /** Records one failed unit. */
  public void recordError(String kind) {
    errorsThisSecond.increment();
    if (measuring) {
      errorsByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }
  }

  /** Records a value in a named stage histogram (totals only, no series). */
  public void recordStageNanos(String stage, long nanos) {
    stageRecorders.computeIfAbsent(stage, s -> new Recorder(MAX_TRACKABLE_MICROS, 3))
        .recordValue(Math.min(MAX_TRACKABLE_MICROS, Math.max(0, nanos / 1000)));
  }

  /** Counts something that is neither latency nor error (e.g. 429s, snapshots); measured phase only. */
  public void count(String name) {
    if (measuring) {
      counters.computeIfAbsent(name, k -> new LongAdder()).increment();
    }
  }

  public boolean measuring() {
    return measuring;
  }

  /**
   * 0 in the warm-up, 1 once measuring: for hot paths that select by phase with arithmetic. A
   * branch on the phase that was never taken in the warm-up makes the JIT deoptimise the code
   * around it when measuring starts, and one core then runs it interpreted for a while.
   */
  public int phase() {
    return phase;
  }

  /** Ends the warm-up: from the next {@link #tick} on, seconds count. */
  public synchronized void startMeasuring() {
    // Drop what the warm-up recorded so far, stages included.
    interval = recorder.getIntervalHistogram(interval);
    warmup.add(interval);
    stageRecorders.values().forEach(Recorder::reset);
    errorsThisSecond.reset();
    measuring = true;
    phase = 1;
  }

  /**
   * Closes the interval that just ended ({@code seconds} long) and returns its numbers; once
   * measuring, that {@link Second} is also added to the series (warm-up seconds have number 0).
   */
  public synchronized Second tick(double seconds) {
    interval = recorder.getIntervalHistogram(interval);
    long errors = errorsThisSecond.sumThenReset();
    if (!measuring) {
      warmup.add(interval);
      LatencySummary s = LatencySummary.of(interval);
      return new Second(0, s.count(), seconds > 0 ? s.count() / seconds : 0, errors, s.p50Ms(), s.p99Ms(), s.maxMs());
    }
    total.add(interval);
    stageRecorders.forEach((stage, r) ->
        stageTotals.computeIfAbsent(stage, s -> new Histogram(MAX_TRACKABLE_MICROS, 3)).add(r.getIntervalHistogram()));
    measuredErrors += errors;
    measuredSeconds += seconds;
    LatencySummary s = LatencySummary.of(interval);
    Second second = new Second(series.size() + 1, s.count(), seconds > 0 ? s.count() / seconds : 0, errors,
        s.p50Ms(), s.p99Ms(), s.maxMs());
    series.add(second);
    return second;
  }

  /**
   * Adds what completed since the last tick (the drain after the load stopped) to the totals,
   * without a series entry or measured time: those units were sent within the measured window.
   */
  public synchronized void tickFinal() {
    interval = recorder.getIntervalHistogram(interval);
    long errors = errorsThisSecond.sumThenReset();
    if (!measuring) {
      return;
    }
    total.add(interval);
    stageRecorders.forEach((stage, r) ->
        stageTotals.computeIfAbsent(stage, s -> new Histogram(MAX_TRACKABLE_MICROS, 3)).add(r.getIntervalHistogram()));
    measuredErrors += errors;
  }

  /** The p99 so far in ms: of the measured phase, or of the warm-up while it lasts. */
  public synchronized double p99SoFarMs() {
    Histogram h = measuring ? total : warmup;
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0;
  }

  public synchronized Histogram total() {
    return total.copy();
  }

  public synchronized Map<String, Histogram> stages() {
    Map<String, Histogram> copy = new TreeMap<>();
    stageTotals.forEach((k, v) -> copy.put(k, v.copy()));
    return copy;
  }

  public synchronized List<Second> series() {
    return List.copyOf(series);
  }

  /** Errors by kind in the measured phase, sorted by kind. */
  public Map<String, Long> errorsByKind() {
    Map<String, Long> out = new TreeMap<>();
    errorsByKind.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public synchronized long measuredErrors() {
    return measuredErrors;
  }

  public synchronized double measuredSeconds() {
    return measuredSeconds;
  }
}
