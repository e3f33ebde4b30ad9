package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A backfill leaves a task slot to the live views whenever Spark has more than one. */
class BackfillSlotsTest {

  @Test
  void readsWithEverySlotButOne() {
    assertEquals(1, ViewManager.backfillReadTasks(2), "local[2]: one slot stays free");
    assertEquals(15, ViewManager.backfillReadTasks(16));
  }

  @Test
  void readsWithOneTaskWhenThereIsOnlyOneSlot() {
    assertEquals(1, ViewManager.backfillReadTasks(1), "a backfill must still progress");
  }
}
