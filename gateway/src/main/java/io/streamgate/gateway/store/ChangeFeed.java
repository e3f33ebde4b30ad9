package io.streamgate.gateway.store;

import io.streamgate.contract.Change;
import io.streamgate.gateway.store.internal.SharedChangeFeed;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * The gateway's one subscription to every view's change channel ({@code <ns>:changes:*}),
 * shared by everything in the process that follows changes: the near cache, push (and later
 * GraphQL subscriptions). Redis sends each change message to a gateway process once, however
 * many listeners and WebSocket clients it has; the feed parses it once into the contract's
 * {@link Change} (a written {@link io.streamgate.contract.Row} or a deleted one, a
 * {@link io.streamgate.contract.Tombstone}) and hands that to every listener, with the view
 * version whose table's channel carried it ({@code <ns>:changes:<table>}, see
 * {@link io.streamgate.contract.Names#table}). A message that is not a contract change, or whose
 * view is not its channel's, is logged (the first one) and counted ({@link #malformed()}) here,
 * and reaches no listener.
 *
 * <p>The real PSUBSCRIBE opens with the first listener and closes with the last. Thread-safe.
 */
public interface ChangeFeed {

  /** What a listener is told. Each call for one listener comes in the feed's order. */
  interface Listener {
    /**
     * A row was written or deleted.
     *
     * @param change      the row or its tombstone, naming the view (never the table)
     * @param viewVersion the view version it belongs to: 1 for the view's own table, N for
     *                    {@code <view>.v<N>}; only the catalog says whether it serves the view
     */
    void onChange(Change change, long viewVersion);

    /**
     * The subscription is up: after the first subscription and after every re-subscription
     * (changes made while it was down were not received). A listener that joins while it is up
     * is told at once.
     */
    default void onSubscribed() {}

    /** The subscription was lost: changes from now until the next {@link #onSubscribed} are missed. */
    default void onLost() {}
  }

  /**
   * Adds {@code listener}; its calls run on {@code context}, or, when {@code context} is null,
   * directly on the feed's own thread (the listener must then be thread-safe and quick, as push's
   * hand-off to its event loops is).
   *
   * @return closes this listener's part (and the subscription, with the last one)
   */
  Registration listen(Context context, Listener listener);

  /** Change messages that were not contract changes, since start. */
  long malformed();

  /** One listener's place on the feed. */
  interface Registration {
    /** True while the shared subscription is up. */
    boolean subscribed();

    Future<Void> close();
  }

  /** The feed over one PSUBSCRIBE of {@code pattern} on {@code store}'s subscription connections. */
  static ChangeFeed shared(Subscriptions store, String pattern) {
    return new SharedChangeFeed(store, pattern);
  }
}
