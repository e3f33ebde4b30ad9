package io.streamgate.loadtest.bench.load;

import io.streamgate.loadtest.bench.measure.Measurements;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed model: {@code connections} loops, each starting its next unit when the previous one
 * completes. Latency is from actual send to completion, so it understates what an open stream of
 * users would see when the server stalls; use {@link OpenLoop} for latency at a given rate.
 */
public final class ClosedLoop implements Driver {
  private static final long ERROR_PAUSE_MS = 5;

  private final Vertx vertx;
  private final int connections;
  private final int eventLoops;
  private final Probe probe;
  private final Measurements measurements;
  private final AtomicLong inFlight = new AtomicLong();
  private volatile boolean running;

  public ClosedLoop(Vertx vertx, int eventLoops, int connections, Probe probe, Measurements measurements) {
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be at least 1, but was " + connections);
    }
    this.vertx = vertx;
    this.eventLoops = Math.max(1, eventLoops);
    this.connections = connections;
    this.probe = probe;
    this.measurements = measurements;
  }

  @Override
  public void start() {
    running = true;
    Context[] contexts = new Context[eventLoops];
    for (int i = 0; i < eventLoops; i++) {
      contexts[i] = OpenLoop.newEventLoopContext(vertx);
    }
    for (int c = 0; c < connections; c++) {
      contexts[c % eventLoops].runOnContext(v -> next());
    }
  }

  private void next() {
    if (!running) {
      return;
    }
    long sent = System.nanoTime();
    boolean measured = measurements.measuring();
    inFlight.incrementAndGet();
    probe.call().onComplete(result -> {
      inFlight.decrementAndGet();
      if (!measured && measurements.measuring()) {
        next(); // sent in the warm-up: belongs to neither phase's numbers
        return;
      }
      if (result.succeeded()) {
        measurements.recordLatencyNanos(System.nanoTime() - sent);
      } else {
        measurements.recordError(ProbeFailure.kindOf(result.cause()));
        // A refused connection fails at once; pausing keeps a dead target from spinning a core.
        vertx.setTimer(ERROR_PAUSE_MS, t -> next());
        return;
      }
      next();
    });
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public long inFlight() {
    return inFlight.get();
  }

  @Override
  public String describe() {
    return "closed model, " + connections + " connections (latency from actual send time)";
  }

  @Override
  public double requestedRate() {
    return 0;
  }
}
