package io.streamgate.gateway.store;

import io.streamgate.contract.Change;
import io.streamgate.contract.Indexes;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The bookkeeping of one subscription by index value ({@code where}), shared by push and
 * GraphQL so both decide the same: the keys the client holds as matching (and at which
 * version), the bounded snapshot read ({@link ViewStore#filter}, page after page), the changes
 * held while it runs, and what each later change means to the client ({@link Move}). The
 * subscriber decides enter and leave from the change messages it receives anyway and re-checks
 * each row against the filter itself (an index entry lagging its row never makes a row enter).
 * At most {@code max} rows are tracked; more is a {@link Refused}. Not thread-safe: one event
 * loop.
 */
public final class MatchingRows {
  /** Rows asked for per page: few round trips for typical sets, bounded memory per read. */
  static final int PAGE = 200;

  /** What a change means to the client: nothing, a row entering the set, an update, a leave. */
  public enum Move { NONE, ENTER, UPDATE, LEAVE }

  /** The subscription cannot go on: too many rows match, or too many changed during a read. */
  public static final class Refused extends RuntimeException {
    private final boolean tooManyRows;

    Refused(boolean tooManyRows, String message) {
      super(message, null, false, false);
      this.tooManyRows = tooManyRows;
    }

    /** True: more rows match than one subscription tracks; false: the view changed too fast. */
    public boolean tooManyRows() {
      return tooManyRows;
    }
  }

  /**
   * What a snapshot read means to the client, from what it held before.
   *
   * @param rows     matching rows the client does not hold at that version, in key order
   * @param upToDate matching keys the client holds at their version already
   * @param left     per key the client held that matches no longer, the change that made it
   *                 leave (a row, a tombstone, or, if not seen, a tombstone of the client's own
   *                 version with {@code deletedAt} 0)
   */
  public record Snapshot(List<Row> rows, List<String> upToDate, List<Change> left) {}

  private final String view;
  private final Map<String, String> where;
  private final String keyPrefix;
  private final int max;
  /** Exactly the keys the client holds as matching, with the version it holds. */
  private final Map<String, Long> holding = new HashMap<>();
  /** Non-null while a snapshot is read: changes that arrived meanwhile, newest per key. */
  private Map<String, Change> held;
  private boolean heldOverflow;

  /**
   * @param where     indexed column → value, as {@code Indexes.where} checked it
   * @param keyPrefix only keys with this prefix (a tenant-bound principal), or null
   * @param max       most rows tracked ({@code push.maxKeysPerSubscription})
   */
  public MatchingRows(String view, Map<String, String> where, String keyPrefix, int max) {
    this.view = view;
    this.where = Map.copyOf(where);
    this.keyPrefix = keyPrefix;
    this.max = max;
  }

  public Map<String, String> where() {
    return where;
  }

  /** Key → version of the rows the client holds as matching (a copy). */
  public Map<String, Long> holding() {
    return new HashMap<>(holding);
  }

  /** Forgets what the client holds (the view switched versions: they start over). */
  public void clear() {
    holding.clear();
  }

  /** Starts holding changes for a snapshot read; a read started earlier becomes void. */
  public void startRead() {
    held = new HashMap<>();
    heldOverflow = false;
  }

  /** Whether a snapshot read runs: changes go to {@link #hold} rather than {@link #move}. */
  public boolean reading() {
    return held != null;
  }

  /** A change during the read; a bounded number of keys (the filter follows the whole view). */
  public void hold(Change change) {
    if (held.size() >= heldCap() && !held.containsKey(change.key())) {
      heldOverflow = true;
      return;
    }
    held.merge(change.key(), change, MatchingRows::newest);
  }

  /** The read failed: what was held is dropped. */
  public void abandonRead() {
    held = null;
  }

  /**
   * Every matching row of {@code version}, or a failed future: {@link Refused} once more than
   * {@code max} match, else the store's failure.
   */
  public Future<List<Row>> read(ViewStore store, long version) {
    return next(store, version, null, new ArrayList<>());
  }

  private Future<List<Row>> next(ViewStore store, long version, String after, List<Row> rows) {
    return store.filter(view, version, where, after, keyPrefix, Math.min(PAGE, max + 1))
        .compose(page -> {
          rows.addAll(page.rows());
          if (rows.size() > max) {
            return Future.failedFuture(new Refused(true, "the filter " + where + " matches"
                + " more than " + max + " rows of view '" + view + "', more than one"
                + " subscription tracks (push.maxKeysPerSubscription); narrow it (conditions on"
                + " several indexed columns intersect) or read it page by page"));
          }
          return page.next() == null ? Future.succeededFuture(rows)
              : next(store, version, page.next(), rows);
        });
  }

  /**
   * Ends the read with its rows: merges the changes held meanwhile (newest wins), keeps the
   * rows that match and {@code readable} allows as the set the client holds, and says how that
   * differs from {@code had} (what the client held: empty for a first snapshot).
   *
   * @throws Refused if the view changed at too many keys during the read, or too many match
   */
  public Snapshot finishRead(List<Row> read, Predicate<String> readable, Map<String, Long> had) {
    Map<String, Change> changes = held;
    held = null;
    if (heldOverflow) {
      throw new Refused(false, "view '" + view + "' changed at more than " + heldCap()
          + " keys while its matching rows were read; subscribe again");
    }
    Map<String, Change> latest = new LinkedHashMap<>();
    for (Row row : read) {
      latest.put(row.key(), row);
    }
    changes.forEach((key, change) -> latest.merge(key, change, MatchingRows::newest));
    Map<String, Long> before = new HashMap<>(had);
    holding.clear();
    List<Row> rows = new ArrayList<>();
    List<String> upToDate = new ArrayList<>();
    for (Change change : latest.values()) {
      if (!(change instanceof Row row) || !Indexes.matches(where, row.valueJson())
          || !readable.test(row.key())) {
        continue;
      }
      if (holding.size() >= max) {
        throw tooManyRows();
      }
      Long client = before.remove(row.key());
      holding.put(row.key(), row.version());
      if (client != null && client == row.version()) {
        upToDate.add(row.key());
      } else {
        rows.add(row);
      }
    }
    List<Change> left = new ArrayList<>();
    before.forEach((key, version) -> {
      Change last = latest.get(key);
      left.add(last != null ? last : new Tombstone(view, key, Math.max(1, version), 0));
    });
    return new Snapshot(rows, upToDate, left);
  }

  /**
   * What {@code change} (of the followed view version, readable by the subscriber) means to
   * the client, which is then taken as done.
   *
   * @throws Refused if a row would enter a set that holds {@code max} rows already
   */
  public Move move(Change change) {
    Move move = move(where, holding.get(change.key()), change);
    switch (move) {
      case ENTER -> {
        if (holding.size() >= max) {
          throw tooManyRows();
        }
        holding.put(change.key(), change.version());
      }
      case UPDATE -> holding.put(change.key(), change.version());
      case LEAVE -> holding.remove(change.key());
      case NONE -> { }
    }
    return move;
  }

  /**
   * The pure rule of {@link #move(Change)}.
   *
   * @param sent the version of the key the client holds as matching, or null if it holds none
   */
  static Move move(Map<String, String> where, Long sent, Change change) {
    if (sent != null && change.version() <= sent) {
      return Move.NONE; // not newer than what the client has
    }
    boolean matches = change instanceof Row row && Indexes.matches(where, row.valueJson());
    if (matches) {
      return sent == null ? Move.ENTER : Move.UPDATE;
    }
    return sent == null ? Move.NONE : Move.LEAVE;
  }

  private Refused tooManyRows() {
    return new Refused(true, "more than " + max + " rows of view '" + view + "' match " + where
        + ", more than one subscription tracks (push.maxKeysPerSubscription); the subscription"
        + " ended: narrow the filter");
  }

  /** Distinct keys whose changes are held while a snapshot is read. */
  private int heldCap() {
    return 10 * max;
  }

  private static Change newest(Change a, Change b) {
    if (a == null) {
      return b;
    }
    return b == null || a.version() >= b.version() ? a : b;
  }
}
