package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Change;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * What waits for one slow connection: rows and control messages in order, where a change (a row
 * or a delete) for a (subscription, key) that is already waiting replaces the waiting one's when
 * newer, keeping its place (coalescing: the client gets the newest state, not the backlog; a
 * delete replaces a waiting update and the other way round). Bounded: {@link
 * #add} reports when more than {@code maxPending} entries wait. Not thread-safe: one event loop.
 */
final class Outbox {
  /** A message waiting: a row or delete (change non-null) or a pre-formatted control message. */
  static final class Entry {
    final Kind kind;
    final String type;
    final Object subscription;
    final String id;
    final String text;
    final boolean reset;
    /** The view version the change belongs to (SSE ids carry it). */
    final long viewVersion;
    /**
     * Of a filtered subscription: never coalesced (enter, update and leave of one key must keep
     * their order) and without an SSE id (one row version cannot resume a set of rows).
     */
    final boolean filtered;
    Change change;

    private Entry(Kind kind, String type, Object subscription, String id, Change change,
        long viewVersion, boolean reset, String text) {
      this(kind, type, subscription, id, change, viewVersion, reset, text, false);
    }

    private Entry(Kind kind, String type, Object subscription, String id, Change change,
        long viewVersion, boolean reset, String text, boolean filtered) {
      this.filtered = filtered;
      this.kind = kind;
      this.type = type;
      this.subscription = subscription;
      this.id = id;
      this.change = change;
      this.viewVersion = viewVersion;
      this.reset = reset;
      this.text = text;
    }

    /** A row (snapshot or update) or a delete ({@code change} a tombstone). */
    static Entry change(Kind kind, Object subscription, String id, Change change,
        long viewVersion, boolean reset) {
      return new Entry(kind, null, subscription, id, change, viewVersion, reset, null);
    }

    /**
     * A message of a filtered subscription: a snapshot, {@code ENTER} or {@code UPDATE} of a
     * row, or {@code LEAVE} of a key ({@code change}: what made it leave, a row or a tombstone).
     */
    static Entry filtered(Kind kind, Object subscription, String id, Change change,
        long viewVersion) {
      return new Entry(kind, null, subscription, id, change, viewVersion, false, null, true);
    }

    /** @param type the message's {@code type} (the SSE event name) */
    static Entry control(String type, String text) {
      return new Entry(Kind.CONTROL, type, null, null, null, 0, false, text);
    }
  }

  enum Kind { SNAPSHOT, UPDATE, ENTER, LEAVE, CONTROL }

  private record Slot(Object subscription, String key) {}

  private final int maxPending;
  private final LinkedHashMap<Object, Entry> waiting = new LinkedHashMap<>();
  private long controlSeq;

  Outbox(int maxPending) {
    this.maxPending = maxPending;
  }

  /**
   * Queues {@code entry}, or merges it into the waiting entry of its slot.
   *
   * @return {@code COALESCED} if merged, {@code QUEUED} if added within the bound,
   *     {@code OVERFLOW} if added and now more than {@code maxPending} wait
   */
  Result add(Entry entry) {
    if (entry.kind == Kind.CONTROL || entry.filtered) {
      waiting.put(controlSeq++, entry);
    } else {
      Slot slot = new Slot(entry.subscription, entry.change.key());
      Entry old = waiting.get(slot);
      if (old != null) {
        if (entry.change.version() > old.change.version()) {
          old.change = entry.change;
        }
        return Result.COALESCED;
      }
      waiting.put(slot, entry);
    }
    return waiting.size() > maxPending ? Result.OVERFLOW : Result.QUEUED;
  }

  enum Result { QUEUED, COALESCED, OVERFLOW }

  /** The oldest waiting entry, removed; null if none. */
  Entry poll() {
    Iterator<Entry> it = waiting.values().iterator();
    if (!it.hasNext()) {
      return null;
    }
    Entry first = it.next();
    it.remove();
    return first;
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  int size() {
    return waiting.size();
  }

  /** Drops the waiting rows of one subscription (unsubscribed). */
  void removeSubscription(Object subscription) {
    waiting.values().removeIf(e -> e.subscription == subscription);
  }

  void clear() {
    waiting.clear();
  }
}
