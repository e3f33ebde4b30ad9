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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * callers hold one connection for long (subscriptions) on a client of their own.
 *
 * <p>A node that hangs without closing its connections (SIGSTOP, a host lost without a reset)
 * keeps its commands, connection handshakes and CLUSTER SLOTS fetches waiting for ever: the
 * client has no command timeout, and it asks its seeds for the slot map in their given order,
 * so a hung first seed blocks every refresh even once a replica has taken over. So when a
 * command or connect has been waiting {@code stuckAfterMs} the client is replaced by a new one
 * (its seeds rotated by one, so a hung seed is not asked first again) and the old one closed;
 * the stuck commands no longer count against the places. Thread-safe; each answer completes on
 * the caller's context.
 */
public final class GatedClusterClient implements Redis {
  private static final Logger LOG = LoggerFactory.getLogger(GatedClusterClient.class);

  private final Vertx vertx;
  private final IntFunction<Redis> clients;
  private final int permits;
  private final int maxWaiting;
  private final long maxWaitNanos;
  private final long stuckAfterNanos;
  private final long watchdog;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  /** Commands (and connects) sent on the current client and not answered: start times. */
  private final Map<Object, Long> started = new LinkedHashMap<>();
  private Redis client;
  private int generation;
  private int inFlight;
  private boolean closed;

  /**
   * @param clients      a new cluster client for each generation (0, 1, …), its pool at least
   *                     {@code permits + 1} connections per node, its seeds rotated by the
   *                     generation
   * @param permits      commands in flight at once
   * @param maxWaiting   commands that may wait for a place; more fail at once
   * @param maxWaitMs    a command that waited longer is failed instead of sent
   * @param stuckAfterMs a command or connect unanswered this long replaces the client
   */
  public GatedClusterClient(Vertx vertx, IntFunction<Redis> clients, int permits,
      int maxWaiting, long maxWaitMs, long stuckAfterMs) {
    if (permits < 1 || maxWaiting < 0 || maxWaitMs < 1 || stuckAfterMs < 1) {
      throw new IllegalArgumentException("permits " + permits + ", maxWaiting " + maxWaiting
          + ", maxWaitMs " + maxWaitMs + ", stuckAfterMs " + stuckAfterMs);
    }
    this.vertx = vertx;
    this.clients = clients;
    this.client = clients.apply(0);
    this.permits = permits;
    this.maxWaiting = maxWaiting;
    this.maxWaitNanos = maxWaitMs * 1_000_000L;
    this.stuckAfterNanos = stuckAfterMs * 1_000_000L;
    this.watchdog = vertx.setPeriodic(Math.max(100, stuckAfterMs / 4), id -> replaceIfStuck());
  }

  /** One client for ever, never replaced (for tests). */
  GatedClusterClient(Vertx vertx, Redis client, int permits, int maxWaiting, long maxWaitMs) {
    this(vertx, generation -> client, permits, maxWaiting, maxWaitMs, Long.MAX_VALUE / 2_000_000L);
  }

  @Override
  public Future<Response> send(Request command) {
    return gated(redis -> redis.send(command));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return gated(redis -> redis.batch(commands));
  }

  @Override
  public Future<RedisConnection> connect() {
    Object token = new Object();
    return started(token, Redis::connect).andThen(ar -> {
      synchronized (this) {
        started.remove(token);
      }
    });
  }

  @Override
  public Future<Void> close() {
    List<Waiter> dropped;
    Redis redis;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>(waiting);
      waiting.clear();
      redis = client;
    }
    vertx.cancelTimer(watchdog);
    dropped.forEach(w -> w.fail("redis client closed"));
    return redis.close();
  }

  /** Times the client was replaced (for tests). */
  synchronized int generation() {
    return generation;
  }

  /**
   * Replaces the client if something has waited on it {@code stuckAfterMs}: the commands stuck
   * on the old one give their places back (their late answers, if any, still reach callers).
   */
  private void replaceIfStuck() {
    Redis old;
    int freed;
    long stuckMs;
    int next;
    synchronized (this) {
      Iterator<Long> oldest = started.values().iterator();
      if (closed || !oldest.hasNext()) {
        return;
      }
      long age = System.nanoTime() - oldest.next();
      if (age < stuckAfterNanos) {
        return;
      }
      stuckMs = age / 1_000_000;
      old = client;
      next = ++generation;
      client = clients.apply(next);
      freed = 0;
      for (Iterator<Object> tokens = started.keySet().iterator(); tokens.hasNext(); ) {
        if (tokens.next() instanceof Command) {
          freed++;
        }
        tokens.remove();
      }
    }
    LOG.warn("redis cluster client stuck: a call has waited {} ms for an answer (a node that"
        + " hangs without closing its connections?); replaced it by a new client (generation {},"
        + " {} stuck commands abandoned)", stuckMs, next, freed);
    old.close().onFailure(e -> LOG.debug("closing the stuck redis client failed", e));
    for (int i = 0; i < freed; i++) {
      release(null);
    }
  }

  /** Commands sent and not yet answered (for tests). */
  synchronized int inFlight() {
    return inFlight;
  }

  private <T> Future<T> gated(java.util.function.Function<Redis, Future<T>> call) {
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

  private <T> void run(java.util.function.Function<Redis, Future<T>> call, Promise<T> promise) {
    Command token = new Command();
    started(token, call).onComplete(ar -> {
      release(token);
      promise.handle(ar);
    });
  }

  /**
   * {@code call} on the current client, its start recorded under {@code token} (so the watchdog
   * sees it if it never answers); a call that throws is a failed future.
   */
  private <T> Future<T> started(Object token, java.util.function.Function<Redis, Future<T>> call) {
    Redis redis;
    synchronized (this) {
      redis = client;
      started.put(token, System.nanoTime());
    }
    try {
      return call.apply(redis);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Hands the place of {@code token} to the next waiter that still wants it, or frees it;
   * nothing if the token was abandoned with a stuck client (its place was given back then).
   * A null token is such a given-back place.
   */
  private void release(Command token) {
    List<Waiter> expired = new ArrayList<>(0);
    Waiter next = null;
    long now = System.nanoTime();
    synchronized (this) {
      if (token != null && started.remove(token) == null) {
        return;
      }
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

  /** One command in flight (identity only). */
  private static final class Command {
  }

  private record Waiter(Context context, long since, Runnable start,
      java.util.function.Consumer<Throwable> failure) {
    void fail(String message) {
      context.runOnContext(v -> failure.accept(new IllegalStateException(message)));
    }
  }
}
