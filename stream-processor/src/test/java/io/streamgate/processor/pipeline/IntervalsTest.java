package io.streamgate.processor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IntervalsTest {
  @Test
  void readsAmountsWithUnits() {
    assertEquals(Duration.ofSeconds(30), Intervals.parse("30 seconds"));
    assertEquals(Duration.ofMillis(500), Intervals.parse("500 ms"));
    assertEquals(Duration.ofMinutes(10), Intervals.parse("10 minutes"));
    assertEquals(Duration.ofHours(1), Intervals.parse(" 1 Hour "));
    assertEquals(Duration.ofDays(2), Intervals.parse("2d"));
    assertEquals(Duration.ZERO, Intervals.parse("0"));
  }

  @Test
  void rejectsMissingOrUnknownUnitsQuotingTheText() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Intervals.parse("30"));
    assertTrue(e.getMessage().contains("'30'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Intervals.parse("5 fortnights"));
    assertThrows(IllegalArgumentException.class, () -> Intervals.parse("-5 seconds"));
    assertThrows(IllegalArgumentException.class, () -> Intervals.parse(null));
  }

  @Test
  void writesWhatSparkReadsBack() {
    assertEquals("30000 milliseconds", Intervals.toSpark(Duration.ofSeconds(30)));
  }
}
