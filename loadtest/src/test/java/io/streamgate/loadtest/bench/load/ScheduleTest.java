package io.streamgate.loadtest.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.loadtest.bench.measure.LatencySummary;
import io.streamgate.loadtest.bench.measure.Measurements;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void slotsAreEvenlySpacedFromTheStart() {
    Schedule s = new Schedule(1_000 * MS, 100); // every 10 ms
    assertEquals(1_000 * MS, s.intendedNanos(0));
    assertEquals(1_010 * MS, s.intendedNanos(1));
    assertEquals(11_000 * MS, s.intendedNanos(1_000));
  }

  @Test
  void dueCountsSlotsAtOrBeforeNowIncludingExactBoundaries() {
    Schedule s = new Schedule(1_000 * MS, 100);
    assertEquals(0, s.dueBy(999 * MS));
    assertEquals(1, s.dueBy(1_000 * MS));
    assertEquals(1, s.dueBy(1_009 * MS));
    assertEquals(2, s.dueBy(1_010 * MS));
    assertEquals(101, s.dueBy(2_000 * MS));
    // An odd rate: the count agrees with intendedNanos slot by slot.
    Schedule odd = new Schedule(0, 333.3);
    for (long now = 0; now < 50 * MS; now += 77_777) {
      long due = odd.dueBy(now);
      assertTrue(odd.intendedNanos(due - 1) <= now && odd.intendedNanos(due) > now, "at " + now);
    }
  }

  @Test
  void aStallShowsInEveryRequestScheduledDuringItNotJustOne() {
    // 100/s; the server stalls for one second from t=0, then answers everything at once.
    Schedule s = new Schedule(0, 100);
    long stallEnd = 1_000 * MS;
    Measurements corrected = new Measurements();
    Measurements naive = new Measurements();
    corrected.startMeasuring();
    naive.startMeasuring();
    for (long slot = 0; slot < 100; slot++) {
      corrected.recordLatencyNanos(Schedule.correctedLatencyNanos(s.intendedNanos(slot), stallEnd));
    }
    // A closed-model client stuck on its first request sends nothing else: one sample of 1 s,
    // then 99 quick ones once the stall is over.
    naive.recordLatencyNanos(stallEnd);
    for (int i = 1; i < 100; i++) {
      naive.recordLatencyNanos(MS);
    }
    corrected.tick(1);
    naive.tick(1);
    LatencySummary c = LatencySummary.of(corrected.total());
    LatencySummary n = LatencySummary.of(naive.total());
    assertEquals(500, c.p50Ms(), 15);
    assertEquals(990, c.p99Ms(), 15);
    assertEquals(1, n.p50Ms(), 0.01);
    assertTrue(n.p90Ms() < 2, "the naive view hides the stall below p99: " + n);
  }

  @Test
  void aRampClimbsLinearlyToTheRateThenHoldsIt() {
    // 1,000/s after a 2 s ramp: 1,000 slots in the ramp (half the full rate's 2,000).
    Schedule s = new Schedule(0, 1_000, 2_000 * MS);
    assertEquals(0, s.intendedNanos(0));
    assertEquals(250, s.dueBy(1_000 * MS) - 1, 1, "a quarter of the ramp's slots in its first half");
    assertEquals(1_000, s.dueBy(2_000 * MS) - 1, 1);
    assertEquals(2_000 * MS, s.intendedNanos(1_000));
    assertEquals(2_001 * MS, s.intendedNanos(1_001));
    assertEquals(2_000, s.dueBy(3_000 * MS) - 1, 1, "full rate after the ramp");
    // The rate grows linearly, so the slots so far grow with the square of the time: the ramp's
    // second quarter holds three times as many as its first.
    long firstQuarter = s.dueBy(500 * MS);
    long secondQuarter = s.dueBy(1_000 * MS) - firstQuarter;
    assertEquals(3.0, (double) secondQuarter / firstQuarter, 0.1);
    // dueBy and intendedNanos agree slot by slot, across the ramp's end.
    for (long now = 0; now < 2_500 * MS; now += 777_777) {
      long due = s.dueBy(now);
      assertTrue(s.intendedNanos(due - 1) <= now && s.intendedNanos(due) > now, "at " + now);
    }
  }

  @Test
  void correctedLatencyIsNeverNegative() {
    assertEquals(0, Schedule.correctedLatencyNanos(100, 50));
    assertEquals(50, Schedule.correctedLatencyNanos(50, 100));
  }

  @Test
  void rejectsRatesThatAreNotPositive() {
    assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Schedule(0, -1));
    assertThrows(IllegalArgumentException.class, () -> new Schedule(0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new Schedule(0, Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 1, -1));
  }
}
