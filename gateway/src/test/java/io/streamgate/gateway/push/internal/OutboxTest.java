package io.streamgate.gateway.push.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import org.junit.jupiter.api.Test;

class OutboxTest {
  static final Object SUB_A = new Object();
  static final Object SUB_B = new Object();

  static Row row(String key, long version) {
    return new Row("v", key, version, 1, "{}");
  }

  static Outbox.Entry update(Object sub, String key, long version) {
    return Outbox.Entry.change(Outbox.Kind.UPDATE, sub, "s", row(key, version), 1, false);
  }

  @Test
  void aNewerRowForAWaitingKeyReplacesItInPlace() {
    Outbox outbox = new Outbox(10);
    assertEquals(Outbox.Result.QUEUED, outbox.add(update(SUB_A, "k1", 1)));
    assertEquals(Outbox.Result.QUEUED, outbox.add(update(SUB_A, "k2", 1)));
    assertEquals(Outbox.Result.COALESCED, outbox.add(update(SUB_A, "k1", 5)));
    assertEquals(Outbox.Result.COALESCED, outbox.add(update(SUB_A, "k1", 3)), "older: dropped");
    assertEquals(2, outbox.size());
    Outbox.Entry first = outbox.poll();
    assertEquals("k1", first.change.key());
    assertEquals(5, first.change.version(), "newest version wins, first place kept");
    assertEquals("k2", outbox.poll().change.key());
    assertNull(outbox.poll());
  }

  @Test
  void aNewerDeleteReplacesAWaitingUpdateAndANewerWriteTheDelete() {
    Outbox outbox = new Outbox(10);
    outbox.add(update(SUB_A, "k1", 1));
    Tombstone deleted = new Tombstone("v", "k1", 2, 1);
    assertEquals(Outbox.Result.COALESCED, outbox.add(
        Outbox.Entry.change(Outbox.Kind.UPDATE, SUB_A, "s", deleted, 1, false)));
    assertEquals(1, outbox.size());
    assertSame(deleted, outbox.poll().change);
    outbox.add(Outbox.Entry.change(Outbox.Kind.UPDATE, SUB_A, "s", deleted, 1, false));
    assertEquals(Outbox.Result.COALESCED, outbox.add(update(SUB_A, "k1", 3)));
    assertEquals(row("k1", 3), outbox.poll().change);
  }

  @Test
  void subscriptionsAndControlMessagesNeverCoalesce() {
    Outbox outbox = new Outbox(10);
    outbox.add(update(SUB_A, "k", 1));
    outbox.add(update(SUB_B, "k", 1));
    outbox.add(Outbox.Entry.control("error", "e1"));
    outbox.add(Outbox.Entry.control("error", "e2"));
    assertEquals(4, outbox.size());
    outbox.poll();
    assertSame(SUB_B, outbox.poll().subscription);
    assertEquals("e1", outbox.poll().text);
    assertEquals("e2", outbox.poll().text);
  }

  @Test
  void morePendingThanTheBoundIsAnOverflow() {
    Outbox outbox = new Outbox(2);
    outbox.add(update(SUB_A, "k1", 1));
    outbox.add(update(SUB_A, "k2", 1));
    assertEquals(Outbox.Result.COALESCED, outbox.add(update(SUB_A, "k2", 2)), "no growth");
    assertEquals(Outbox.Result.OVERFLOW, outbox.add(update(SUB_A, "k3", 1)));
  }

  @Test
  void unsubscribingDropsOnlyThatSubscriptionsRows() {
    Outbox outbox = new Outbox(10);
    outbox.add(update(SUB_A, "k1", 1));
    outbox.add(update(SUB_B, "k1", 1));
    outbox.removeSubscription(SUB_A);
    assertEquals(1, outbox.size());
    assertSame(SUB_B, outbox.poll().subscription);
    assertTrue(outbox.isEmpty());
  }
}
