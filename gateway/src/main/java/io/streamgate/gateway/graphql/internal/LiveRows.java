package io.streamgate.gateway.graphql.internal;

import graphql.execution.DataFetcherResult;
import io.streamgate.contract.Change;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.cache.Read;
import io.streamgate.gateway.graphql.GraphQLApi;
import io.streamgate.gateway.store.MatchingRows;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.SnapshotReads;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
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
 * One GraphQL subscription of a view, as a Reactive Streams publisher of {@link RowData.Event}s,
 * with push's semantics (docs/push.md) for its three kinds:
 *
 * <ul>
 *   <li>keys: a snapshot of the rows (changes arriving during the read are held and merged,
 *       newest wins), {@code LIVE}, then each key's changes and deletes in version order, each
 *       version at most once; after the change feed was lost and is back, rows that changed
 *       meanwhile go out as updates;</li>
 *   <li>a filter on indexed columns ({@link MatchingRows}, push's own bookkeeping): a snapshot
 *       of the matching rows, {@code LIVE}, then {@code ENTER}, {@code UPDATE}, {@code LEAVE}
 *       (the row matches no longer) and {@code DELETE} (a held row was deleted); after a feed
 *       loss the rows are read again and the difference goes out as such events;</li>
 *   <li>the whole view: {@code LIVE} at once (no snapshot, as push), then every change; after a
 *       feed loss, {@code RESYNC}.</li>
 * </ul>
 *
 * When the view switches versions: {@code SWITCH}, a snapshot of the new version, {@code LIVE}.
 *
 * <p>Events wait in a queue while the client has not asked for more (graphql-java and Vert.x
 * ask for one at a time) or the socket's write queue is full; waiting events of one key are
 * coalesced ({@link #merge}), so the queue never holds more than one event per key plus the
 * control events; more than {@code push.maxPending} closes the socket (4002). Everything runs
 * on the connection's event loop; calls from elsewhere are moved there.
 */
final class LiveRows implements Publisher<Object> {
  private final GraphQLHub hub;
  private final Connection connection;
  private final Caller caller;
  private final NearCache rows;
  private final ViewStore store;
  final String view;
  /** The keys followed, or null: a filter ({@link #matching}) or the whole view. */
  final List<String> keys;
  /** A filtered subscription's rows the client holds; null for keys or the whole view. */
  private final MatchingRows matching;
  /** The view version followed; changes of other versions are ignored. */
  long version;
  /** Per key, the newest version handed out (of {@link #version}); keyed subscriptions. */
  private final Map<String, Long> sent = new HashMap<>();
  /** Non-null while a snapshot is read: changes that arrived meanwhile, newest per key. */
  private Map<String, Change> held;
  private long reads;
  /** A filtered subscription's first snapshot was charged to the caller. */
  private boolean charged;
  /** Keys are row keys; control events take keys no row key can have (they are never empty). */
  private final LinkedHashMap<String, RowData.Event> queue = new LinkedHashMap<>();
  private int controls;
  private Subscriber<? super Object> subscriber;
  /**
   * The subscription failed: its error, handed out (as a {@code next} with {@code errors}, the
   * code kept) once the events before it are, then the stream completes.
   */
  private DataFetcherResult<Object> failure;
  private long demand;
  private boolean draining;
  private boolean ended;

  /**
   * @param caller   charged for the rows of a filtered snapshot (keys are charged when asked)
   * @param keys     the keys followed, or null
   * @param matching the filter followed, or null (with {@code keys} null: the whole view)
   */
  LiveRows(GraphQLHub hub, Connection connection, Caller caller, NearCache rows, ViewStore store,
      String view, List<String> keys, MatchingRows matching, long version) {
    this.hub = hub;
    this.connection = connection;
    this.caller = caller;
    this.rows = rows;
    this.store = store;
    this.view = view;
    this.keys = keys;
    this.matching = matching;
    this.version = version;
  }

  /** Follows every change of its view (a filter or the whole view), not keys. */
  boolean followsView() {
    return keys == null;
  }

  @Override
  public void subscribe(Subscriber<? super Object> s) {
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
      start(RowData.ChangeType.SNAPSHOT);
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
    if (followsView()) {
      onViewChange(change);
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

  /** A change of a filtered or whole-view subscription's view. */
  private void onViewChange(Change change) {
    if (!connection.principal.canReadKey(change.key())) {
      return; // a tenant-bound token follows its tenant's keys only
    }
    if (matching == null) {
      // The feed delivers each key's versions in order: nothing to remember per key (as push).
      enqueue(event(change, RowData.ChangeType.UPDATE));
      return;
    }
    if (matching.reading()) {
      matching.hold(change);
      return;
    }
    MatchingRows.Move move;
    try {
      move = matching.move(change);
    } catch (MatchingRows.Refused tooMany) {
      fail(ErrorCode.TOO_MANY_ROWS, tooMany.getMessage());
      return;
    }
    switch (move) {
      case ENTER -> enqueue(event(change, RowData.ChangeType.ENTER));
      case UPDATE -> enqueue(event(change, RowData.ChangeType.UPDATE));
      case LEAVE -> enqueue(leave(change));
      case NONE -> { }
    }
  }

  /** The view is served by {@code newVersion} now: start over on it. */
  void switched(long newVersion) {
    if (ended || newVersion == version) {
      return;
    }
    version = newVersion;
    sent.clear();
    if (matching != null) {
      matching.clear();
    }
    queue.clear();
    controls = 0;
    enqueue(RowData.Event.control(RowData.ChangeType.SWITCH, newVersion));
    start(RowData.ChangeType.SNAPSHOT);
  }

  /** The first snapshot (or, after a switch, the new version's) and {@code LIVE}. */
  private void start(RowData.ChangeType type) {
    if (keys != null) {
      readSnapshot(Map.of(), type);
    } else if (matching != null) {
      readFiltered(Map.of(), true);
    } else {
      enqueue(RowData.Event.control(RowData.ChangeType.LIVE, version));
    }
  }

  /** The change feed is back after a loss: re-read, and send what changed meanwhile. */
  void feedRestored() {
    if (ended) {
      return;
    }
    if (keys != null && held == null) {
      readSnapshot(new HashMap<>(sent), RowData.ChangeType.UPDATE);
    } else if (matching != null && !matching.reading()) {
      readFiltered(matching.holding(), false);
    } else if (keys == null && matching == null) {
      enqueue(RowData.Event.control(RowData.ChangeType.RESYNC, version));
    }
  }

  /**
   * Reads the filter's matching rows (at most {@code push.maxKeysPerSubscription}) and queues
   * what the client lacks: for a first snapshot ({@code first}), a {@code SNAPSHOT} per row and
   * {@code LIVE}, charged to the caller by the rows read; after a feed loss, {@code ENTER} or
   * {@code UPDATE} per new or newer row and {@code LEAVE} or {@code DELETE} per row gone from
   * {@code had}. A later read makes this one's answer void.
   */
  private void readFiltered(Map<String, Long> had, boolean first) {
    matching.startRead();
    long read = ++reads;
    long readVersion = version;
    Future<List<Row>> matchingRows = connection.reads.read(
        () -> matching.read(store, readVersion));
    matchingRows.onComplete(ar -> onLoop(() -> {
      if (ended || read != reads) {
        return;
      }
      MatchingRows.Snapshot snapshot;
      try {
        if (ar.failed()) {
          matching.abandonRead();
          throw ar.cause();
        }
        snapshot = matching.finishRead(ar.result(), connection.principal::canReadKey, had);
      } catch (MatchingRows.Refused refused) {
        fail(refused.tooManyRows() ? ErrorCode.TOO_MANY_ROWS : ErrorCode.OVERLOADED,
            refused.getMessage());
        return;
      } catch (SnapshotReads.Overloaded overloaded) {
        fail(ErrorCode.OVERLOADED, overloaded.getMessage());
        return;
      } catch (Throwable failure) {
        fail(ErrorCode.UNAVAILABLE, "the matching rows could not be read from the store ("
            + failure.getMessage() + "); subscribe again shortly");
        return;
      }
      if (first && !charged) {
        charged = true; // the first snapshot only, as keys are charged once
        String limited = caller.charge(snapshot.rows().size());
        if (limited != null) {
          fail(ErrorCode.RATE_LIMITED, limited);
          return;
        }
      }
      for (Row row : snapshot.rows()) {
        enqueue(event(row, first ? RowData.ChangeType.SNAPSHOT : had.containsKey(row.key())
            ? RowData.ChangeType.UPDATE : RowData.ChangeType.ENTER));
      }
      snapshot.left().forEach(change -> enqueue(leave(change)));
      if (first) {
        enqueue(RowData.Event.control(RowData.ChangeType.LIVE, readVersion));
      }
    }));
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
    Future<Read<RowBatch>> snapshot = connection.reads.read(
        () -> rows.getAll(view, readVersion, keys));
    snapshot.onComplete(ar -> onLoop(() -> {
      if (ended || read != reads) {
        return;
      }
      Map<String, Change> changes = held;
      held = null;
      if (ar.cause() instanceof SnapshotReads.Overloaded overloaded) {
        fail(ErrorCode.OVERLOADED, overloaded.getMessage());
        return;
      }
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

  /**
   * A held row leaves a filter's set: {@code DELETE} if it was deleted (push says {@code leave}
   * for both; GraphQL tells them apart), else {@code LEAVE} with the row as it is now.
   */
  private RowData.Event leave(Change change) {
    if (change instanceof Tombstone tombstone && tombstone.deletedAt() == 0) {
      // Gone while the feed was lost, its delete unseen: all the client needs is to drop it.
      return new RowData.Event(RowData.ChangeType.LEAVE, change.key(), change.version(),
          version, null, null);
    }
    return event(change, RowData.ChangeType.LEAVE);
  }

  private void enqueue(RowData.Event event) {
    if (ended || failure != null) {
      return;
    }
    if (event.key() == null) {
      queue.put("\u0000" + controls++, event);
    } else {
      RowData.Event merged = merge(queue.get(event.key()), event);
      if (merged == null) {
        queue.remove(event.key());
      } else {
        queue.put(event.key(), merged); // a waiting key keeps its place
      }
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
      if (failure != null && !ended && demand > 0 && queue.isEmpty()
          && !connection.socket.writeQueueFull()) {
        Subscriber<? super Object> s = subscriber;
        ended = true;
        demand--;
        s.onNext(failure);
        s.onComplete();
      }
    } finally {
      draining = false;
    }
  }

  /**
   * The one event a client gets for a key when {@code next} arrives while {@code waiting} (its
   * key's event not yet handed out, or null) still waits: the newest state, told as the client
   * will see it. A first sight ({@code SNAPSHOT}, {@code ENTER}) stays one with the newer row
   * and vanishes with a leave the client would not understand; a row that left and entered
   * again is an {@code UPDATE} to a client that still holds it. Null: nothing to send.
   */
  static RowData.Event merge(RowData.Event waiting, RowData.Event next) {
    if (waiting == null) {
      return next;
    }
    RowData.ChangeType was = waiting.type();
    RowData.ChangeType is = next.type();
    boolean firstSight = was == RowData.ChangeType.SNAPSHOT || was == RowData.ChangeType.ENTER;
    if (firstSight && is == RowData.ChangeType.UPDATE) {
      return next.as(was);
    }
    if ((was == RowData.ChangeType.ENTER
        && (is == RowData.ChangeType.LEAVE || is == RowData.ChangeType.DELETE))
        || (was == RowData.ChangeType.SNAPSHOT && is == RowData.ChangeType.LEAVE)) {
      return null;
    }
    if ((was == RowData.ChangeType.LEAVE || was == RowData.ChangeType.DELETE)
        && is == RowData.ChangeType.ENTER) {
      return next.as(RowData.ChangeType.UPDATE);
    }
    return next;
  }

  /**
   * Ends the subscription with an error the client gets with its code: as a last {@code next}
   * (a Reactive Streams error would reach the client as an {@code error} message without
   * {@code extensions}), then {@code complete}. Rows not yet handed out are dropped.
   */
  private void fail(ErrorCode code, String message) {
    if (ended || failure != null) {
      return;
    }
    queue.clear();
    controls = 0;
    hub.unfollow(this);
    connection.remove(this);
    failure = DataFetcherResult.newResult().data(null).error(code.error(message)).build();
    drain();
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
