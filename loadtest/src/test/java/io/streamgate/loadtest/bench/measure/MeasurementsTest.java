package io.streamgate.loadtest.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MeasurementsTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void warmUpIsDroppedAndEachMeasuredSecondJoinsTheSeries() {
    Measurements m = new Measurements();
    m.recordLatencyNanos(900 * MS);
    m.recordError("http_503");
    Second warm = m.tick(1.0);
    assertEquals(0, warm.second());
    assertEquals(1, warm.count());
    m.recordLatencyNanos(800 * MS); // still warm-up: dropped when measuring starts
    m.startMeasuring();
    for (int i = 1; i <= 100; i++) {
      m.recordLatencyNanos(i * MS);
    }
    m.recordError("timeout");
    m.recordError("timeout");
    Second first = m.tick(0.5);
    assertEquals(1, first.second());
    assertEquals(100, first.count());
    assertEquals(200, first.rate(), 1e-9);
    assertEquals(2, first.errors());
    m.recordLatencyNanos(3 * MS);
    m.tick(1.0);

    LatencySummary total = LatencySummary.of(m.total());
    assertEquals(101, total.count());
    assertEquals(100, total.maxMs(), 0.1);
    assertEquals(Map.of("timeout", 2L), m.errorsByKind());
    assertEquals(2, m.measuredErrors());
    assertEquals(1.5, m.measuredSeconds(), 1e-9);
    assertEquals(2, m.series().size());
  }

  @Test
  void drainCompletionsCountInTotalsButAddNoSecond() {
    Measurements m = new Measurements();
    m.startMeasuring();
    m.recordLatencyNanos(MS);
    m.tick(1.0);
    m.recordLatencyNanos(5_000 * MS);
    m.recordError("unfinished");
    m.tickFinal();
    assertEquals(2, m.total().getTotalCount());
    assertEquals(1, m.series().size());
    assertEquals(1.0, m.measuredSeconds(), 1e-9);
    assertEquals(1, m.measuredErrors());
    assertEquals(5_000, LatencySummary.of(m.total()).maxMs(), 5);
  }

  @Test
  void stagesAndCountersOnlyFromTheMeasuredPhase() {
    Measurements m = new Measurements();
    m.recordStageNanos("event_to_store", 999 * MS);
    m.count("admitted");
    m.startMeasuring();
    m.recordStageNanos("event_to_store", 10 * MS);
    m.recordStageNanos("store_to_client", 2 * MS);
    m.count("admitted");
    m.count("admitted");
    m.tick(1);
    assertEquals(Map.of("admitted", 2L), m.counters());
    LatencySummary store = LatencySummary.of(m.stages().get("event_to_store"));
    assertEquals(1, store.count());
    assertEquals(10, store.maxMs(), 0.01);
    assertTrue(m.stages().containsKey("store_to_client"));
  }

  @Test
  void p99SoFarFollowsThePhase() {
    Measurements m = new Measurements();
    m.recordLatencyNanos(50 * MS);
    m.tick(1);
    assertEquals(50, m.p99SoFarMs(), 0.1);
    m.startMeasuring();
    assertEquals(0, m.p99SoFarMs());
    m.recordLatencyNanos(2 * MS);
    m.tick(1);
    assertEquals(2, m.p99SoFarMs(), 0.01);
  }

  @Test
  void aWarmUpLatencyRecordedAfterMeasuringStartedIsDropped() {
    Measurements m = new Measurements();
    m.recordWarmUpLatencyNanos(5 * MS);
    assertEquals(1, m.tick(1.0).count());
    m.startMeasuring();
    m.recordWarmUpLatencyNanos(7 * MS);
    m.recordLatencyNanos(2 * MS);
    assertEquals(1, m.tick(1.0).count());
    assertEquals(1, m.total().getTotalCount());
  }
}
