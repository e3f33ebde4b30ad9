package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Change;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One subscription of a {@link Session}. Touched on the session's event loop only. */
final class Sub {
  final Session session;
  final String id;
  final String view;
  /** Null: every key of the view (updates only), or a filter ({@link #where}). */
  final List<String> keys;
  /**
   * A filtered subscription: indexed column → indexed text (checked against the catalog); null
   * otherwise.
   */
  final Map<String, String> where;
  /** A filtered subscription of a tenant-bound principal: only keys with this prefix; else null. */
  final String keyPrefix;
  /**
   * Per key, the newest version handed to the client (keyed subscriptions), of {@link #version};
   * for a filtered subscription, exactly the keys the client holds as matching.
   */
  final Map<String, Long> sent = new HashMap<>();
  /** Non-null while the snapshot is being read: changes that arrive meanwhile, newest per key. */
  Map<String, Change> held;
  /** A filtered subscription's {@link #held} reached its bound: the read is void. */
  boolean heldOverflow;
  boolean active = true;
  /**
   * The view version followed: changes of other versions (tables) are not this subscription's.
   * Changes when the view switches versions.
   */
  long version;
  /** Counts snapshot reads; a read's answer is used only if no later one was started. */
  long reads;

  Sub(Session session, String id, String view, List<String> keys, long version) {
    this(session, id, view, keys, null, null, version);
  }

  Sub(Session session, String id, String view, List<String> keys, Map<String, String> where,
      String keyPrefix, long version) {
    this.session = session;
    this.id = id;
    this.view = view;
    this.keys = keys;
    this.where = where;
    this.keyPrefix = keyPrefix;
    this.version = version;
  }

  /** Every key of the view, updates only. */
  boolean wholeView() {
    return keys == null && where == null;
  }

  /** A subscription to the rows matching {@link #where}. */
  boolean filtered() {
    return where != null;
  }

  /** Follows every change of its view (and picks its own): whole-view and filtered ones. */
  boolean followsView() {
    return keys == null;
  }
}
