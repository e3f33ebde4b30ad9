package io.streamgate.loadtest.bench.load;

import io.streamgate.loadtest.bench.measure.Measurements;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open model: units start at a constant arrival rate whether or not earlier ones finished. One
 * pacer thread waits for each slot of the {@link Schedule} and hands due slots, in batches, to
 * the event loops' lanes (round robin); each unit's latency runs from its slot's intended time.
 *
 * <p>Each lane sends at most its share of {@code maxSending} units at once (for HTTP: the pool's
 * connections); due units beyond that wait in the lane's {@link SendBacklog}, and their wait is
 * part of their latency. Units beyond {@code maxInFlight} (waiting plus sending) are not sent and
 * count as error {@code client_overload}: the server is far behind the rate, and an unbounded
 * queue in the tool would only hide it.
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

  private final double rate;
  private final Duration ramp;
  private final Probe probe;
  private final Measurements measurements;
  private final boolean recordLatency;
  private final int maxInFlight;
  private final int maxSending;
  private final long maxWaitNanos;
  private final List<Context> contexts = new ArrayList<>();
  private final List<Lane> lanes = new ArrayList<>();
  /**
   * Where a completion is recorded, by index: 0 drops it (a warm-up unit that completes after
   * measuring started), 1 records it. Both are Measurements, so the call site stays monomorphic.
   */
  private final Measurements[] sinks;
  private final AtomicLong inFlight = new AtomicLong();
  private volatile boolean running;
  private Thread pacer;

  /**
   * Every due unit is sent at once (no waiting in the tool), up to {@code maxInFlight}.
   *
   * @param recordLatency false when the latency is measured elsewhere (e.g. by WebSocket receivers),
   *     so completions here only count errors
   */
  public OpenLoop(Vertx vertx, int eventLoops, double rate, Probe probe, Measurements measurements,
      boolean recordLatency, int maxInFlight) {
    this(vertx, eventLoops, rate, Duration.ZERO, probe, measurements, recordLatency, maxInFlight, maxInFlight,
        Duration.ofDays(1));
  }

  /**
   * @param ramp the rate climbs linearly from 0 to {@code rate} over this time (see {@link Schedule})
   * @param maxSending units being sent at once, over all event loops (for HTTP: the pool size);
   *     due units beyond it wait in the tool
   * @param maxWait a unit still waiting this long after its intended time is not sent; it counts
   *     as error {@code timeout}
   */
  public OpenLoop(Vertx vertx, int eventLoops, double rate, Duration ramp, Probe probe, Measurements measurements,
      boolean recordLatency, int maxInFlight, int maxSending, Duration maxWait) {
    new Schedule(0, rate, ramp.toNanos()); // validates the rate and the ramp
    if (maxSending < 1) {
      throw new IllegalArgumentException("maxSending must be at least 1, but was " + maxSending);
    }
    this.rate = rate;
    this.ramp = ramp;
    this.probe = probe;
    this.measurements = measurements;
    this.sinks = new Measurements[] {new Measurements(), measurements};
    this.recordLatency = recordLatency;
    this.maxInFlight = maxInFlight;
    this.maxSending = maxSending;
    this.maxWaitNanos = maxWait.toNanos();
    for (int i = 0; i < Math.max(1, eventLoops); i++) {
      contexts.add(newEventLoopContext(vertx));
    }
  }

  @Override
  public void start() {
    Schedule schedule = new Schedule(System.nanoTime(), rate, ramp.toNanos());
    int perLane = (maxSending + contexts.size() - 1) / contexts.size();
    for (Context context : contexts) {
      lanes.add(new Lane(context, new SendBacklog(perLane, schedule, maxWaitNanos), schedule));
    }
    running = true;
    pacer = new Thread(() -> pace(schedule), "bench-pacer");
    pacer.setDaemon(true);
    pacer.start();
  }

  private void pace(Schedule schedule) {
    long next = 0;
    int turn = 0;
    boolean measuring = false;
    while (running) {
      if (!measuring && measurements.measuring()) {
        // The phase changes here, on the pacer, and reaches each lane as a task of its own
        // ahead of the next slots, so the lanes' hot code has no branch on it (see phase()).
        measuring = true;
        long firstMeasured = next;
        lanes.forEach(lane -> lane.context.runOnContext(v -> lane.startMeasuring(firstMeasured)));
      }
      long now = System.nanoTime();
      long due = schedule.dueBy(now);
      if (due > next) {
        long from = next;
        long to = due;
        next = due;
        Lane lane = lanes.get(turn++ % lanes.size());
        lane.context.runOnContext(v -> lane.fire(from, to));
      } else {
        LockSupport.parkNanos(Math.max(MIN_PARK_NANOS, schedule.intendedNanos(next) - now));
      }
    }
  }

  /** One event loop's units; every method runs on that event loop. */
  private final class Lane {
    private final Context context;
    private final SendBacklog backlog;
    private final Schedule schedule;
    /** Slots from this one on became due after the warm-up (each lane sees its slots in order). */
    private long firstMeasuredSlot = Long.MAX_VALUE;
    private boolean pumping;

    Lane(Context context, SendBacklog backlog, Schedule schedule) {
      this.context = context;
      this.backlog = backlog;
      this.schedule = schedule;
    }

    /** Slots from {@code slot} on are measured. */
    void startMeasuring(long slot) {
      firstMeasuredSlot = slot;
      // Warm-up units still waiting would count for nothing and only delay the measured ones
      // (from a cold JIT the warm-up can end with thousands waiting).
      inFlight.addAndGet(-backlog.dropWaitingBefore(slot));
    }

    void fire(long from, long to) {
      for (long slot = from; slot < to && running; slot++) {
        if (inFlight.get() >= maxInFlight) {
          measurements.recordError("client_overload");
          continue;
        }
        inFlight.incrementAndGet();
        backlog.due(slot);
      }
      pump();
    }

    /**
     * Sends waiting units while there are free places. A probe that completes synchronously
     * frees its place inside {@link #send}; the guard turns that into another turn of this loop
     * instead of a recursion as deep as the backlog.
     */
    private void pump() {
      if (pumping) {
        return;
      }
      pumping = true;
      try {
        long slot;
        while ((slot = backlog.nextToSend(System.nanoTime(), this::expired)) != SendBacklog.NONE) {
          send(slot);
        }
      } finally {
        pumping = false;
      }
    }

    private void send(long slot) {
      long intended = schedule.intendedNanos(slot);
      int measured = measuredBit(slot);
      probe.call().onComplete(result -> {
        inFlight.decrementAndGet();
        backlog.sent();
        Measurements sink = sinkFor(measured);
        if (result.succeeded()) {
          if (recordLatency) {
            sink.recordLatencyNanos(Schedule.correctedLatencyNanos(intended, System.nanoTime()));
          }
        } else {
          sink.recordError(ProbeFailure.kindOf(result.cause()));
        }
        pump();
      });
    }

    private void expired(long slot) {
      inFlight.decrementAndGet();
      sinkFor(measuredBit(slot)).recordError("timeout");
    }

    /** 1 when the slot is measured ({@code slot >= firstMeasuredSlot}), else 0; without a branch. */
    private int measuredBit(long slot) {
      return (int) ((firstMeasuredSlot - 1 - slot) >>> 63);
    }

    /**
     * A measured unit, and any unit while the warm-up lasts, is recorded; a warm-up unit that
     * completes after measuring started belongs to neither phase.
     */
    private Measurements sinkFor(int measured) {
      return sinks[measured | (1 - measurements.phase())];
    }
  }

  @Override
  public void stop() {
    running = false; // units already waiting are still sent: they were due within the run
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
    return String.format(Locale.ROOT, "open model, %,.0f/s%s (latency from intended send time)", rate,
        ramp.isZero() ? "" : " after a " + ramp.toSeconds() + " s ramp from 0");
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
