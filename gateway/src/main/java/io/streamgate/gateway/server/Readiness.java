package io.streamgate.gateway.server;

import io.streamgate.gateway.warmup.Warmup;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether Redis answers, asked by a timer every {@value #INTERVAL_MS} ms (one PING per process
 * and interval, whatever the number of readiness requests) on a connection of its own, outside
 * the reads' breaker and bulkhead: a flood of {@code /health/ready} can neither fail reads nor be
 * failed by them. Requests answer from the last result. Not ready either until the warm-up has
 * finished ({@link Warmup}): a gateway whose read path is not compiled yet served a few hundred
 * requests a second with a p99 of half a second. A verticle (its timer runs on its own context);
 * {@link #up()}, {@link #redis()} and {@link #warmup()} are safe from any thread.
 */
public final class Readiness extends VerticleBase {
  public static final long INTERVAL_MS = 1_000;

  private record Result(boolean up, long checkedAt, String error) {}

  private final Supplier<Future<Void>> ping;
  private final Warmup warmup;
  private final Clock clock;
  private volatile Result last = new Result(false, 0, "not checked yet");
  private long timer = -1;
  private boolean asking;

  /** @param ping one PING, failing when Redis does not answer in time */
  public Readiness(Supplier<Future<Void>> ping, Warmup warmup, Clock clock) {
    this.ping = ping;
    this.warmup = warmup;
    this.clock = clock;
  }

  /** Completes after the first answer (or failure), so a fresh gateway reports the truth. */
  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(INTERVAL_MS, t -> check());
    return check();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** True if Redis answered the last PING and the warm-up has finished. */
  public boolean up() {
    return last.up() && warmup.finished();
  }

  /** True while Redis answers but the warm-up runs: not ready yet, and not for Redis. */
  public boolean warmingUp() {
    return last.up() && !warmup.finished();
  }

  /** Why the last PING failed, or null. */
  public String error() {
    return last.error();
  }

  /** The warm-up's state for the management listener's details ({@link Warmup#details()}). */
  public Map<String, Object> warmup() {
    return warmup.details();
  }

  /** {@code {"up", "checkedAt", "error"}} for the management listener's details. */
  public Map<String, Object> redis() {
    Result result = last;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("up", result.up());
    out.put("checkedAt", result.checkedAt() == 0 ? null
        : Instant.ofEpochMilli(result.checkedAt()).toString());
    out.put("error", result.error());
    return out;
  }

  private Future<Void> check() {
    if (asking) {
      return Future.succeededFuture(); // a hung Redis: one PING in flight at a time
    }
    asking = true;
    return ping.get().transform(ar -> {
      asking = false;
      last = ar.succeeded() ? new Result(true, clock.millis(), null)
          : new Result(false, clock.millis(), ar.cause().getMessage() == null
              ? ar.cause().toString() : ar.cause().getMessage());
      return Future.<Void>succeededFuture();
    });
  }
}
