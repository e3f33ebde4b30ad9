package io.streamgate.loadtest.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RatePacerTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** A clock the test moves by hand. */
  private static final class FakeClock {
    long now = 1_000_000_000L;
  }

  @Test
  void slotsFollowTheScheduleNotTheTimeSpentSending() {
    FakeClock clock = new FakeClock();
    RatePacer pacer = new RatePacer(10, () -> clock.now); // one event per 100 ms
    assertEquals(0, pacer.reserveNext());
    clock.now += 30 * MS; // sending took 30 ms: the next slot is still at +100 ms
    assertEquals(70 * MS, pacer.reserveNext());
    clock.now += 70 * MS + 10 * MS;
    assertEquals(90 * MS, pacer.reserveNext());
  }

  @Test
  void aSlowLoopCatchesUpWithoutWaiting() {
    FakeClock clock = new FakeClock();
    RatePacer pacer = new RatePacer(100, () -> clock.now);
    pacer.reserveNext();
    clock.now += 500 * MS; // half a second late: 49 slots are overdue
    for (int i = 0; i < 50; i++) {
      assertEquals(0, pacer.reserveNext(), "overdue slot " + i);
    }
    assertEquals(10 * MS, pacer.reserveNext());
  }

  @Test
  void aBacklogOverOneSecondIsDroppedInsteadOfBursting() {
    FakeClock clock = new FakeClock();
    RatePacer pacer = new RatePacer(100, () -> clock.now);
    pacer.reserveNext();
    clock.now += 5_000 * MS;
    assertEquals(0, pacer.reserveNext());
    assertEquals(10 * MS, pacer.reserveNext());
  }

  @Test
  void awaitNextKeepsTheRateOnARealClock() throws InterruptedException {
    RatePacer pacer = new RatePacer(200);
    long start = System.nanoTime();
    for (int i = 0; i < 41; i++) {
      pacer.awaitNext();
    }
    long elapsedMs = (System.nanoTime() - start) / MS;
    // 40 intervals of 5 ms; parking never wakes early, and generous slack for a busy machine.
    assertTrue(elapsedMs >= 199 && elapsedMs < 1_000, "took " + elapsedMs + " ms");
  }

  @Test
  void rejectsNonPositiveRates() {
    assertThrows(IllegalArgumentException.class, () -> new RatePacer(0));
    assertThrows(IllegalArgumentException.class, () -> new RatePacer(-1));
    assertThrows(IllegalArgumentException.class, () -> new RatePacer(Double.NaN));
  }
}
