package io.streamgate.gateway.usage.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.usage.Counter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellsTest {
  private static final String DAY = "2026-12-05";

  @Test
  void beyondTheBoundCountsGoToOtherAndAreCounted() {
    Cells cells = new Cells(2);
    cells.add(DAY, "a", "v", Counter.REQUESTS_OK, 1);
    cells.add(DAY, "b", "v", Counter.REQUESTS_OK, 1);
    cells.add(DAY, "c", "v", Counter.REQUESTS_OK, 1);
    cells.add(DAY, "d", "w", Counter.ROWS, 5);
    cells.add(DAY, "a", "v", Counter.REQUESTS_OK, 1);
    assertEquals(3, cells.size());
    assertEquals(2, cells.overflowed());
    long other = 0;
    for (Cells.Drained d : cells.drain()) {
      if (d.key().subject().equals(Cells.OTHER)) {
        assertEquals(Cells.NO_RESOURCE, d.key().resource());
        other += d.counts()[Counter.REQUESTS_OK.ordinal()] + d.counts()[Counter.ROWS.ordinal()];
      } else if (d.key().subject().equals("a")) {
        assertEquals(2, d.counts()[Counter.REQUESTS_OK.ordinal()]);
      }
    }
    assertEquals(6, other);
  }

  @Test
  void idleCellsLeaveAndNothingIsLostWhileDrainsRaceWithCounts() throws Exception {
    Cells cells = new Cells(1000);
    List<Thread> writers = new ArrayList<>();
    int perWriter = 200_000;
    for (int w = 0; w < 3; w++) {
      String subject = "s" + (w % 2);
      Thread t = new Thread(() -> {
        for (int i = 0; i < perWriter; i++) {
          cells.add(DAY, subject, "v", Counter.REQUESTS_OK, 1);
        }
      });
      writers.add(t);
      t.start();
    }
    long drained = 0;
    while (writers.stream().anyMatch(Thread::isAlive)) {
      drained += sum(cells.drain());
    }
    for (Thread t : writers) {
      t.join();
    }
    drained += sum(cells.drain());
    assertEquals(3L * perWriter, drained);
    cells.drain();
    cells.drain();
    assertEquals(0, cells.size(), "idle cells are let go");
  }

  @Test
  void restoredCountsGoOutWithTheNextDrain() {
    Cells cells = new Cells(10);
    cells.add(DAY, "a", "v", Counter.EVENTS, 3);
    List<Cells.Drained> failed = cells.drain();
    cells.add(DAY, "a", "v", Counter.EVENTS, 2);
    cells.restore(failed);
    assertEquals(5, sum(cells.drain(), Counter.EVENTS));
  }

  private static long sum(List<Cells.Drained> drained) {
    return sum(drained, Counter.REQUESTS_OK);
  }

  private static long sum(List<Cells.Drained> drained, Counter counter) {
    return drained.stream().mapToLong(d -> d.counts()[counter.ordinal()]).sum();
  }
}
