package io.streamgate.gateway.push.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.push.internal.WhereMatch.Move;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhereMatchTest {
  private static final Map<String, String> PAID = Map.of("status", "paid");

  private static Row row(long version, String status) {
    return new Row("orders", "o-1", version, 0, "{\"status\":\"" + status + "\"}");
  }

  @Test
  void aMatchingRowEntersOnceThenUpdates() {
    assertEquals(Move.ENTER, WhereMatch.move(PAID, null, row(1, "paid")));
    assertEquals(Move.UPDATE, WhereMatch.move(PAID, 1L, row(2, "paid")));
  }

  @Test
  void aRowThatStopsMatchingOrIsDeletedLeaves() {
    assertEquals(Move.LEAVE, WhereMatch.move(PAID, 1L, row(2, "shipped")));
    assertEquals(Move.LEAVE, WhereMatch.move(PAID, 1L, new Tombstone("orders", "o-1", 2, 0)));
  }

  @Test
  void rowsTheClientDoesNotHoldAndStaleChangesSayNothing() {
    assertEquals(Move.NONE, WhereMatch.move(PAID, null, row(1, "created")));
    assertEquals(Move.NONE, WhereMatch.move(PAID, null, new Tombstone("orders", "o-1", 2, 0)));
    assertEquals(Move.NONE, WhereMatch.move(PAID, 5L, row(5, "shipped")), "not newer");
    assertEquals(Move.NONE, WhereMatch.move(PAID, 5L, row(4, "paid")));
  }
}
