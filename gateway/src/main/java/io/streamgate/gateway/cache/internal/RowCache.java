package io.streamgate.gateway.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.streamgate.contract.Change;
import io.streamgate.contract.Row;
import io.streamgate.gateway.cache.RowJson;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;

/**
 * The rows held in memory and the rules that keep them coherent, without any I/O (so they are
 * tested on a manual clock). Times are clock milliseconds passed in by the caller.
 *
 * <p>Each entry remembers when its row was last <i>confirmed</i>: read from Redis or received in
 * a change message. Rules:
 * <ul>
 *   <li>A change message replaces the entry if its version is newer (or inserts it: a key being
 *       written may be read right now, see {@link #afterRead}).
 *   <li>A read's result replaces the entry, unless the entry was confirmed after the read
 *       started and is newer: then the read raced a write whose message arrived first, and the
 *       message's row is served instead (never an older version than a message received).
 *       An entry confirmed before the read started cannot be newer than what Redis holds, so a
 *       read returning less means Redis was reset, and Redis wins.
 *   <li>A row past its revalidation time (due) is still answered from memory for up to
 *       {@value #REVALIDATION_GRACE_MS} ms while one read, the first to find it due, asks Redis
 *       in the background ({@link #claimRevalidation}); past that grace, reads ask Redis
 *       themselves. Sending every read of a due row to Redis instead turned each due row into
 *       many reads under load: with 64 clients reading the same keys in step, 10,000 rows
 *       falling due made 150,000 Redis reads over 18 s, and throughput halved. With an
 *       interval of 0 there is no grace: every read asks Redis.
 *   <li>Rows of views with a TTL expire from the cache no later than from Redis. Tombstones
 *       are revalidated after at most {@value #TOMBSTONE_REVALIDATE_MS} ms, since Redis
 *       forgets them without a message.
 *   <li>Attach (subscribed) starts a new generation with an empty cache; detach (subscription
 *       lost) keeps the rows only for stale answers. Reads that started in another generation
 *       fill nothing.
 * </ul>
 * Thread-safe: Caffeine's map, with every update an atomic {@code compute}.
 */
final class RowCache {
  /** Longest a cached tombstone is served before Redis is asked whether it has expired. */
  static final long TOMBSTONE_REVALIDATE_MS = 1_000;
  /** The interval while {@link #revalidateQuickly} is on (the warm-up). */
  static final long QUICK_REVALIDATE_MS = 250;
  /** How long past due a row is still answered while its revalidation is in flight. */
  static final long REVALIDATION_GRACE_MS = 1_000;
  private final Cache<Key, Entry> rows;
  private final long revalidateAfterMillis;
  private final ToLongFunction<String> ttlMillisOfView;
  private volatile boolean attached;
  private volatile boolean quickly;
  private volatile long generation;

  /**
   * @param ttlMillisOfView a view's row TTL in ms, 0 for none
   */
  RowCache(int maxEntries, long revalidateAfterMillis, ToLongFunction<String> ttlMillisOfView) {
    // Maintenance (eviction) runs on the calling thread: no pool threads, amortised O(1).
    this.rows = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    this.revalidateAfterMillis = revalidateAfterMillis;
    this.ttlMillisOfView = ttlMillisOfView;
  }

