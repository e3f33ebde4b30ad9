package io.streamgate.gateway.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Change;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.cache.RowJson;
import org.junit.jupiter.api.Test;

/** The coherence rules of the near cache, with times passed in by hand. */
class RowCacheTest {
  private static final long REVALIDATE = 1_000;
  private static final long TTL_VIEW_MS = 10_000;
  private final RowCache cache = new RowCache(1_000, REVALIDATE,
      view -> view.equals("windowed") ? TTL_VIEW_MS : 0);
  private long now = 1_000_000;

  private static Row row(String key, long version) {
    return new Row("v", key, version, 1, "{\"n\":" + version + "}");
  }

  /** The row answered from memory and not yet due for revalidation, or null. */
  private Change fresh(String view, long version, String key, long at) {
    RowCache.Entry entry = cache.answer(view, version, key, at);
    return entry == null || entry.due(at) ? null : entry.change();
  }

  /** A read sent now that Redis answered with {@code fromRedis} a millisecond later. */
  private Change read(String key, Change fromRedis) {
    long start = now;
    long generation = cache.generation();
    now += 1;
    return cache.afterRead("v", 1, key, fromRedis, start, generation, now);
  }

  @Test
  void unusedUntilTheSubscriptionIsConfirmed() {
    assertEquals(row("a", 1), read("a", row("a", 1)));
    assertNull(fresh("v", 1, "a", now));
    assertEquals(0, cache.size());
  }

  @Test
  void aReadFillsTheCacheWhichAnswersUntilTheRowIsDueForRevalidation() {
    cache.attach();
    read("a", row("a", 1));
    assertEquals(row("a", 1), fresh("v", 1, "a", now));
    now += REVALIDATE + 1;
    assertNull(fresh("v", 1, "a", now), "due: ask Redis again");
    assertEquals(row("a", 1), cache.stale("v", 1, "a", now).row(), "still there for stale answers");
  }

  @Test
  void aDueRowIsAnsweredWhileOneReadRevalidatesItUntilTheGraceHasPassed() {
    cache.attach();
    read("a", row("a", 1));
    now += REVALIDATE + 1;
    RowCache.Entry due = cache.answer("v", 1, "a", now);
    assertTrue(due.due(now));
    assertTrue(cache.claimRevalidation("v", 1, "a", due), "the first read asks Redis");
    assertFalse(cache.claimRevalidation("v", 1, "a", due), "the entry it saw was claimed");
    RowCache.Entry claimed = cache.answer("v", 1, "a", now);
    assertEquals(row("a", 1), claimed.row(), "answered while the revalidation is in flight");
    assertFalse(cache.claimRevalidation("v", 1, "a", claimed), "one revalidation at a time");

    assertEquals(2, read("a", row("a", 2)).version(), "Redis answered: a fresh entry");
    assertEquals(2, fresh("v", 1, "a", now).version());
  }

  @Test
  void aRevalidationFindingTheRowUnchangedKeepsItsEncodedJson() {
    cache.attach();
    read("a", row("a", 1));
    RowJson encoded = cache.answer("v", 1, "a", now).served();
    now += REVALIDATE + 1;
    read("a", row("a", 1));
    assertSame(encoded, cache.answer("v", 1, "a", now).served(), "not encoded again");
    assertFalse(cache.answer("v", 1, "a", now).due(now), "but confirmed again");
    read("a", row("a", 2));
    assertNotSame(encoded, cache.answer("v", 1, "a", now).served(), "a new version is encoded");
  }

  @Test
  void aRevalidationThatNeverAnswersSendsReadsToRedisOnceTheGraceHasPassed() {
    cache.attach();
    read("a", row("a", 1));
    now += REVALIDATE + 1;
    assertTrue(cache.claimRevalidation("v", 1, "a", cache.answer("v", 1, "a", now)));
    now += RowCache.REVALIDATION_GRACE_MS;
    assertNull(cache.answer("v", 1, "a", now), "past due and grace: the read asks Redis");
    assertEquals(row("a", 1), cache.stale("v", 1, "a", now).row(), "kept for stale answers");
  }

