package io.streamgate.gateway.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The snapshot reads of one event loop's subscriptions (push's and GraphQL's), bounded: at most
 * {@link #MAX_READS_IN_FLIGHT} in flight, at most {@code push.maxQueuedReads} waiting, beyond
 * that refused ({@link Overloaded}). A reconnect storm (a gateway restarts and thousands of
 * clients resubscribe at once) would otherwise send thousands of Redis reads at once, time them
 * out and open the breaker; queued here, they go out as answers come back, and repeated keys
 * are answered by the near cache the first read filled. Only touched on its loop.
 */
public final class SnapshotReads {
  public static final int MAX_READS_IN_FLIGHT = 32;

  /** A read refused because {@code push.maxQueuedReads} reads already wait on this loop. */
  public static final class Overloaded extends RuntimeException {
    Overloaded(String message) {
      super(message, null, false, false);
    }
  }

  private final Context context;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private final int maxWaiting;
  private int inFlight;

  /** @param context the event loop's (not a duplicate) context; answers come back on it */
  public SnapshotReads(Context context, int maxWaiting) {
    this.context = context;
    this.maxWaiting = maxWaiting;
  }

  /**
   * Starts {@code read} now, or once fewer than the maximum are in flight; fails it with
   * {@link Overloaded} if {@code maxWaiting} already wait. On this loop.
   */
  public <T> Future<T> read(Supplier<Future<T>> read) {
    Promise<T> result = Promise.promise();
    Runnable start = () -> {
      inFlight++;
      read.get().onComplete(ar -> context.runOnContext(v -> {
        inFlight--;
        result.handle(ar);
        while (inFlight < MAX_READS_IN_FLIGHT && !waiting.isEmpty()) {
          waiting.poll().run();
        }
      }));
    };
    if (inFlight < MAX_READS_IN_FLIGHT) {
      start.run();
    } else if (waiting.size() >= maxWaiting) {
      result.fail(new Overloaded("the gateway is busy: " + waiting.size() + " snapshot reads"
          + " wait on this connection's event loop; subscribe again shortly"));
    } else {
      waiting.add(start);
    }
    return result.future();
  }
}
