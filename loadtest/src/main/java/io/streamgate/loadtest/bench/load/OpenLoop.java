package io.streamgate.loadtest.bench.load;

import io.streamgate.loadtest.bench.measure.Measurements;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open model: units start at a constant arrival rate whether or not earlier ones finished. One
 * pacer thread waits for each slot of the {@link Schedule} and hands due slots, in batches, to
 * the event loops (round robin); each unit's latency runs from its slot's intended time.
 *
 * <p>Units beyond {@code maxInFlight} are not sent and count as error {@code client_overload}: the
 * server is far behind the rate, and an unbounded queue in the tool would only hide it.
 */
public final class OpenLoop implements Driver {
  /**
   * The pacer sleeps at least this long between hand-offs, so at high rates it wakes a few
   * thousand times a second with batches of due slots instead of once per slot: a wake-up and a
   * task posted to an event loop per request capped one core at about 25,000 requests/s. Sends
   * are at most this late, and latency still runs from each slot's intended time, so the delay
   * is counted, not hidden.
   */
  static final long MIN_PARK_NANOS = 200_000;

  private final Vertx vertx;
  private final double rate;
  private final Probe probe;
  private final Measurements measurements;
  private final boolean recordLatency;
  private final int maxInFlight;
  private final List<Context> contexts = new ArrayList<>();
  private final AtomicLong inFlight = new AtomicLong();
  private volatile boolean running;
  private Thread pacer;

  /**
   * @param recordLatency false when the latency is measured elsewhere (e.g. by WebSocket receivers),
   *     so completions here only count errors
   */
  public OpenLoop(Vertx vertx, int eventLoops, double rate, Probe probe, Measurements measurements,
      boolean recordLatency, int maxInFlight) {
    new Schedule(0, rate); // validates the rate
    this.vertx = vertx;
    this.rate = rate;
    this.probe = probe;
    this.measurements = measurements;
    this.recordLatency = recordLatency;
    this.maxInFlight = maxInFlight;
    for (int i = 0; i < Math.max(1, eventLoops); i++) {
      contexts.add(newEventLoopContext(vertx));
    }
  }

  @Override
  public void start() {
    running = true;
    pacer = new Thread(this::pace, "bench-pacer");
    pacer.setDaemon(true);
    pacer.start();
  }

  private void pace() {
    Schedule schedule = new Schedule(System.nanoTime(), rate);
    long next = 0;
    int turn = 0;
    while (running) {
      long now = System.nanoTime();
      long due = schedule.dueBy(now);
      if (due > next) {
        long from = next;
        long to = due;
        next = due;
        contexts.get(turn++ % contexts.size()).runOnContext(v -> fire(schedule, from, to));
      } else {
        LockSupport.parkNanos(Math.max(MIN_PARK_NANOS, schedule.intendedNanos(next) - now));
      }
    }
  }

  private void fire(Schedule schedule, long from, long to) {
    for (long slot = from; slot < to && running; slot++) {
      if (inFlight.get() >= maxInFlight) {
        measurements.recordError("client_overload");
        continue;
      }
      long intended = schedule.intendedNanos(slot);
      boolean measured = measurements.measuring();
      inFlight.incrementAndGet();
      probe.call().onComplete(result -> {
        inFlight.decrementAndGet();
        if (!measured && measurements.measuring()) {
          return; // sent in the warm-up: belongs to neither phase's numbers
        }
        if (result.succeeded()) {
          if (recordLatency) {
            measurements.recordLatencyNanos(Schedule.correctedLatencyNanos(intended, System.nanoTime()));
          }
        } else {
          measurements.recordError(ProbeFailure.kindOf(result.cause()));
        }
      });
    }
  }

  @Override
  public void stop() {
    running = false;
    if (pacer != null) {
      LockSupport.unpark(pacer);
    }
  }

  @Override
  public long inFlight() {
    return inFlight.get();
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "open model, %,.0f/s (latency from intended send time)", rate);
  }

  @Override
  public double requestedRate() {
    return rate;
  }

  /**
   * A fresh event-loop context, so load is spread round robin over the event loops. Vert.x's
   * public API only offers the caller's own context; this internal call is what it uses itself.
   */
  static Context newEventLoopContext(Vertx vertx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
  }
}
