package io.streamgate.gateway.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
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

  /** A read sent now that Redis answered with {@code fromRedis} a millisecond later. */
  private Row read(String key, Row fromRedis) {
    long start = now;
    long generation = cache.generation();
    now += 1;
    return cache.afterRead("v", key, fromRedis, start, generation, now);
  }

  @Test
  void unusedUntilTheSubscriptionIsConfirmed() {
    assertEquals(row("a", 1), read("a", row("a", 1)));
    assertNull(cache.fresh("v", "a", now));
    assertEquals(0, cache.size());
  }

  @Test
  void aReadFillsTheCacheWhichAnswersUntilTheRowIsDueForRevalidation() {
    cache.attach();
    read("a", row("a", 1));
    assertEquals(row("a", 1), cache.fresh("v", "a", now));
    now += REVALIDATE + 1;
    assertNull(cache.fresh("v", "a", now), "due: ask Redis again");
    assertEquals(row("a", 1), cache.stale("v", "a", now).row(), "still there for stale answers");
  }

  @Test
  void aChangeMessageReplacesTheRowAtOnceAndAnOlderOneIsIgnored() {
    cache.attach();
    read("a", row("a", 1));
    cache.onMessage(row("a", 3), now);
    assertEquals(3, cache.fresh("v", "a", now).version());
    cache.onMessage(row("a", 2), now);
    assertEquals(3, cache.fresh("v", "a", now).version());
  }

  @Test
  void aReadRacingAWriteNeverReturnsOlderThanTheMessageReceived() {
    cache.attach();
    long start = now;
    long generation = cache.generation();
    cache.onMessage(row("a", 2), now + 1); // the write's message overtakes the read's reply
    assertEquals(2, cache.afterRead("v", "a", row("a", 1), start, generation, now + 2).version());
    assertEquals(2, cache.afterRead("v", "a", null, start, generation, now + 2).version(),
        "a read sent before the key's first write");
    assertEquals(2, cache.fresh("v", "a", now + 2).version());
  }

  @Test
  void whatWasKnownBeforeAReadStartedCannotOverruleRedis() {
    cache.attach();
    read("a", row("a", 5));
    now += 10;
    // Redis was reset: it now holds version 1, or nothing. Redis is the truth.
    assertEquals(1, read("a", row("a", 1)).version());
    assertEquals(1, cache.fresh("v", "a", now).version());
    now += 10;
    assertNull(read("a", null));
    assertNull(cache.stale("v", "a", now));
  }

  @Test
  void losingTheSubscriptionStopsFreshAnswersAndFillsButKeepsRowsForStaleAnswers() {
    cache.attach();
    read("a", row("a", 1));
    cache.detach();
    assertNull(cache.fresh("v", "a", now));
    assertEquals(row("a", 1), cache.stale("v", "a", now).row());
    read("b", row("b", 1));
    assertNull(cache.stale("v", "b", now), "no fills while detached");
    cache.onMessage(row("a", 2), now);
    assertEquals(1, cache.stale("v", "a", now).row().version(), "no messages while detached");

    cache.attach();
    assertNull(cache.stale("v", "a", now), "resubscribed: messages were missed, start empty");
    assertEquals(0, cache.size());
  }

  @Test
  void aReadSentBeforeTheCacheWasDroppedFillsNothingAfterwards() {
    cache.attach();
    long start = now;
    long generation = cache.generation();
    cache.detach();
    cache.attach();
    assertEquals(1, cache.afterRead("v", "a", row("a", 1), start, generation, now + 1).version());
    assertNull(cache.fresh("v", "a", now + 1));
  }

  @Test
  void rowsOfTtlViewsLeaveTheCacheNoLaterThanRedisExpiresThem() {
    cache.attach();
    Row written = new Row("windowed", "w", 1, now - 8_000, "{}");
    cache.afterRead("windowed", "w", written, now, cache.generation(), now);
    assertEquals(written, cache.stale("windowed", "w", now + 1_999).row());
    assertNull(cache.stale("windowed", "w", now + 2_000), "written 8 s ago, TTL 10 s");
  }

  @Test
  void rowsFilledTogetherAreDueForRevalidationSpreadOverTheLastQuarterOfTheInterval() {
    cache.attach();
    for (int i = 0; i < 200; i++) {
      cache.onMessage(row("k" + i, 1), now);
    }
    int dueAt = 0;
    for (int i = 0; i < 200; i++) {
      assertNotNull(cache.fresh("v", "k" + i, now + REVALIDATE * 3 / 4), "fresh until 3/4");
      dueAt += cache.fresh("v", "k" + i, now + REVALIDATE * 7 / 8) == null ? 1 : 0;
      assertNull(cache.fresh("v", "k" + i, now + REVALIDATE + 1), "due after the interval");
    }
    assertTrue(dueAt > 0 && dueAt < 200, dueAt + " of 200 due at 7/8 of the interval");
  }

  @Test
  void theCacheIsBounded() {
    RowCache small = new RowCache(100, REVALIDATE, view -> 0);
    small.attach();
    for (int i = 0; i < 1_000; i++) {
      small.onMessage(row("k" + i, 1), now);
    }
    small.cleanUp();
    assertTrue(small.size() <= 100, "size " + small.size());
  }
}
