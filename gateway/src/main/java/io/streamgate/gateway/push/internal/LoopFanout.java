package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Change;
import io.streamgate.gateway.store.SnapshotReads;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The subscriptions of the sessions on one event loop, indexed by view and key, so a change is
 * handed to exactly the subscriptions that follow its row. Only touched on that loop: no locks.
 */
final class LoopFanout {
  final Context context;
  private final Map<String, Map<String, List<Sub>>> byKey = new HashMap<>();
  private final Map<String, List<Sub>> byView = new HashMap<>();
  private final Set<Session> sessions = new LinkedHashSet<>();
  /** Read by the hub from its own thread, to skip loops without sessions. */
  private final AtomicInteger sessionCount = new AtomicInteger();

  /** The loop's snapshot reads, bounded (push.maxQueuedReads waiting). */
  private final SnapshotReads reads;

  LoopFanout(Context context, int maxWaitingReads) {
    this.context = context;
    this.reads = new SnapshotReads(context, maxWaitingReads);
  }

  /** True on this loop's thread (on its context or a duplicate of it, as requests run). */
  boolean onThisLoop() {
    Context current = Vertx.currentContext();
    return current != null && ((ContextInternal) current).unwrap() == context;
  }

  /** A snapshot read, bounded per loop ({@link SnapshotReads}). On this loop. */
  <T> Future<T> read(Supplier<Future<T>> read) {
    return reads.read(read);
  }

  void add(Session session) {
    if (sessions.add(session)) {
      sessionCount.incrementAndGet();
    }
  }

  void remove(Session session) {
    if (sessions.remove(session)) {
      sessionCount.decrementAndGet();
    }
  }

  boolean hasSessions() {
    return sessionCount.get() > 0;
  }

  /** Every session, in a copy (handlers may close sessions). */
  List<Session> sessions() {
    return new ArrayList<>(sessions);
  }

  void add(Sub sub) {
    if (sub.followsView()) {
      byView.computeIfAbsent(sub.view, v -> new ArrayList<>(2)).add(sub);
      return;
    }
    Map<String, List<Sub>> keys = byKey.computeIfAbsent(sub.view, v -> new HashMap<>());
    for (String key : sub.keys) {
      keys.computeIfAbsent(key, k -> new ArrayList<>(2)).add(sub);
    }
  }

  void remove(Sub sub) {
    if (sub.followsView()) {
      List<Sub> subs = byView.get(sub.view);
      if (subs != null && subs.remove(sub) && subs.isEmpty()) {
        byView.remove(sub.view);
      }
      return;
    }
    Map<String, List<Sub>> keys = byKey.get(sub.view);
    if (keys == null) {
      return;
    }
    for (String key : sub.keys) {
      List<Sub> subs = keys.get(key);
      if (subs != null && subs.remove(sub) && subs.isEmpty()) {
        keys.remove(key);
      }
    }
    if (keys.isEmpty()) {
      byKey.remove(sub.view);
    }
  }

  /**
   * Hands {@code change} (of view version {@code viewVersion}) to every subscription following
   * its row; each takes only its own version's.
   */
  void deliver(Change change, long viewVersion) {
    Map<String, List<Sub>> keys = byKey.get(change.view());
    if (keys != null) {
      deliver(keys.get(change.key()), change, viewVersion);
    }
    deliver(byView.get(change.view()), change, viewVersion);
  }

  private static void deliver(List<Sub> subs, Change change, long viewVersion) {
    if (subs == null || subs.isEmpty()) {
      return;
    }
    // A copy: a session closed by this very change (slow consumer) removes its subscriptions.
    for (Sub sub : subs.toArray(new Sub[0])) {
      sub.session.onChange(sub, change, viewVersion);
    }
  }
}
