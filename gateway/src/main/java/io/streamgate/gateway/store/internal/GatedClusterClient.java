package io.streamgate.gateway.store.internal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A vertx-redis-client cluster client that never has more commands in flight than its pool can
 * serve without waiting, so that the client cannot deadlock on its own pool.
 *
 * <p>Why (vertx-redis-client 5.0.7, {@code io.vertx.redis.client.impl}): every connection-less
 * {@code send}/{@code batch} of {@code RedisClusterClient} first {@code connect()}s, which takes
 * one pooled connection of EVERY node in the slot map (replicas included) one node at a time
 * and holds them until the command completes ({@code BaseRedisClient.send}). Two commands that
 * got their connections in a different order (they start on different event loops) each hold a
 * connection the other waits for; once every connection of a node's pool is held by commands
 * that wait for another node, none ever completes and the pool has no acquire timeout: the
 * client is wedged for good. Separately, {@code RedisClusterConnection.send} asks
 * {@code SharedSlots.get()} while holding those connections, and after the slot map expired
 * (every {@code topologyCacheTTL}, 1 s by default, and on every MOVED, so always during a
 * failover) that refetches CLUSTER SLOTS on a connection from the same pool, which a full pool
 * never gives. An abandoned call (our breaker's timeout) frees nothing.
 *
 * <p>So commands wait here, in order, for one of {@code permits} places, and the client's pool
 * is {@code permits + 1} per node: the commands in flight hold at most one connection of each
 * node each, and one is always left for the slot-map refresh; no acquisition ever waits for
 * another command. A command that waited here longer than {@code maxWaitMs} is not sent (its
 * caller gave up), and at most {@code maxWaiting} wait. {@link #connect()} is not gated: its
 * callers hold one connection for long (subscriptions) on a client of their own. Thread-safe;
 * each answer completes on the caller's context.
 */
public final class GatedClusterClient implements Redis {
  private final Vertx vertx;
  private final Redis client;
  private final int permits;
  private final int maxWaiting;
  private final long maxWaitNanos;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private int inFlight;

  /**
   * @param client     a cluster client whose pool has at least {@code permits + 1} connections
   *                   per node
   * @param permits    commands in flight at once
   * @param maxWaiting commands that may wait for a place; more fail at once
   * @param maxWaitMs  a command that waited longer is failed instead of sent
   */
  public GatedClusterClient(Vertx vertx, Redis client, int permits, int maxWaiting,
      long maxWaitMs) {
    if (permits < 1 || maxWaiting < 0 || maxWaitMs < 1) {
      throw new IllegalArgumentException("permits " + permits + ", maxWaiting " + maxWaiting
          + ", maxWaitMs " + maxWaitMs);
    }
    this.vertx = vertx;
    this.client = client;
    this.permits = permits;
    this.maxWaiting = maxWaiting;
    this.maxWaitNanos = maxWaitMs * 1_000_000L;
  }

  @Override
  public Future<Response> send(Request command) {
    return gated(() -> client.send(command));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return gated(() -> client.batch(commands));
  }

  @Override
  public Future<RedisConnection> connect() {
    return client.connect();
  }

  @Override
  public Future<Void> close() {
    List<Waiter> dropped;
    synchronized (this) {
      dropped = new ArrayList<>(waiting);
      waiting.clear();
    }
    dropped.forEach(w -> w.fail("redis client closed"));
    return client.close();
  }

  /** Commands sent and not yet answered (for tests). */
  synchronized int inFlight() {
    return inFlight;
  }

  private <T> Future<T> gated(Supplier<Future<T>> call) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    Waiter waiter = new Waiter(context, System.nanoTime(), () -> run(call, promise),
        promise::tryFail);
    synchronized (this) {
      if (inFlight < permits) {
        inFlight++;
      } else if (waiting.size() >= maxWaiting) {
        return Future.failedFuture("too many redis commands waiting for a connection ("
            + maxWaiting + ")");
      } else {
        waiting.add(waiter);
        return promise.future();
      }
    }
    run(call, promise);
    return promise.future();
  }

  private <T> void run(Supplier<Future<T>> call, Promise<T> promise) {
    Future<T> sent;
    try {
      sent = call.get();
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(ar -> {
      release();
      promise.handle(ar);
    });
  }

  /** Hands the place to the next waiter that still wants it, or frees it. */
  private void release() {
    List<Waiter> expired = new ArrayList<>(0);
    Waiter next = null;
    long now = System.nanoTime();
    synchronized (this) {
      while (!waiting.isEmpty()) {
        Waiter w = waiting.poll();
        if (now - w.since > maxWaitNanos) {
          expired.add(w);
        } else {
          next = w;
          break;
        }
      }
      if (next == null) {
        inFlight--;
      }
    }
    for (Waiter w : expired) {
      w.fail("waited more than " + maxWaitNanos / 1_000_000 + " ms for a redis connection");
    }
    if (next != null) {
      Waiter start = next;
      start.context.runOnContext(v -> start.start.run());
    }
  }

  private record Waiter(Context context, long since, Runnable start,
      java.util.function.Consumer<Throwable> failure) {
    void fail(String message) {
      context.runOnContext(v -> failure.accept(new IllegalStateException(message)));
    }
  }
}
