package io.streamgate.gateway.graphql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamgate.gateway.graphql.internal.RowData.ChangeType;
import io.streamgate.gateway.graphql.internal.RowData.Event;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a waiting event of a key and a newer one become the one event the client gets. */
class LiveRowsTest {
  private static Event event(ChangeType type, long version) {
    return new Event(type, "o-1", version, 1,
        type == ChangeType.DELETE ? null : new RowData("o-1", version, 0, Map.of()),
        type == ChangeType.DELETE ? 99L : null);
  }

  private static String merged(ChangeType waiting, ChangeType next) {
    Event out = LiveRows.merge(event(waiting, 1), event(next, 2));
    return out == null ? null : out.type() + " " + out.version();
  }

  @Test
  void theNewestStateWinsAndAFirstSightStaysOne() {
    assertEquals("UPDATE 2", merged(ChangeType.UPDATE, ChangeType.UPDATE));
    assertEquals("SNAPSHOT 2", merged(ChangeType.SNAPSHOT, ChangeType.UPDATE));
    assertEquals("ENTER 2", merged(ChangeType.ENTER, ChangeType.UPDATE));
    assertEquals("DELETE 2", merged(ChangeType.UPDATE, ChangeType.DELETE));
    assertEquals("LEAVE 2", merged(ChangeType.UPDATE, ChangeType.LEAVE));
    assertEquals("DELETE 2", merged(ChangeType.SNAPSHOT, ChangeType.DELETE), "keys: as before");
    assertEquals("UPDATE 2", merged(ChangeType.DELETE, ChangeType.UPDATE));
  }

  @Test
  void aRowSeenNeitherEnteringNorLeavingIsNotSent() {
    assertNull(merged(ChangeType.ENTER, ChangeType.LEAVE));
    assertNull(merged(ChangeType.ENTER, ChangeType.DELETE));
    assertNull(merged(ChangeType.SNAPSHOT, ChangeType.LEAVE));
  }

  @Test
  void aRowThatLeftAndCameBackIsAnUpdateToAClientThatStillHoldsIt() {
    assertEquals("UPDATE 2", merged(ChangeType.LEAVE, ChangeType.ENTER));
    assertEquals("UPDATE 2", merged(ChangeType.DELETE, ChangeType.ENTER));
    assertEquals("UPDATE 2", LiveRows.merge(event(ChangeType.LEAVE, 1), event(ChangeType.ENTER, 2))
        .as(ChangeType.UPDATE).type() + " 2");
  }

  @Test
  void nothingWaitingPassesTheEventOn() {
    Event next = event(ChangeType.ENTER, 3);
    assertEquals(next, LiveRows.merge(null, next));
  }
}
