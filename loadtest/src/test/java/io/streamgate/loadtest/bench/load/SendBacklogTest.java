package io.streamgate.loadtest.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SendBacklogTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final Schedule EVERY_MS = new Schedule(0, 1000);

  private final List<Long> expired = new ArrayList<>();

  @Test
  void sendsAtMostMaxSendingAtOnceAndTheRestInSlotOrderAsPlacesFree() {
    SendBacklog backlog = new SendBacklog(2, EVERY_MS, 1_000 * MS);
    for (long slot = 0; slot < 5; slot++) {
      backlog.due(slot);
    }
    assertEquals(0, backlog.nextToSend(5 * MS, expired::add));
    assertEquals(1, backlog.nextToSend(5 * MS, expired::add));
    assertEquals(SendBacklog.NONE, backlog.nextToSend(5 * MS, expired::add), "both places are taken");
    assertEquals(2, backlog.sending());
    assertEquals(3, backlog.waiting());

    backlog.sent();
    assertEquals(2, backlog.nextToSend(6 * MS, expired::add));
    assertEquals(SendBacklog.NONE, backlog.nextToSend(6 * MS, expired::add));
    backlog.sent();
    backlog.sent();
    assertEquals(3, backlog.nextToSend(7 * MS, expired::add));
    assertEquals(4, backlog.nextToSend(7 * MS, expired::add));
    assertEquals(SendBacklog.NONE, backlog.nextToSend(7 * MS, expired::add));
    assertEquals(0, backlog.waiting());
    assertEquals(List.of(), expired);
  }

  @Test
  void unitsThatWaitedPastTheLimitSinceTheirIntendedTimeExpireInsteadOfBeingSent() {
    SendBacklog backlog = new SendBacklog(1, EVERY_MS, 10 * MS);
    for (long slot = 0; slot < 4; slot++) {
      backlog.due(slot); // intended at 0, 1, 2, 3 ms
    }
    assertEquals(0, backlog.nextToSend(0, expired::add));
    backlog.sent();
    // At 12 ms slots 1 (11 ms late) expires; slot 2 is exactly 10 ms late, still within the limit.
    assertEquals(2, backlog.nextToSend(12 * MS, expired::add));
    assertEquals(List.of(1L), expired);
    assertEquals(1, backlog.waiting());
    assertEquals(1, backlog.sending(), "an expired unit takes no place");
  }

  @Test
  void dropsOnlyTheWaitingSlotsBeforeTheGivenOne() {
    SendBacklog backlog = new SendBacklog(1, EVERY_MS, 1_000 * MS);
    for (long slot = 0; slot < 6; slot++) {
      backlog.due(slot);
    }
    assertEquals(0, backlog.nextToSend(0, expired::add));
    assertEquals(3, backlog.dropWaitingBefore(4), "slots 1, 2, 3");
    assertEquals(0, backlog.dropWaitingBefore(4));
    backlog.sent();
    assertEquals(4, backlog.nextToSend(0, expired::add));
    assertEquals(1, backlog.waiting());
  }

  @Test
  void completionsMustMatchSends() {
    SendBacklog backlog = new SendBacklog(1, EVERY_MS, MS);
    assertThrows(IllegalStateException.class, backlog::sent);
    assertThrows(IllegalArgumentException.class, () -> new SendBacklog(0, EVERY_MS, MS));
  }
}
