package io.streamgate.gateway.store;

import io.vertx.core.Future;

/**
 * A live subscription to one pub/sub channel on its own connection. When the connection drops
 * (Redis restarts, network) it reconnects with backoff and subscribes again; messages published
 * meanwhile are lost, so {@link Subscriptions#subscribe} tells the owner after every
 * (re)subscription and the owner resynchronises.
 */
public interface ChannelSubscription {

  /** True while subscribed. Safe from any thread. */
  boolean subscribed();

  /** Stops reconnecting and closes the connection. */
  Future<Void> close();
}
