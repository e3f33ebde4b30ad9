package io.streamgate.loadtest.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.loadtest.bench.measure.Measurements;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The open model's admission on a real event loop, with probes the test completes by hand. */
class OpenLoopTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void sendsAtMostMaxSendingTheRestWaitInTheToolAndBeyondMaxInFlightIsOverload() {
    List<Promise<Void>> open = new CopyOnWriteArrayList<>();
    Measurements measurements = new Measurements();
    measurements.startMeasuring();
    OpenLoop loop = new OpenLoop(vertx, 1, 1000, Duration.ZERO, () -> {
      Promise<Void> p = Promise.promise();
      open.add(p);
      return p.future();
    }, measurements, true, 10, 3, Duration.ofSeconds(10));
    loop.start();
    awaitTrue(() -> measurements.errorsByKind().getOrDefault("client_overload", 0L) > 0);
    loop.stop();
    assertEquals(3, open.size(), "only maxSending probes started");
    assertEquals(10, loop.inFlight(), "3 sending + 7 waiting");

    // Each completion lets one waiting unit go, in order, until none waits.
    for (int done = 0; done < 10; done++) {
      complete(open.get(done));
      int started = Math.min(10, 3 + done + 1);
      awaitTrue(() -> open.size() == started);
    }
    awaitTrue(() -> loop.inFlight() == 0);
    assertEquals(10, open.size());
    measurements.tickFinal();
    assertEquals(10, measurements.total().getTotalCount());
    assertTrue(measurements.errorsByKind().keySet().equals(java.util.Set.of("client_overload")));
  }

  @Test
  void aBacklogOfSynchronouslyCompletingProbesDrainsWithoutDeepRecursion() {
    Promise<Void> first = Promise.promise();
    AtomicInteger calls = new AtomicInteger();
    Measurements measurements = new Measurements();
    measurements.startMeasuring();
    OpenLoop loop = new OpenLoop(vertx, 1, 200_000, Duration.ZERO, () -> calls.getAndIncrement() == 0 ? first.future()
        : Future.failedFuture(new ProbeFailure("refused", "fails at once")), measurements, true, 1_000_000, 1,
        Duration.ofSeconds(10));
    loop.start();
    awaitTrue(() -> loop.inFlight() > 50_000); // all behind the one slow first probe
    loop.stop();
    complete(first);
    awaitTrue(() -> loop.inFlight() == 0);
    measurements.tickFinal();
    Map<String, Long> errors = measurements.errorsByKind();
    assertEquals(calls.get() - 1, errors.get("refused"));
    assertEquals(1, measurements.total().getTotalCount());
  }

  @Test
  void aUnitThatWaitedLongerThanMaxWaitIsATimeoutAndNotSent() {
    List<Promise<Void>> open = new CopyOnWriteArrayList<>();
    Measurements measurements = new Measurements();
    measurements.startMeasuring();
    OpenLoop loop = new OpenLoop(vertx, 1, 1000, Duration.ZERO, () -> {
      Promise<Void> p = Promise.promise();
      open.add(p);
      return p.future();
    }, measurements, true, 1000, 1, Duration.ofMillis(20));
    loop.start();
    awaitTrue(() -> loop.inFlight() >= 40);
    loop.stop();
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // every waiting unit is now past 20 ms
    complete(open.get(0));
    awaitTrue(() -> loop.inFlight() == 0);
    assertEquals(1, open.size(), "nothing that waited too long was sent");
    assertTrue(measurements.errorsByKind().get("timeout") >= 39, measurements.errorsByKind().toString());
  }

  @Test
  void warmUpUnitsStillWaitingWhenMeasuringStartsAreDroppedNotSent() {
    List<Promise<Void>> open = new CopyOnWriteArrayList<>();
    Measurements measurements = new Measurements();
    OpenLoop loop = new OpenLoop(vertx, 1, 1000, Duration.ZERO, () -> {
      Promise<Void> p = Promise.promise();
      open.add(p);
      return p.future();
    }, measurements, true, 100_000, 1, Duration.ofSeconds(10));
    loop.start();
    awaitTrue(() -> loop.inFlight() >= 30); // warm-up: 1 sending, the rest waiting
    measurements.startMeasuring();
    awaitTrue(() -> loop.inFlight() < 10); // the next hand-off drops the warm-up's waiting units
    loop.stop();
    while (loop.inFlight() > 0) {
      open.forEach(this::complete);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    measurements.tickFinal();
    // The one warm-up unit that was sent counts in neither phase; every unit sent after it was measured.
    assertEquals(open.size() - 1, measurements.total().getTotalCount());
    assertTrue(open.size() < 20, "the waiting warm-up units were not sent: " + open.size());
    assertEquals(Map.of(), measurements.errorsByKind());
  }

  /** On the event loop (the only one), as a real probe's completion would be. */
  private void complete(Promise<Void> probe) {
    vertx.runOnContext(v -> probe.tryComplete()); // the loops above may offer one twice
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