  /**
   * A cached row's identity. equals and hashCode by hand: a record's generated ones go through
   * method handles, which showed in profiles of the read path (every read looks a Key up).
   */
  record Key(String view, long version, String key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key other && key.equals(other.key) && version == other.version
          && view.equals(other.view);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * view.hashCode() + Long.hashCode(version)) + key.hashCode();
    }
  }

  /**
   * A cached row or tombstone, when it was last confirmed, when to ask Redis again, when it
   * must be gone (TTL views), and whether a read is asking Redis about it now.
   */
  record Entry(RowJson served, long confirmedAt, long revalidateAt, long expiresAt,
      boolean revalidating) {
    Change change() {
      return served.change();
    }

    /** The row, or null for a tombstone. */
    Row row() {
      return served.row();
    }

    boolean live(long now) {
      return now < expiresAt;
    }

    /** Past its revalidation time: Redis should be asked again. */
    boolean due(long now) {
      return now > revalidateAt;
    }

    /** This entry with a read asking Redis about it. */
    Entry claimed() {
      return new Entry(served, confirmedAt, revalidateAt, expiresAt, true);
    }

    /** This entry, due at {@code at}. */
    Entry dueAt(long at) {
      return new Entry(served, confirmedAt, at, expiresAt, revalidating);
    }
  }

  boolean attached() {
    return attached;
  }

  long generation() {
    return generation;
  }

  long size() {
    return rows.estimatedSize();
  }

  /** Runs pending maintenance (eviction) now; for tests. */
  void cleanUp() {
    rows.cleanUp();
  }

  /**
   * The entry to answer a read with from memory, or null to ask Redis. It may be {@link
   * Entry#due due}: then the caller should {@link #claimRevalidation claim} its revalidation.
   */
  Entry answer(String view, long version, String key, long now) {
    if (!attached) {
      return null;
    }
    Entry e = rows.getIfPresent(new Key(view, version, key));
    long grace = revalidateAfterMillis == 0 ? 0 : REVALIDATION_GRACE_MS;
    return e != null && e.live(now) && now <= e.revalidateAt() + grace ? e : null;
  }

  /**
   * True for the one caller that is to ask Redis about {@code seen}, a due entry {@link #answer}
   * returned; false if another read already is, or the entry changed meanwhile. The caller
   * passes what Redis answered to {@link #afterRead}; if Redis never does, reads ask it
   * themselves once the grace has passed.
   */
  boolean claimRevalidation(String view, long version, String key, Entry seen) {
    return !seen.revalidating()
        && rows.asMap().replace(new Key(view, version, key), seen, seen.claimed());
  }

  /** The entry to serve as a stale answer when Redis cannot be asked, or null. */
  Entry stale(String view, long version, String key, long now) {
    Entry e = rows.getIfPresent(new Key(view, version, key));
    return e != null && e.live(now) ? e : null;
  }

  /**
   * Merges what a read returned and says what to serve.
   *
   * @param fromRedis  the row or tombstone Redis returned, or null for none
   * @param readStart  clock millis when the read was sent
   * @param generation {@link #generation()} when the read was sent
   * @return the row or tombstone to serve, or null for "no such row"
   */
  Change afterRead(String view, long version, String key, Change fromRedis, long readStart,
      long generation, long now) {
    Change[] serve = {fromRedis};
    rows.asMap().compute(new Key(view, version, key), (k, cur) -> {
      if (attached && cur != null && cur.live(now) && cur.confirmedAt() >= readStart
          && (fromRedis == null || cur.change().version() > fromRedis.version())) {
        serve[0] = cur.change();
        return cur;
      }
      if (!attached || this.generation != generation) {
        return cur;
      }
      return fromRedis == null ? null : entry(fromRedis, cur, now);
    });
    return serve[0];
  }

  /**
   * A change message: the row as written, or its tombstone, in view version {@code version},
   * received at {@code now}.
   */
  void onMessage(Change change, long version, long now) {
    if (!attached) {
      return;
    }
    rows.asMap().compute(new Key(change.view(), version, change.key()), (k, cur) ->
        cur == null || !cur.live(now) || change.version() >= cur.change().version()
            ? entry(change, cur, now) : cur);
  }

  /** Subscribed (again): everything held may have missed messages, so start empty. */
  void attach() {
    generation++;
    rows.invalidateAll();
    attached = true;
  }

  /** Subscription lost: no more fresh answers or fills; rows stay for stale answers only. */
  void detach() {
    attached = false;
    generation++;
  }

  /**
   * See {@link io.streamgate.gateway.cache.NearCache#revalidateQuickly}. Turning it off at
   * {@code now} gives the entries cached meanwhile the usual interval from now, so they do not
   * all come due a fraction of a second later, and spreads them over all of it: they were
   * cached together, so with the usual last quarter they would all come due within it, under
   * the clients' load (10,000 rows: ~1,300 Redis reads/s for 7.5 s, 20-30 s after readiness,
   * instead of the steady ~330/s).
   */
  void revalidateQuickly(boolean quickly, long now) {
    boolean was = this.quickly;
    this.quickly = quickly;
    if (was && !quickly) {
      rows.asMap().replaceAll((k, e) -> e.revalidateAt() - e.confirmedAt() > QUICK_REVALIDATE_MS
          ? e : e.dueAt(now + 1 + ThreadLocalRandom.current().nextLong(interval(e.change()))));
    }
  }

  /**
   * A new entry for {@code change}, confirmed at {@code now}. If {@code previous} holds the same
   * change (a revalidation that found the row unchanged), its encoded JSON is kept: re-encoding
   * every row each interval made garbage that lived long enough to lengthen young collections.
   */
  private Entry entry(Change change, Entry previous, long now) {
    long revalidateAt = revalidateAt(change, now);
    long ttl = ttlMillisOfView.applyAsLong(change.view());
    if (ttl <= 0 || !(change instanceof Row row)) {
      return new Entry(served(change, previous), now, revalidateAt, Long.MAX_VALUE, false);
    }
    // Redis expires the row ttl after its write, which was no later than now (and near
    // updatedAt when the processor stamps write times): expire no later than that.
    long written = row.updatedAt() > 0 ? Math.min(now, row.updatedAt()) : now;
    return new Entry(served(row, previous), now, revalidateAt, written + ttl, false);
  }

  /** When a row or tombstone confirmed at {@code now} is due for revalidation. */
  private long revalidateAt(Change change, long now) {
    long interval = interval(change);
    // Due somewhere in the last quarter of the interval, not all at once: rows filled together
    // (a reattach) would otherwise all ask Redis again in the same moment.
    return now + interval - ThreadLocalRandom.current().nextLong(interval / 4 + 1);
  }

  /** How long a row or tombstone is served before Redis is asked again. */
  private long interval(Change change) {
    long rowInterval = quickly ? Math.min(QUICK_REVALIDATE_MS, revalidateAfterMillis)
        : revalidateAfterMillis;
    // A tombstone expires in Redis without a message (its retention is the processor's
    // setting), so it is checked again sooner: a deleted key is rarely hot.
    return change instanceof Row ? rowInterval : Math.min(rowInterval, TOMBSTONE_REVALIDATE_MS);
  }

  private static RowJson served(Change change, Entry previous) {
    return previous != null && previous.change().equals(change) ? previous.served()
        : RowJson.of(change);
  }
}
