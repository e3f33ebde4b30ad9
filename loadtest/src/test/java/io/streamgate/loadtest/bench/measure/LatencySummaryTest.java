package io.streamgate.loadtest.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
  @Test
  void percentilesOfOneToAThousandMillisecondsInMicros() {
    Histogram h = new Histogram(3);
    for (int ms = 1; ms <= 1000; ms++) {
      h.recordValue(ms * 1000L);
    }
    LatencySummary s = LatencySummary.of(h);
    assertEquals(1000, s.count());
    // Three significant digits: each value within 0.1%.
    assertEquals(500, s.p50Ms(), 0.5);
    assertEquals(900, s.p90Ms(), 0.9);
    assertEquals(990, s.p99Ms(), 1);
    assertEquals(999, s.p999Ms(), 1);
    assertEquals(1000, s.maxMs(), 1);
    assertEquals(500.5, s.meanMs(), 0.5);
  }

  @Test
  void emptyIsAllZero() {
    assertEquals(new LatencySummary(0, 0, 0, 0, 0, 0, 0), LatencySummary.of(new Histogram(3)));
  }
}
