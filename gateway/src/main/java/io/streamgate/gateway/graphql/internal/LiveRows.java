package io.streamgate.gateway.graphql.internal;

import io.streamgate.contract.Change;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.graphql.GraphQLApi;
import io.streamgate.gateway.store.RowBatch;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One GraphQL subscription to keys of a view, as a Reactive Streams publisher of
 * {@link RowData.Event}s, with push's semantics (docs/push.md): a snapshot of the rows (changes
 * arriving during the read are held and merged, newest wins), {@code LIVE}, then each key's
 * changes and deletes in version order, each version at most once. When the view switches
 * versions: {@code SWITCH}, a snapshot of the new version, {@code LIVE}. After the change feed
 * was lost and is back, rows that changed meanwhile go out as updates.
 *
 * <p>Events wait in a queue while the client has not asked for more (graphql-java and Vert.x
 * ask for one at a time) or the socket's write queue is full; waiting events of one key are
 * coalesced (the newest wins), so the queue never holds more than one event per key plus the
 * control events; more than {@code push.maxPending} closes the socket (4002). Everything runs
 * on the connection's event loop; calls from elsewhere are moved there.
 */
final class LiveRows implements Publisher<RowData.Event> {
  private final GraphQLHub hub;
  private final Connection connection;
  private final NearCache rows;
  final String view;
  final List<String> keys;
  /** The view version followed; changes of other versions are ignored. */
  long version;
  /** Per key, the newest version handed out (of {@link #version}). */
  private final Map<String, Long> sent = new HashMap<>();
  /** Non-null while a snapshot is read: changes that arrived meanwhile, newest per key. */
  private Map<String, Change> held;
  private long reads;
  /** Keys are row keys; control events take keys no row key can have (they are never empty). */
  private final LinkedHashMap<String, RowData.Event> queue = new LinkedHashMap<>();
  private int controls;
  private Subscriber<? super RowData.Event> subscriber;
  private long demand;
  private boolean draining;
  private boolean ended;

  LiveRows(GraphQLHub hub, Connection connection, NearCache rows, String view,
      List<String> keys, long version) {
    this.hub = hub;
    this.connection = connection;
    this.rows = rows;
    this.view = view;
    this.keys = keys;
    this.version = version;
  }

