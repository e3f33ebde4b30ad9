package io.streamgate.gateway.store;

import io.vertx.core.Handler;
import java.util.function.BiConsumer;

/** Opens {@link ChannelSubscription}s. Thread-safe. */
public interface Subscriptions {

  /**
   * Subscribes to {@code channel} on a dedicated connection. Call it on the Vert.x context that
   * should run the handlers (e.g. from a verticle's start); both handlers run there.
   *
   * @param onMessage    each message's payload
   * @param onSubscribed after the first subscription and after every re-subscription, so the
   *                     caller can reload whatever it may have missed while disconnected
   */
  ChannelSubscription subscribe(String channel, Handler<String> onMessage, Handler<Void> onSubscribed);

  /**
   * Like {@link #subscribe}, for every channel matching a glob pattern (PSUBSCRIBE).
   *
   * @param onMessage each message's channel and payload
   * @param onLost after each loss of an established subscription (messages from then until the
   *               next {@code onSubscribed} are missed)
   */
  ChannelSubscription psubscribe(String pattern, BiConsumer<String, String> onMessage,
      Handler<Void> onSubscribed, Handler<Void> onLost);
}
