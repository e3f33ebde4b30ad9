package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Change;
import io.streamgate.gateway.store.MatchingRows;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One subscription of a {@link Session}. Touched on the session's event loop only. */
final class Sub {
  final Session session;
  final String id;
  final String view;
  /** Null: every key of the view (updates only), or a filter ({@link #matching}). */
  final List<String> keys;
  /** A filtered subscription: the rows the client holds as matching; null otherwise. */
  final MatchingRows matching;
  /** Per key, the newest version handed to the client (keyed subscriptions), of {@link #version}. */
  final Map<String, Long> sent = new HashMap<>();
  /** Non-null while a keyed snapshot is read: changes that arrive meanwhile, newest per key. */
  Map<String, Change> held;
  boolean active = true;
  /**
   * The view version followed: changes of other versions (tables) are not this subscription's.
   * Changes when the view switches versions.
   */
  long version;
  /** Counts snapshot reads; a read's answer is used only if no later one was started. */
  long reads;

  Sub(Session session, String id, String view, List<String> keys, long version) {
    this(session, id, view, keys, null, version);
  }

  Sub(Session session, String id, String view, List<String> keys, MatchingRows matching,
      long version) {
    this.session = session;
    this.id = id;
    this.view = view;
    this.keys = keys;
    this.matching = matching;
    this.version = version;
  }

  /** Every key of the view, updates only. */
  boolean wholeView() {
    return keys == null && matching == null;
  }

  /** A subscription to the rows matching a filter ({@link #matching}). */
  boolean filtered() {
    return matching != null;
  }

  /** Whether its snapshot is being read (changes are held meanwhile). */
  boolean reading() {
    return filtered() ? matching.reading() : held != null;
  }

  /** Follows every change of its view (and picks its own): whole-view and filtered ones. */
  boolean followsView() {
    return keys == null;
  }
}
