package io.streamgate.gateway.store;

import io.streamgate.gateway.store.internal.SharedPatternSubscriptions;

/**
 * The gateway's one subscription to every view's change channel ({@code <ns>:changes:*}),
 * shared by everything in the process that follows changes: the near cache and push. Without
 * it each would PSUBSCRIBE on its own connection; with it Redis sends each change message to a
 * gateway process once, however many listeners and WebSocket clients it has.
 */
public final class ChangeFeed {
  private ChangeFeed() {}

  /**
   * {@link Subscriptions} that share one PSUBSCRIBE of {@code pattern} among all callers of
   * {@code psubscribe(pattern, …)}; other channels and patterns go to {@code store} as before.
   * Each caller's handlers run on the context it called from, in message order. A caller that
   * joins while the shared subscription is up is told so at once ({@code onSubscribed}).
   * Thread-safe.
   */
  public static Subscriptions shared(Subscriptions store, String pattern) {
    return new SharedPatternSubscriptions(store, pattern);
  }
}
