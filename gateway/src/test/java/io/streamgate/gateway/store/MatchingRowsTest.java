package io.streamgate.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Change;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.store.MatchingRows.Move;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatchingRowsTest {
  private static final Map<String, String> PAID = Map.of("status", "paid");

  private static Row row(long version, String status) {
    return row("o-1", version, status);
  }

  private static Row row(String key, long version, String status) {
    return new Row("orders", key, version, 0, "{\"status\":\"" + status + "\"}");
  }

  @Test
  void aMatchingRowEntersOnceThenUpdates() {
    assertEquals(Move.ENTER, MatchingRows.move(PAID, null, row(1, "paid")));
    assertEquals(Move.UPDATE, MatchingRows.move(PAID, 1L, row(2, "paid")));
  }

  @Test
  void aRowThatStopsMatchingOrIsDeletedLeaves() {
    assertEquals(Move.LEAVE, MatchingRows.move(PAID, 1L, row(2, "shipped")));
    assertEquals(Move.LEAVE, MatchingRows.move(PAID, 1L, new Tombstone("orders", "o-1", 2, 0)));
  }

  @Test
  void rowsTheClientDoesNotHoldAndStaleChangesSayNothing() {
    assertEquals(Move.NONE, MatchingRows.move(PAID, null, row(1, "created")));
    assertEquals(Move.NONE, MatchingRows.move(PAID, null, new Tombstone("orders", "o-1", 2, 0)));
    assertEquals(Move.NONE, MatchingRows.move(PAID, 5L, row(5, "shipped")), "not newer");
    assertEquals(Move.NONE, MatchingRows.move(PAID, 5L, row(4, "paid")));
  }

  @Test
  void movesKeepTheSetTheClientHolds() {
    MatchingRows matching = new MatchingRows("orders", PAID, null, 10);
    assertEquals(Move.ENTER, matching.move(row(1, "paid")));
    assertEquals(Move.NONE, matching.move(row(1, "paid")), "each version once");
    assertEquals(Move.UPDATE, matching.move(row(2, "paid")));
    assertEquals(Map.of("o-1", 2L), matching.holding());
    assertEquals(Move.LEAVE, matching.move(row(3, "shipped")));
    assertEquals(Map.of(), matching.holding());
  }

  @Test
  void aSnapshotMergesTheChangesHeldDuringTheReadNewestWins() {
    MatchingRows matching = new MatchingRows("orders", PAID, null, 10);
    matching.startRead();
    assertTrue(matching.reading());
    matching.hold(row("o-2", 3, "paid")); // entered during the read
    matching.hold(row("o-1", 5, "shipped")); // left during the read
    matching.hold(row("o-3", 1, "paid")); // older than the row read
    MatchingRows.Snapshot snapshot = matching.finishRead(
        List.of(row("o-1", 4, "paid"), row("o-3", 2, "paid"), row("t:o-4", 1, "paid")),
        key -> !key.startsWith("t:"), Map.of());
    assertFalse(matching.reading());
    assertEquals(List.of("o-3:2", "o-2:3"),
        snapshot.rows().stream().map(r -> r.key() + ":" + r.version()).toList());
    assertEquals(Map.of("o-2", 3L, "o-3", 2L), matching.holding());
    assertEquals(List.of(), snapshot.left());
  }

  @Test
  void aSnapshotAgainstWhatTheClientHeldSaysWhatIsNewWhatIsCurrentAndWhatLeft() {
    MatchingRows matching = new MatchingRows("orders", PAID, null, 10);
    matching.startRead();
    matching.hold(new Tombstone("orders", "o-2", 7, 99));
    MatchingRows.Snapshot snapshot = matching.finishRead(
        List.of(row("o-1", 4, "paid"), row("o-5", 2, "paid")), key -> true,
        Map.of("o-1", 4L, "o-2", 6L, "o-3", 9L));
    assertEquals(List.of("o-5"), snapshot.rows().stream().map(Row::key).toList());
    assertEquals(List.of("o-1"), snapshot.upToDate());
    Map<String, Change> left = new java.util.TreeMap<>();
    snapshot.left().forEach(c -> left.put(c.key(), c));
    assertEquals(7, left.get("o-2").version(), "the delete seen");
    assertEquals(9, left.get("o-3").version(), "not seen: the client's own version");
  }

  @Test
  void moreRowsThanTrackedEndTheSubscription() {
    MatchingRows matching = new MatchingRows("orders", PAID, null, 1);
    matching.startRead();
    MatchingRows.Refused refused = assertThrows(MatchingRows.Refused.class,
        () -> matching.finishRead(List.of(row("o-1", 1, "paid"), row("o-2", 1, "paid")),
            key -> true, Map.of()));
    assertTrue(refused.tooManyRows());
    MatchingRows one = new MatchingRows("orders", PAID, null, 1);
    one.move(row("o-1", 1, "paid"));
    assertTrue(assertThrows(MatchingRows.Refused.class, () -> one.move(row("o-2", 1, "paid")))
        .tooManyRows());
  }

  @Test
  void tooManyKeysChangingDuringTheReadVoidIt() {
    MatchingRows matching = new MatchingRows("orders", PAID, null, 1);
    matching.startRead();
    for (int i = 0; i < 11; i++) {
      matching.hold(row("o-" + i, 1, "created"));
    }
    MatchingRows.Refused refused = assertThrows(MatchingRows.Refused.class,
        () -> matching.finishRead(List.of(), key -> true, Map.of()));
    assertFalse(refused.tooManyRows());
  }
}