  @Override
  public void subscribe(Subscriber<? super RowData.Event> s) {
    onLoop(() -> {
      if (subscriber != null || ended) {
        s.onSubscribe(new Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
        s.onError(new IllegalStateException("a subscription publishes to one subscriber"));
        return;
      }
      subscriber = s;
      s.onSubscribe(new Subscription() {
        @Override
        public void request(long n) {
          onLoop(() -> {
            demand = n <= 0 || demand + n < 0 ? Long.MAX_VALUE : demand + n;
            drain();
          });
        }

        @Override
        public void cancel() {
          onLoop(LiveRows.this::end);
        }
      });
      hub.follow(this);
      readSnapshot(Map.of(), RowData.ChangeType.SNAPSHOT);
    });
  }

  Context connectionContext() {
    return connection.context;
  }

  // ---- the feed (on the loop)

  void onChange(Change change, long viewVersion) {
    if (ended || viewVersion != version) {
      return;
    }
    if (held != null) {
      held.merge(change.key(), change, LiveRows::newest);
      return;
    }
    Long last = sent.get(change.key());
    if (last != null && change.version() <= last) {
      return;
    }
    sent.put(change.key(), change.version());
    enqueue(event(change, RowData.ChangeType.UPDATE));
  }

  /** The view is served by {@code newVersion} now: start over on it. */
  void switched(long newVersion) {
    if (ended || newVersion == version) {
      return;
    }
    version = newVersion;
    sent.clear();
    queue.clear();
    controls = 0;
    enqueue(RowData.Event.control(RowData.ChangeType.SWITCH, newVersion));
    readSnapshot(Map.of(), RowData.ChangeType.SNAPSHOT);
  }

  /** The change feed is back after a loss: re-read, and send what changed meanwhile. */
  void feedRestored() {
    if (!ended && held == null) {
      readSnapshot(new HashMap<>(sent), RowData.ChangeType.UPDATE);
    }
  }

  /**
   * Reads the keys' rows and queues, per key, the row (or its delete) if newer than
   * {@code had}; as {@code type} events, followed by {@code LIVE} for a first snapshot. A later
   * read makes this one's answer void.
   */
  private void readSnapshot(Map<String, Long> had, RowData.ChangeType type) {
    held = new HashMap<>();
    long read = ++reads;
    long readVersion = version;
    rows.getAll(view, readVersion, keys).onComplete(ar -> onLoop(() -> {
      if (ended || read != reads) {
        return;
      }
      Map<String, Change> changes = held;
      held = null;
      if (ar.failed()) {
        fail(ErrorCode.UNAVAILABLE, "the rows could not be read from the store ("
            + ar.cause().getMessage() + "); subscribe again shortly");
        return;
      }
      RowBatch batch = ar.result().value();
      Map<String, Change> found = new HashMap<>();
      batch.found().forEach(row -> found.put(row.key(), row));
      batch.deleted().forEach(tombstone -> found.put(tombstone.key(), tombstone));
      for (String key : keys) {
        Change change = newest(found.get(key), changes.get(key));
        if (change == null) {
          continue;
        }
        Long before = had.get(key);
        if (before != null && change.version() <= before) {
          continue;
        }
        sent.put(key, change.version());
        if (change instanceof Row) {
          enqueue(event(change, type));
        } else if (before != null) {
          // A delete matters to a client that had the row; a snapshot lists no missing rows.
          enqueue(event(change, RowData.ChangeType.DELETE));
        }
      }
      if (type == RowData.ChangeType.SNAPSHOT) {
        enqueue(RowData.Event.control(RowData.ChangeType.LIVE, readVersion));
      }
    }));
  }

  // ---- output

  private RowData.Event event(Change change, RowData.ChangeType type) {
    if (change instanceof Row row) {
      return new RowData.Event(type, row.key(), row.version(), version, RowData.of(row), null);
    }
    Tombstone tombstone = (Tombstone) change;
    return new RowData.Event(RowData.ChangeType.DELETE, tombstone.key(), tombstone.version(),
        version, null, tombstone.deletedAt());
  }

  private void enqueue(RowData.Event event) {
    if (ended) {
      return;
    }
    if (event.key() == null) {
      queue.put("\u0000" + controls++, event);
    } else {
      RowData.Event waiting = queue.get(event.key());
      // A snapshot still waiting stays a snapshot, with the newer row.
      boolean snapshot = waiting != null && waiting.type() == RowData.ChangeType.SNAPSHOT
          && event.type() == RowData.ChangeType.UPDATE;
      queue.put(event.key(), snapshot ? new RowData.Event(RowData.ChangeType.SNAPSHOT,
          event.key(), event.version(), event.viewVersion(), event.row(), null) : event);
    }
    if (queue.size() > connection.limits().maxPending()) {
      connection.close(GraphQLApi.CLOSE_SLOW_CONSUMER, "slow consumer: more than "
          + connection.limits().maxPending() + " events waiting");
      return;
    }
    drain();
  }

  /** Hands waiting events to the subscriber while it asks for them and the socket takes them. */
  void drain() {
    if (draining || subscriber == null) {
      return;
    }
    draining = true;
    try {
      while (!ended && demand > 0 && !queue.isEmpty() && !connection.socket.writeQueueFull()) {
        Iterator<RowData.Event> first = queue.values().iterator();
        RowData.Event event = first.next();
        first.remove();
        demand--;
        subscriber.onNext(event);
      }
    } finally {
      draining = false;
    }
  }

  private void fail(ErrorCode code, String message) {
    Subscriber<? super RowData.Event> s = subscriber;
    end();
    if (s != null) {
      s.onError(code.abort(message));
    }
  }

  /** Ends the subscription (cancelled, or its connection closed). */
  void end() {
    if (ended) {
      return;
    }
    ended = true;
    queue.clear();
    hub.unfollow(this);
    connection.remove(this);
  }

  private void onLoop(Runnable action) {
    if (Vertx.currentContext() != null
        && ((ContextInternal) Vertx.currentContext()).unwrap()
            == ((ContextInternal) connection.context).unwrap()) {
      action.run();
    } else {
      connection.context.runOnContext(v -> action.run());
    }
  }

  private static Change newest(Change a, Change b) {
    if (a == null) {
      return b;
    }
    return b == null || a.version() >= b.version() ? a : b;
  }
}
