package io.streamgate.gateway.store.internal;

import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One real PSUBSCRIBE of a pattern, opened by the first listener and closed with the last;
 * every message and state change is handed to each listener on its own context. Listener
 * changes are rare (startup, shutdown), so a copy-on-write list keeps delivery lock-free.
 */
public final class SharedPatternSubscriptions implements Subscriptions {
  private final Subscriptions store;
  private final String pattern;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private ChannelSubscription shared;
  private volatile boolean up;

  public SharedPatternSubscriptions(Subscriptions store, String pattern) {
    this.store = store;
    this.pattern = pattern;
  }

  @Override
  public ChannelSubscription subscribe(String channel, Handler<String> onMessage,
      Handler<Void> onSubscribed) {
    return store.subscribe(channel, onMessage, onSubscribed);
  }

  @Override
  public ChannelSubscription psubscribe(String pattern, Handler<String> onMessage,
      Handler<Void> onSubscribed, Handler<Void> onLost) {
    if (!this.pattern.equals(pattern)) {
      return store.psubscribe(pattern, onMessage, onSubscribed, onLost);
    }
    Context context = Vertx.currentContext();
    Listener listener = new Listener(context, onMessage, onSubscribed, onLost);
    synchronized (this) {
      listeners.add(listener);
      if (shared == null) {
        shared = store.psubscribe(pattern, this::message, v -> {
          up = true;
          listeners.forEach(l -> l.run(l.onSubscribed, null));
        }, v -> {
          up = false;
          listeners.forEach(l -> l.run(l.onLost, null));
        });
      } else if (up) {
        listener.run(onSubscribed, null);
      }
    }
    return new ChannelSubscription() {
      @Override
      public boolean subscribed() {
        return up;
      }

      @Override
      public Future<Void> close() {
        return remove(listener);
      }
    };
  }

  private void message(String payload) {
    for (Listener listener : listeners) {
      listener.run(listener.onMessage, payload);
    }
  }

  private synchronized Future<Void> remove(Listener listener) {
    listeners.remove(listener);
    if (listeners.isEmpty() && shared != null) {
      ChannelSubscription closing = shared;
      shared = null;
      up = false;
      return closing.close();
    }
    return Future.succeededFuture();
  }

  private record Listener(Context context, Handler<String> onMessage, Handler<Void> onSubscribed,
      Handler<Void> onLost) {
    <T> void run(Handler<T> handler, T value) {
      if (context == null || context == Vertx.currentContext()) {
        handler.handle(value);
      } else {
        context.runOnContext(v -> handler.handle(value));
      }
    }
  }
}
