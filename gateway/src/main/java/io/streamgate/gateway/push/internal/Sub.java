package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Row;
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
  /** Per key, the newest version handed to the client (keyed subscriptions only). */
  final Map<String, Long> sent = new HashMap<>();
  /** Non-null while the snapshot is being read: changes that arrive meanwhile, newest per key. */
  Map<String, Row> held;
  boolean active = true;

  Sub(Session session, String id, String view, List<String> keys) {
    this.session = session;
    this.id = id;
    this.view = view;
    this.keys = keys;
  }

  boolean wholeView() {
    return keys == null;
  }
}
