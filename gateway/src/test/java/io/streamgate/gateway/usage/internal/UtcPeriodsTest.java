package io.streamgate.gateway.usage.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UtcPeriodsTest {

  @Test
  void periodsAreUtcAndEndAtTheNextOne() {
    long lastSecondOfYear = Instant.parse("2026-12-31T23:59:59.500Z").toEpochMilli();
    assertEquals("2026-12-31", UtcPeriods.day(lastSecondOfYear));
    assertEquals("2026-12", UtcPeriods.month(lastSecondOfYear));
    assertEquals(1, UtcPeriods.secondsToDayEnd(lastSecondOfYear));
    assertEquals(1, UtcPeriods.secondsToMonthEnd(lastSecondOfYear));
    long midnight = Instant.parse("2027-02-01T00:00:00Z").toEpochMilli();
    assertEquals(86_400, UtcPeriods.secondsToDayEnd(midnight));
    assertEquals(28 * 86_400, UtcPeriods.secondsToMonthEnd(midnight));
  }

  @Test
  void theKeptDayFollowsTheClockAcrossMidnightBothWays() {
    long midnight = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();
    assertEquals("2026-12-31", UtcPeriods.day(midnight - 1));
    assertEquals("2027-01-01", UtcPeriods.day(midnight));
    assertEquals("2027-01", UtcPeriods.month(midnight + 86_399_999));
    assertEquals("2027-01-02", UtcPeriods.day(midnight + 86_400_000));
    assertEquals("2026-12", UtcPeriods.month(midnight - 1)); // a clock stepped back
    assertEquals("1970-01-01", UtcPeriods.day(0));
  }

  @Test
  void usageIsKept400DaysAfterItsPeriod() {
    assertEquals(Instant.parse("2028-01-10T00:00:00Z").getEpochSecond(),
        UtcPeriods.dayExpiry("2026-12-05"));
    assertEquals(Instant.parse("2028-02-05T00:00:00Z").getEpochSecond(),
        UtcPeriods.monthExpiry("2026-12"));
    assertNull(UtcPeriods.parseDay("2026-13-01"));
  }
}
