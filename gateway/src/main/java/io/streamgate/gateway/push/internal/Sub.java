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
  /** Null: every key of the view (updates only). */
  final List<String> keys;
  /**
   * Per key, the newest version handed to the client (keyed subscriptions only), of
   * {@link #version}.
   */
  final Map<String, Long> sent = new HashMap<>();
  /** Non-null while the snapshot is being read: changes that arrive meanwhile, newest per key. */
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
    this.session = session;
    this.id = id;
    this.view = view;
    this.keys = keys;
    this.version = version;
  }

  boolean wholeView() {
    return keys == null;
  }
}