  @Test
  void withoutARevalidationIntervalEveryLaterReadAsksRedis() {
    RowCache uncached = new RowCache(1_000, 0, view -> 0);
    uncached.attach();
    uncached.afterRead("v", 1, "a", row("a", 1), now, uncached.generation(), now);
    assertNull(uncached.answer("v", 1, "a", now + 1));
  }

  @Test
  void whileRevalidatingQuicklyRowsComeDueWithinAQuarterSecondThenAtTheUsualInterval() {
    cache.attach();
    cache.revalidateQuickly(true, now);
    read("a", row("a", 1));
    now += RowCache.QUICK_REVALIDATE_MS + 1;
    assertNull(fresh("v", 1, "a", now), "due after the quick interval");
    cache.revalidateQuickly(false, now);
    read("a", row("a", 1));
    now += RowCache.QUICK_REVALIDATE_MS + 1;
    assertEquals(row("a", 1), fresh("v", 1, "a", now), "cached for the usual interval again");
  }

  @Test
  void turningQuickRevalidationOffSpreadsTheRowsCachedMeanwhileOverTheUsualIntervalFromThen() {
    cache.attach();
    cache.revalidateQuickly(true, now);
    int rows = 200;
    for (int i = 0; i < rows; i++) {
      read("k" + i, row("k" + i, 1));
    }
    cache.onMessage(new Tombstone("v", "b", 2, 5), 1, now);
    now += 100;
    cache.revalidateQuickly(false, now);
    long off = now;
    assertEquals(rows, freshRows(rows, off), "none is due at once");
    long afterQuick = freshRows(rows, off + RowCache.QUICK_REVALIDATE_MS + 1);
    assertTrue(afterQuick > rows / 2, "most not due a quarter second later: " + afterQuick);
    long halfway = freshRows(rows, off + REVALIDATE / 2);
    assertTrue(halfway > rows / 4 && halfway < rows * 3 / 4,
        "due all over the usual interval, not in its last quarter: " + halfway + " fresh halfway");
    assertEquals(0, freshRows(rows, off + REVALIDATE + 1), "all due after the usual interval");
    assertNotNull(fresh("v", 1, "b", off), "the tombstone is not due at once either");
    assertNull(fresh("v", 1, "b", off + RowCache.TOMBSTONE_REVALIDATE_MS + 1),
        "a tombstone within its own, shorter interval");
  }

  /** How many of rows k0..k{n-1} are answered from memory and not due at {@code at}. */
  private long freshRows(int n, long at) {
    long fresh = 0;
    for (int i = 0; i < n; i++) {
      fresh += fresh("v", 1, "k" + i, at) == null ? 0 : 1;
    }
    return fresh;
  }

  @Test
  void aChangeMessageReplacesTheRowAtOnceAndAnOlderOneIsIgnored() {
    cache.attach();
    read("a", row("a", 1));
    cache.onMessage(row("a", 3), 1, now);
    assertEquals(3, fresh("v", 1, "a", now).version());
    cache.onMessage(row("a", 2), 1, now);
    assertEquals(3, fresh("v", 1, "a", now).version());
  }

  @Test
  void aReadRacingAWriteNeverReturnsOlderThanTheMessageReceived() {
    cache.attach();
    long start = now;
    long generation = cache.generation();
    cache.onMessage(row("a", 2), 1, now + 1); // the write's message overtakes the read's reply
    assertEquals(2, cache.afterRead("v", 1, "a", row("a", 1), start, generation, now + 2).version());
    assertEquals(2, cache.afterRead("v", 1, "a", null, start, generation, now + 2).version(),
        "a read sent before the key's first write");
    assertEquals(2, fresh("v", 1, "a", now + 2).version());
  }

  @Test
  void whatWasKnownBeforeAReadStartedCannotOverruleRedis() {
    cache.attach();
    read("a", row("a", 5));
    now += 10;
    // Redis was reset: it now holds version 1, or nothing. Redis is the truth.
    assertEquals(1, read("a", row("a", 1)).version());
    assertEquals(1, fresh("v", 1, "a", now).version());
    now += 10;
    assertNull(read("a", null));
    assertNull(cache.stale("v", 1, "a", now));
  }

