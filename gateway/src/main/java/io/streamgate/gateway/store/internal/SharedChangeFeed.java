package io.streamgate.gateway.store.internal;

import io.streamgate.contract.Change;
import io.streamgate.contract.Names;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real PSUBSCRIBE of a pattern, opened by the first listener and closed with the last; each
 * message is parsed once, its channel mapped to (view, version), and every change and state
 * change is handed to each listener on its own context. Listener changes are rare (startup, shutdown), so a copy-on-write list keeps delivery
 * lock-free.
 */
public final class SharedChangeFeed implements ChangeFeed {
  private static final Logger LOG = LoggerFactory.getLogger(SharedChangeFeed.class);

  private final Subscriptions store;
  private final String pattern;
  /** The pattern's fixed part: what a channel starts with before its table name. */
  private final String channelPrefix;
  private final List<Entry> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder malformed = new LongAdder();
  private ChannelSubscription shared;
  private volatile boolean up;

  public SharedChangeFeed(Subscriptions store, String pattern) {
    this.store = store;
    this.pattern = pattern;
    this.channelPrefix = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1)
        : pattern;
  }

  @Override
  public Registration listen(Context context, Listener listener) {
    Entry entry = new Entry(context, listener);
    synchronized (this) {
      listeners.add(entry);
      if (shared == null) {
        shared = store.psubscribe(pattern, this::message, v -> {
          up = true;
          listeners.forEach(l -> l.run(l.listener::onSubscribed));
        }, v -> {
          up = false;
          listeners.forEach(l -> l.run(l.listener::onLost));
        });
      } else if (up) {
        entry.run(listener::onSubscribed);
      }
    }
    return new Registration() {
      @Override
      public boolean subscribed() {
        return up;
      }

      @Override
      public Future<Void> close() {
        return remove(entry);
      }
    };
  }

  @Override
  public long malformed() {
    return malformed.sum();
  }

  private void message(String channel, String payload) {
    String table = channel.startsWith(channelPrefix)
        ? channel.substring(channelPrefix.length()) : null;
    long version = Names.versionOfTable(table);
    Change change;
    try {
      if (version == 0) {
        throw new IllegalArgumentException("channel " + channel + " names no view table");
      }
      change = Change.fromJson(payload);
      if (!change.view().equals(Names.viewOfTable(table))) {
        throw new IllegalArgumentException("a change of view " + change.view()
            + " on the channel of table " + table);
      }
    } catch (IllegalArgumentException e) {
      malformed.increment();
      if (malformed.sum() == 1) {
        LOG.warn("ignoring a change message that is not a contract change ({}); is something"
            + " other than the processor publishing on {}?", e.getMessage(), pattern);
      }
      return;
    }
    for (Entry entry : listeners) {
      entry.run(() -> entry.listener.onChange(change, version));
    }
  }

  private synchronized Future<Void> remove(Entry entry) {
    listeners.remove(entry);
    if (listeners.isEmpty() && shared != null) {
      ChannelSubscription closing = shared;
      shared = null;
      up = false;
      return closing.close();
    }
    return Future.succeededFuture();
  }

  private record Entry(Context context, Listener listener) {
    void run(Runnable action) {
      if (context == null || context == Vertx.currentContext()) {
        action.run();
      } else {
        Handler<Void> task = v -> action.run();
        context.runOnContext(task);
      }
    }
  }
}