  @Test
  void losingTheSubscriptionStopsFreshAnswersAndFillsButKeepsRowsForStaleAnswers() {
    cache.attach();
    read("a", row("a", 1));
    cache.detach();
    assertNull(fresh("v", 1, "a", now));
    assertEquals(row("a", 1), cache.stale("v", 1, "a", now).row());
    read("b", row("b", 1));
    assertNull(cache.stale("v", 1, "b", now), "no fills while detached");
    cache.onMessage(row("a", 2), 1, now);
    assertEquals(1, cache.stale("v", 1, "a", now).row().version(), "no messages while detached");

    cache.attach();
    assertNull(cache.stale("v", 1, "a", now), "resubscribed: messages were missed, start empty");
    assertEquals(0, cache.size());
  }

  @Test
  void aReadSentBeforeTheCacheWasDroppedFillsNothingAfterwards() {
    cache.attach();
    long start = now;
    long generation = cache.generation();
    cache.detach();
    cache.attach();
    assertEquals(1, cache.afterRead("v", 1, "a", row("a", 1), start, generation, now + 1).version());
    assertNull(fresh("v", 1, "a", now + 1));
  }

  @Test
  void rowsOfTtlViewsLeaveTheCacheNoLaterThanRedisExpiresThem() {
    cache.attach();
    Row written = new Row("windowed", "w", 1, now - 8_000, "{}");
    cache.afterRead("windowed", 1, "w", written, now, cache.generation(), now);
    assertEquals(written, cache.stale("windowed", 1, "w", now + 1_999).row());
    assertNull(cache.stale("windowed", 1, "w", now + 2_000), "written 8 s ago, TTL 10 s");
  }

  @Test
  void aNewerDeleteIsRememberedSoAReadRacingItCannotBringTheRowBack() {
    cache.attach();
    read("a", row("a", 3));
    Tombstone deleted = new Tombstone("v", "a", 4, 5);
    long start = now;
    long generation = cache.generation();
    cache.onMessage(deleted, 1, now + 1);
    assertEquals(deleted, fresh("v", 1, "a", now + 1), "remembered as deleted");
    assertEquals(deleted, cache.afterRead("v", 1, "a", row("a", 3), start, generation, now + 2),
        "a read sent before the delete answered with the row: the delete is served");
    cache.onMessage(new Tombstone("v", "a", 2, 5), 1, now + 3);
    assertEquals(deleted, fresh("v", 1, "a", now + 3), "an older delete changes nothing");
    cache.onMessage(row("a", 5), 1, now + 4);
    assertEquals(row("a", 5), fresh("v", 1, "a", now + 4), "a newer write brings it back");
    now += 10;
    assertNull(read("a", null), "the tombstone expired in Redis: Redis is the truth");
  }

  @Test
  void eachViewVersionHasItsOwnRows() {
    cache.attach();
    cache.onMessage(row("a", 7), 1, now);
    cache.onMessage(row("a", 2), 2, now);
    assertEquals(7, fresh("v", 1, "a", now).version());
    assertEquals(2, fresh("v", 2, "a", now).version(), "version 2's row, not v1's newer");
    assertNull(fresh("v", 3, "a", now));
  }

  @Test
  void rowsFilledTogetherAreDueForRevalidationSpreadOverTheLastQuarterOfTheInterval() {
    cache.attach();
    for (int i = 0; i < 200; i++) {
      cache.onMessage(row("k" + i, 1), 1, now);
    }
    int dueAt = 0;
    for (int i = 0; i < 200; i++) {
      assertNotNull(fresh("v", 1, "k" + i, now + REVALIDATE * 3 / 4), "fresh until 3/4");
      dueAt += fresh("v", 1, "k" + i, now + REVALIDATE * 7 / 8) == null ? 1 : 0;
      assertNull(fresh("v", 1, "k" + i, now + REVALIDATE + 1), "due after the interval");
    }
    assertTrue(dueAt > 0 && dueAt < 200, dueAt + " of 200 due at 7/8 of the interval");
  }

  @Test
  void theCacheIsBounded() {
    RowCache small = new RowCache(100, REVALIDATE, view -> 0);
    small.attach();
    for (int i = 0; i < 1_000; i++) {
      small.onMessage(row("k" + i, 1), 1, now);
    }
    small.cleanUp();
    assertTrue(small.size() <= 100, "size " + small.size());
  }
}
